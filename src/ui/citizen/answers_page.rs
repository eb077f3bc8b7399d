//! `/services/{code}/apply[?draft=…]`: step 1, the answers. The form itself is the
//! `ApplicationForm` island; this page prepares its model in the page's language.

use crate::api::applications::{ApplicationView, SaveAnswers, SyncAnswers, load_application};
use crate::domain::form::FieldError;
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::I18n;
use crate::ui::components::application_form::{ApplicationForm, FieldModel, FormModel};
use crate::ui::{error_template, field_error_message, lang, load_page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AnswersPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || (params.read().get("code").unwrap_or_default(), query.read().get("draft")),
        |(code, draft)| load_application(code, draft),
    );
    load_page(data, answers_view)
}

/// "第 1 步，共 3 步" and the step's name.
pub fn step_heading(i18n: I18n, n: u32, name: String) -> impl IntoView {
    view! { <p class="steps">{fill_template(&t_string!(i18n, apply.step).to_string(), &[("n", n.to_string())])}" · "{name}</p> }
}

/// The form island's model for `fields` of the application, in the page's
/// language: the whole form on the desktop, one question on the handheld version.
/// `show_errors`: the draft's problems are shown on the fields.
pub fn form_model<'a>(
    i18n: I18n,
    v: &ApplicationView,
    fields: impl Iterator<Item = &'a crate::domain::form::FieldDefinition>,
    show_errors: bool,
    submit_label: String,
    hidden: Vec<(String, String)>,
) -> FormModel {
    let lang = lang();
    let fields = fields
        .map(|f| FieldModel {
            definition: f.clone(),
            label: f.label.get(lang).to_owned(),
            hint: f.hint.as_ref().map(|h| h.get(lang).to_owned()),
            options: f.options.iter().map(|o| (o.value.clone(), o.label.get(lang).to_owned())).collect(),
            value: v.answers.get(&f.name).cloned().unwrap_or_default(),
            error: v.errors.get(&f.name).filter(|_| show_errors).map(|e| field_error_message(i18n, &e)),
        })
        .collect();
    FormModel {
        action: SaveAnswers::PATH.to_owned(),
        service_code: v.item.code.clone(),
        draft_id: v.draft_id.clone(),
        today: v.today.clone(),
        fields,
        messages: FieldError::CODES.iter().map(|code| ((*code).to_owned(), error_template(i18n, code))).collect(),
        error_summary_title: t_string!(i18n, apply.error_summary_title).to_string(),
        submit_label,
        required_label: t_string!(i18n, apply.required).to_string(),
        optional_label: t_string!(i18n, apply.optional).to_string(),
        select_placeholder: t_string!(i18n, apply.select_placeholder).to_string(),
        sync: v.signed_in.then(|| (SyncAnswers::PATH.to_owned(), t_string!(i18n, apply.synced).to_string())),
        hidden,
    }
}

fn answers_view(v: ApplicationView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let name = v.item.name.get(lang).to_owned();
    if !v.item.can_apply_online() {
        return view! {
            <Title text=name.clone()/>
            <h1 class="page-title">{name}</h1>
            <p class="notice">{t_string!(i18n, apply.not_online).to_string()}</p>
        }
        .into_any();
    }
    let model = form_model(i18n, &v, v.item.form.fields.iter(), true, t_string!(i18n, apply.save_and_continue).to_string(), Vec::new());
    let title = if v.errors.is_empty() { name.clone() } else { format!("{} - {name}", t_string!(i18n, apply.error_summary_title)) };
    view! {
        <Title text=title/>
        {step_heading(i18n, 1, t_string!(i18n, apply.step_answers).to_string())}
        <h1 class="page-title">{name}</h1>
        {match v.filed_for.clone() {
            Some(phone) => Some(view! { <p class="notice" data-testid="proxy-banner">{fill_template(&t_string!(i18n, agent.banner).to_string(), &[("phone", phone)])}</p> }.into_any()),
            None => v.draft_id.is_some().then(|| view! { <p class="notice">{t_string!(i18n, apply.draft_saved).to_string()}</p> }.into_any()),
        }}
        <ApplicationForm model=model/>
    }
    .into_any()
}
