//! `/services/{code}/apply[?draft=…]`: step 1, the answers. The form itself is the
//! `ApplicationForm` island; this page prepares its model in the page's language.

use crate::api::applications::{ApplicationView, SaveAnswers, load_application};
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
    let fields = v
        .item
        .form
        .fields
        .iter()
        .map(|f| FieldModel {
            definition: f.clone(),
            label: f.label.get(lang).to_owned(),
            hint: f.hint.as_ref().map(|h| h.get(lang).to_owned()),
            options: f.options.iter().map(|o| (o.value.clone(), o.label.get(lang).to_owned())).collect(),
            value: v.answers.get(&f.name).cloned().unwrap_or_default(),
            error: v.errors.get(&f.name).map(|e| field_error_message(i18n, &e)),
        })
        .collect();
    let model = FormModel {
        action: SaveAnswers::PATH.to_owned(),
        service_code: v.item.code.clone(),
        draft_id: v.draft_id.clone(),
        today: v.today.clone(),
        fields,
        messages: FieldError::CODES.iter().map(|code| ((*code).to_owned(), error_template(i18n, code))).collect(),
        error_summary_title: t_string!(i18n, apply.error_summary_title).to_string(),
        submit_label: t_string!(i18n, apply.save_and_continue).to_string(),
        required_label: t_string!(i18n, apply.required).to_string(),
        optional_label: t_string!(i18n, apply.optional).to_string(),
        select_placeholder: t_string!(i18n, apply.select_placeholder).to_string(),
    };
    let title = if v.errors.is_empty() { name.clone() } else { format!("{} - {name}", t_string!(i18n, apply.error_summary_title)) };
    view! {
        <Title text=title/>
        {step_heading(i18n, 1, t_string!(i18n, apply.step_answers).to_string())}
        <h1 class="page-title">{name}</h1>
        {v.draft_id.is_some().then(|| view! { <p class="notice">{t_string!(i18n, apply.draft_saved).to_string()}</p> })}
        <ApplicationForm model=model/>
    }
    .into_any()
}
