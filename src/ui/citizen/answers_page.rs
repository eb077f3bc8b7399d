//! `/services/{code}/apply[?draft=…]`: step 1, the answers. The form itself is the
//! `ApplicationForm` (server HTML checked in the browser by its island); this page
//! prepares its model in the page's language.

use crate::api::applications::{ApplicationView, SaveAnswers, SyncAnswers, load_application};
use crate::domain::form::{FieldDefinition, FieldError, FieldErrors, FieldKind, FormDefinition, RawAnswers, entry_key};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::I18n;
use crate::ui::components::application_form::{ApplicationForm, EntryTexts, FieldModel, FormModel, GroupModel, QuestionModel};
use crate::ui::{entry_heading, error_template, field_error_text, lang, load_page, page_data};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AnswersPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = page_data(
        move || (params.read().get("code").unwrap_or_default(), query.read().get("draft"), query.read().get("entry").is_some()),
        |(code, draft, editing)| async move { Ok((load_application(code, draft).await?, editing)) },
    );
    load_page(data, answers_view)
}

/// "第 1 步，共 3 步" and the step's name.
pub fn step_heading(i18n: I18n, n: u32, name: String) -> impl IntoView {
    view! { <p class="steps">{fill_template(&t_string!(i18n, apply.step).to_string(), &[("n", n.to_string())])}" · "{name}</p> }
}

/// What a form page renders the form island from: a single application's form, or
/// a bundle's combined one.
pub struct FormSource<'a> {
    pub form: &'a FormDefinition,
    /// The item's (or bundle's) code, sent as `service`.
    pub code: &'a str,
    pub draft_id: Option<String>,
    pub answers: &'a RawAnswers,
    pub errors: &'a FieldErrors,
    pub today: &'a str,
    /// The server function the form posts to.
    pub action: &'static str,
    /// A signed-in citizen's answers are kept in their account as they type.
    pub sync: bool,
}

impl<'a> FormSource<'a> {
    pub fn application(v: &'a ApplicationView) -> Self {
        FormSource { form: &v.item.form, code: &v.item.code, draft_id: v.draft_id.clone(), answers: &v.answers, errors: &v.errors, today: &v.today, action: SaveAnswers::PATH, sync: v.signed_in }
    }
}

/// The form's model for `fields` of the application, in the page's language: the
/// whole form on the desktop, one question on the handheld version.
/// `show_errors`: the draft's problems are shown on the fields.
pub fn form_model<'a>(
    i18n: I18n,
    v: FormSource<'_>,
    fields: impl Iterator<Item = &'a FieldDefinition>,
    show_errors: bool,
    submit_label: String,
    hidden: Vec<(String, String)>,
) -> FormModel {
    let lang = lang();
    let form = v.form;
    let field_model = |f: &FieldDefinition, key: String, summary_label: String| FieldModel {
        error: v.errors.get(&key).filter(|_| show_errors).map(|e| field_error_text(i18n, form, &e)),
        key,
        definition: f.clone(),
        label: f.label.get(lang).to_owned(),
        summary_label,
        hint: f.hint.as_ref().map(|h| h.get(lang).to_owned()),
        options: f.options.iter().map(|o| (o.value.clone(), o.label.get(lang).to_owned())).collect(),
    };
    let questions = fields
        .map(|f| {
            if f.kind != FieldKind::Group {
                return QuestionModel::Field(field_model(f, f.name.clone(), f.label.get(lang).to_owned()));
            }
            let headings: Vec<String> = (1..=f.entry_bounds().1).map(|n| entry_heading(i18n, f, n)).collect();
            let entries = headings
                .iter()
                .enumerate()
                .map(|(i, heading)| f.fields.iter().map(|sub| field_model(sub, entry_key(&f.name, i + 1, &sub.name), format!("{heading} · {}", sub.label.get(lang)))).collect())
                .collect();
            QuestionModel::Group(GroupModel { name: f.name.clone(), label: f.label.get(lang).to_owned(), hint: f.hint.as_ref().map(|h| h.get(lang).to_owned()), required: f.required, headings, entries })
        })
        .collect();
    FormModel {
        action: v.action.to_owned(),
        service_code: v.code.to_owned(),
        draft_id: v.draft_id.clone(),
        today: v.today.to_owned(),
        form: form.clone(),
        answers: v.answers.clone().into_iter().collect(),
        questions,
        messages: FieldError::CODES.iter().map(|code| ((*code).to_owned(), error_template(i18n, code))).collect(),
        rule_messages: form.rules.iter().map(|r| r.message.get(lang).to_owned()).collect(),
        error_summary_title: t_string!(i18n, apply.error_summary_title).to_string(),
        submit_label,
        required_label: t_string!(i18n, apply.required).to_string(),
        optional_label: t_string!(i18n, apply.optional).to_string(),
        select_placeholder: t_string!(i18n, apply.select_placeholder).to_string(),
        entry_texts: EntryTexts {
            add: t_string!(i18n, apply.add_entry_named).to_string(),
            remove: t_string!(i18n, apply.remove_entry_named).to_string(),
            none: t_string!(i18n, apply.no_entries).to_string(),
            added: t_string!(i18n, apply.entry_added).to_string(),
            removed: t_string!(i18n, apply.entry_removed).to_string(),
        },
        sync: v.sync.then(|| (SyncAnswers::PATH.to_owned(), t_string!(i18n, apply.synced).to_string())),
        hidden,
    }
}

/// new entry is not yet wrong.
fn answers_view((v, editing): (ApplicationView, bool)) -> impl IntoView {
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
    let model = form_model(i18n, FormSource::application(&v), v.item.form.fields.iter(), !editing, t_string!(i18n, apply.save_and_continue).to_string(), Vec::new());
    let title = if v.errors.is_empty() || editing { name.clone() } else { format!("{} - {name}", t_string!(i18n, apply.error_summary_title)) };
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
