//! The answers form of an application. The server renders the whole form as a plain
//! `<form>` that posts to the `save_answers` server function, so it works without
//! JavaScript. The `FormChecker` island wraps that HTML and, in the browser, checks
//! the answers as they are typed with the same domain functions and messages the
//! server uses: which questions apply (`shown_slots`), each answer, the rules between
//! answers (`validate_answers`), and a group's "add another" and "remove"
//! (`add_entry`, `remove_entry`). Without JavaScript the same buttons post, and the
//! server applies the same rules.
//!
//! The island does not render the questions: it changes what changes (a message, a
//! question shown or hidden, a group's entries) in the server's HTML. So the browser
//! gets the form's rules and messages, not the code and texts of every question,
//! and a phone has little to run before the form answers its first keystroke.

use crate::domain::calendar::Date;
use crate::domain::form::{FieldDefinition, FieldError, FieldKind, FormDefinition, RawAnswers, add_entry, remove_entry, shown_slots, validate_answers};
use crate::domain::text::fill_template;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One answer's field with everything its HTML needs in the page's language.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldModel {
    /// The answer's key: the field's name, or `{group}.{n}.{field}` in a group entry.
    pub key: String,
    pub definition: FieldDefinition,
    pub label: String,
    /// The label in the error summary (a group entry's says which entry).
    pub summary_label: String,
    pub hint: Option<String>,
    /// (value, label) for selects.
    pub options: Vec<(String, String)>,
    pub error: Option<String>,
}

/// A repeating group: every entry it may hold, the ones past its count hidden.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupModel {
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub required: bool,
    /// "Household member (2)", by entry.
    pub headings: Vec<String>,
    pub entries: Vec<Vec<FieldModel>>,
}

/// One question of the form as it is rendered.
#[derive(Clone, Debug, PartialEq)]
pub enum QuestionModel {
    Field(FieldModel),
    Group(GroupModel),
}

/// The form, its texts and messages, prepared by the server in the page's language.
#[derive(Clone, Debug, PartialEq)]
pub struct FormModel {
    pub action: String,
    pub service_code: String,
    pub draft_id: Option<String>,
    /// Today in China (`YYYY-MM-DD`), so date rules do not depend on the device clock.
    pub today: String,
    /// The whole form: which questions apply and the rules between answers depend on
    /// answers this page may not ask (the handheld form asks one question).
    pub form: FormDefinition,
    /// Every answer saved so far.
    pub answers: Vec<(String, String)>,
    /// The questions this page asks.
    pub questions: Vec<QuestionModel>,
    /// Message templates by error code.
    pub messages: Vec<(String, String)>,
    /// The form's rule messages, by rule index.
    pub rule_messages: Vec<String>,
    pub error_summary_title: String,
    pub submit_label: String,
    pub required_label: String,
    pub optional_label: String,
    pub select_placeholder: String,
    /// "Add another", "Remove …" (with `{entry}`), "None added yet", and what is
    /// announced after each.
    pub entry_texts: EntryTexts,
    /// For a signed-in citizen: the server function that keeps the answers in their
    /// account as they type (so another device can continue), and what to say once
    /// it has. None when signed out: the device alone keeps them.
    pub sync: Option<(String, String)>,
    /// More hidden fields to send (the question number of the handheld form).
    pub hidden: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntryTexts {
    pub add: String,
    pub remove: String,
    pub none: String,
    pub added: String,
    pub removed: String,
}

/// What the browser needs to check the answers as they are typed: the rules and the
/// messages, and the keys of the questions in the page. The questions themselves
/// are the server's HTML.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormChecks {
    action: String,
    service_code: String,
    draft_id: Option<String>,
    today: String,
    form: FormDefinition,
    answers: Vec<(String, String)>,
    /// Every field this page asks, in order: its answer's key and its label in the
    /// error summary.
    fields: Vec<(String, String)>,
    /// The groups this page asks.
    groups: Vec<String>,
    /// The messages the page was rendered with, by key.
    errors: Vec<(String, String)>,
    messages: Vec<(String, String)>,
    rule_messages: Vec<String>,
    error_summary_title: String,
    submit_label: String,
    /// "None added yet", and what is announced after an entry is added or removed.
    no_entries: String,
    entry_added: String,
    entry_removed: String,
    sync: Option<(String, String)>,
}

/// The ids the server's HTML gives what the browser changes.
fn dom_id(key: &str) -> String {
    format!("field-{key}")
}

fn question_id(key: &str) -> String {
    format!("question-{key}")
}

fn entry_id(group: &str, n: usize) -> String {
    format!("entry-{group}-{n}")
}

fn remove_button_id(group: &str, n: usize) -> String {
    format!("remove-{group}-{n}")
}

fn add_button_id(group: &str) -> String {
    format!("add-{group}")
}

fn count_id(group: &str) -> String {
    format!("count-{group}")
}

fn no_entries_id(group: &str) -> String {
    format!("none-{group}")
}

/// The answer's key in a field's name: `answers[{key}]`.
fn key_of_name(name: &str) -> Option<&str> {
    name.strip_prefix("answers[")?.strip_suffix(']')
}

/// Answers are kept on the device while they are typed, so a reload, a closed tab or
/// a dropped connection loses nothing; they are removed once the form is sent (the
/// server holds them then). One entry per item and draft.
fn device_key(service_code: &str, draft_id: Option<&str>) -> String {
    format!("portal-answers:{service_code}:{}", draft_id.unwrap_or("new"))
}

fn answers_of(pairs: Vec<(String, String)>) -> RawAnswers {
    let mut answers = RawAnswers::new();
    answers.extend(pairs);
    answers
}

/// The whole form as HTML, wrapped in the island that checks it in the browser.
#[component]
pub fn ApplicationForm(model: FormModel) -> impl IntoView {
    let FormModel {
        action,
        service_code,
        draft_id,
        today,
        form,
        answers,
        questions,
        messages,
        rule_messages,
        error_summary_title,
        submit_label,
        required_label,
        optional_label,
        select_placeholder,
        entry_texts,
        sync,
        hidden,
    } = model;
    let saved = answers_of(answers.clone());
    let every_field: Vec<&FieldModel> = questions
        .iter()
        .flat_map(|q| match q {
            QuestionModel::Field(f) => vec![f],
            QuestionModel::Group(g) => g.entries.iter().flatten().collect(),
        })
        .collect();
    let checks = FormChecks {
        action,
        service_code: service_code.clone(),
        draft_id,
        today,
        answers,
        fields: every_field.iter().map(|f| (f.key.clone(), f.summary_label.clone())).collect(),
        groups: questions.iter().filter_map(|q| if let QuestionModel::Group(g) = q { Some(g.name.clone()) } else { None }).collect(),
        errors: every_field.iter().filter_map(|f| f.error.clone().map(|e| (f.key.clone(), e))).collect(),
        messages,
        rule_messages,
        error_summary_title,
        submit_label,
        no_entries: entry_texts.none.clone(),
        entry_added: entry_texts.added.clone(),
        entry_removed: entry_texts.removed.clone(),
        sync,
        form: form.clone(),
    };
    // What the page shows as rendered: the island starts from the same state.
    let in_page = PageState::of(&form, &saved, &checks.errors.iter().cloned().collect(), &checks.fields, &checks.groups);
    let html = QuestionHtml { saved: &saved, in_page: &in_page, required_label, optional_label, select_placeholder, entry_texts };
    let question_views = questions
        .iter()
        .map(|q| match q {
            QuestionModel::Field(f) => html.field(f),
            QuestionModel::Group(g) => html.group(g),
        })
        .collect_view();
    view! {
        <FormChecker checks=checks>
            <input type="hidden" name="service" value=service_code/>
            {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            {question_views}
        </FormChecker>
    }
}

/// Renders the questions on the server, as they stand with the saved answers.
struct QuestionHtml<'a> {
    saved: &'a RawAnswers,
    in_page: &'a PageState,
    required_label: String,
    optional_label: String,
    select_placeholder: String,
    entry_texts: EntryTexts,
}

impl QuestionHtml<'_> {
    fn marker(&self, required: bool) -> String {
        if required { self.required_label.clone() } else { self.optional_label.clone() }
    }

    fn field(&self, field: &FieldModel) -> AnyView {
        let def = &field.definition;
        let id = dom_id(&field.key);
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let name = format!("answers[{}]", field.key);
        let described: Vec<&str> = [field.hint.as_ref().map(|_| hint_id.as_str()), field.error.as_ref().map(|_| error_id.as_str())].into_iter().flatten().collect();
        let described_by = (!described.is_empty()).then(|| described.join(" "));
        let invalid = field.error.is_some().to_string();
        let value = self.saved.get(&field.key).cloned().unwrap_or_default();
        let input = match def.kind {
            FieldKind::LongText => view! {
                <textarea id=id.clone() name=name class="field-input" rows="5" aria-describedby=described_by aria-invalid=invalid>{value}</textarea>
            }
            .into_any(),
            FieldKind::Select => view! {
                <select id=id.clone() name=name class="field-input" aria-describedby=described_by aria-invalid=invalid>
                    <option value="">{self.select_placeholder.clone()}</option>
                    {field.options.iter().map(|(option, label)| {
                        let selected = *option == value;
                        view! { <option value=option.clone() selected=selected>{label.clone()}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any(),
            kind => {
                let (input_type, input_mode, autocomplete) = match kind {
                    FieldKind::Mobile => ("tel", "tel", "tel"),
                    FieldKind::Date => ("date", "none", "off"),
                    FieldKind::Integer => ("text", "numeric", "off"),
                    FieldKind::ResidentId | FieldKind::CreditCode => ("text", "text", "off"),
                    _ if def.name == crate::domain::form::APPLICANT_NAME => ("text", "text", "name"),
                    _ => ("text", "text", "on"),
                };
                let spellcheck = !matches!(kind, FieldKind::ResidentId | FieldKind::CreditCode | FieldKind::Mobile);
                view! {
                    <input id=id.clone() name=name type=input_type inputmode=(input_mode != "none").then_some(input_mode)
                        autocomplete=autocomplete spellcheck=spellcheck.to_string() value=value class="field-input"
                        aria-describedby=described_by aria-invalid=invalid/>
                }
                .into_any()
            }
        };
        // A question whose condition does not hold stays in the page, hidden: it
        // comes back with its answer if the condition holds again.
        view! {
            <div class="field" id=question_id(&field.key) hidden={!self.in_page.field_shown(&field.key)}>
                <label for=id class="field-label">{field.label.clone()}" "<span class="font-normal text-slate-700">{self.marker(def.required)}</span></label>
                {field.hint.clone().map(|h| view! { <span id=hint_id class="field-hint">{h}</span> })}
                {field.error.clone().map(|message| view! { <span id=error_id class="field-error">{message}</span> })}
                {input}
            </div>
        }
        .into_any()
    }

    /// Every entry the group may hold is in the page, those past its count hidden,
    /// so the browser adds and removes entries by showing and hiding them.
    fn group(&self, g: &GroupModel) -> AnyView {
        let (shown, count, (min, max)) = self.in_page.groups.get(&g.name).copied().unwrap_or_default();
        let entries = g
            .entries
            .iter()
            .enumerate()
            .map(|(i, fields_of_entry)| {
                let n = i + 1;
                let heading = g.headings.get(i).cloned().unwrap_or_default();
                let remove_label = fill_template(&self.entry_texts.remove, &[("entry", heading.clone())]);
                view! {
                    <fieldset class="entry" id=entry_id(&g.name, n) hidden={n > count} data-entry=n>
                        <legend class="entry-heading">{heading}</legend>
                        {fields_of_entry.iter().map(|f| self.field(f)).collect_view()}
                        <button type="submit" id=remove_button_id(&g.name, n) name="remove_entry" value=format!("{}.{n}", g.name) formnovalidate class="btn-link"
                            hidden={count <= min}>{remove_label}</button>
                    </fieldset>
                }
            })
            .collect_view();
        let hint_id = format!("field-{}-hint", g.name);
        view! {
            <fieldset class="field group" id=dom_id(&g.name) hidden={!shown} aria-describedby=g.hint.is_some().then(|| hint_id.clone())>
                <legend class="field-label">{g.label.clone()}" "<span class="font-normal text-slate-700">{self.marker(g.required)}</span></legend>
                {g.hint.clone().map(|h| view! { <span id=hint_id.clone() class="field-hint">{h}</span> })}
                <input type="hidden" id=count_id(&g.name) name=format!("answers[{}]", g.name) value=count.to_string()/>
                {entries}
                {(count == 0).then(|| view! { <p id=no_entries_id(&g.name) class="field-hint">{self.entry_texts.none.clone()}</p> })}
                <button type="submit" id=add_button_id(&g.name) name="add_entry" value=g.name.clone() formnovalidate class="btn-secondary" hidden={count >= max}>
                    {fill_template(&self.entry_texts.add, &[("group", g.label.clone())])}
                </button>
            </fieldset>
        }
        .into_any()
    }
}

/// The browser's side: the device's storage and the server's HTML.
#[cfg(feature = "hydrate")]
mod in_browser {
    use wasm_bindgen::JsCast;

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn load(key: &str) -> Vec<(String, String)> {
        storage().and_then(|s| s.get_item(key).ok().flatten()).and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
    }

    pub fn save(key: &str, answers: &[(String, String)]) {
        if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(answers)) {
            // A full or forbidden storage only means nothing is kept on the device.
            let _ = s.set_item(key, &text);
        }
    }

    pub fn forget(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }

    fn element(id: &str) -> Option<web_sys::Element> {
        web_sys::window()?.document()?.get_element_by_id(id)
    }

    /// The value a field holds in the page now, and a way to set it.
    pub fn field_value(id: &str) -> Option<String> {
        let el = element(id)?;
        if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            return Some(i.value());
        }
        if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
            return Some(s.value());
        }
        el.dyn_ref::<web_sys::HtmlTextAreaElement>().map(|t| t.value())
    }

    pub fn set_field_value(id: &str, value: &str) {
        let Some(el) = element(id) else { return };
        if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            i.set_value(value);
        } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
            s.set_value(value);
        } else if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            t.set_value(value);
        }
    }

    pub fn focus(id: &str) {
        if let Some(el) = element(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }

    pub fn set_hidden(id: &str, hidden: bool) {
        if let Some(el) = element(id) {
            let _ = if hidden { el.set_attribute("hidden", "") } else { el.remove_attribute("hidden") };
        }
    }

    /// A message in the page just before the element `before`: written when there
    /// is one, taken out of the page when there is none (as the server renders it).
    pub fn set_message(tag: &str, id: &str, before: &str, class: &str, text: Option<&str>) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let existing = document.get_element_by_id(id);
        match (text, existing) {
            (None, Some(el)) => el.remove(),
            (None, None) => {}
            (Some(text), Some(el)) => el.set_text_content(Some(text)),
            (Some(text), None) => {
                let (Some(anchor), Ok(el)) = (document.get_element_by_id(before), document.create_element(tag)) else { return };
                el.set_id(id);
                el.set_class_name(class);
                el.set_text_content(Some(text));
                if let Some(parent) = anchor.parent_node() {
                    let _ = parent.insert_before(&el, Some(&anchor));
                }
            }
        }
    }

    /// An answer's question, its message, and what its input tells assistive technology.
    pub fn show_field(key: &str, shown: bool, error: Option<&str>) {
        set_hidden(&super::question_id(key), !shown);
        let input_id = super::dom_id(key);
        let error_id = format!("{input_id}-error");
        set_message("span", &error_id, &input_id, "field-error", error);
        if let Some(input) = element(&input_id) {
            let hint_id = format!("{input_id}-hint");
            let described: Vec<&str> = [element(&hint_id).map(|_| hint_id.as_str()), error.map(|_| error_id.as_str())].into_iter().flatten().collect();
            let _ = if described.is_empty() { input.remove_attribute("aria-describedby") } else { input.set_attribute("aria-describedby", &described.join(" ")) };
            let _ = input.set_attribute("aria-invalid", if error.is_some() { "true" } else { "false" });
        }
    }

    /// A group with `count` entries: the entries shown, its count sent, and the
    /// buttons that may change it.
    pub fn show_group(group: &str, shown: bool, count: usize, (min, max): (usize, usize), no_entries: &str) {
        set_hidden(&super::dom_id(group), !shown);
        set_field_value(&super::count_id(group), &count.to_string());
        for n in 1..=max {
            set_hidden(&super::entry_id(group, n), n > count);
            set_hidden(&super::remove_button_id(group, n), count <= min);
        }
        set_hidden(&super::add_button_id(group), count >= max);
        set_message("p", &super::no_entries_id(group), &super::add_button_id(group), "field-hint", (count == 0).then_some(no_entries));
    }
}

/// What the page shows of each question: whether it applies and its message; of
/// each group, whether it applies, its entries and their bounds.
#[derive(Default)]
struct PageState {
    fields: BTreeMap<String, (bool, Option<String>)>,
    groups: BTreeMap<String, (bool, usize, (usize, usize))>,
}

impl PageState {
    fn of(form: &FormDefinition, answers: &RawAnswers, errors: &BTreeMap<String, String>, fields: &[(String, String)], groups: &[String]) -> Self {
        // Built by inserting: collecting into a set sorts, and every sort is a copy
        // of the sort's code in the WASM.
        let mut shown = BTreeSet::new();
        for slot in shown_slots(form, answers) {
            shown.insert(slot.key());
        }
        let mut state = PageState::default();
        for (key, _) in fields {
            state.fields.insert(key.clone(), (shown.contains(key), errors.get(key).cloned()));
        }
        for group in groups {
            if let Some(definition) = form.fields.iter().find(|x| &x.name == group) {
                let count = definition.entry_count(answers.get(group).map(String::as_str));
                state.groups.insert(group.clone(), (shown.contains(group), count, definition.entry_bounds()));
            }
        }
        state
    }

    fn field_shown(&self, key: &str) -> bool {
        self.fields.get(key).is_some_and(|(shown, _)| *shown)
    }
}

/// Checks the server's form in the browser; `children` are the form's questions.
#[island]
fn FormChecker(checks: FormChecks, children: Children) -> impl IntoView {
    let FormChecks {
        action,
        service_code,
        draft_id,
        today,
        form,
        answers,
        fields,
        groups,
        errors,
        messages,
        rule_messages,
        error_summary_title,
        submit_label,
        no_entries,
        entry_added,
        entry_removed,
        sync,
    } = checks;
    let today = Date::parse_iso(&today).unwrap_or_else(|| Date::new(2000, 1, 1).expect("valid date"));
    let show_summary = RwSignal::new(!errors.is_empty());
    let values = RwSignal::new(answers_of(answers));
    let errors = RwSignal::new({
        let mut shown = BTreeMap::new();
        shown.extend(errors);
        shown
    });
    // What this page sends: its fields' keys and its groups' counts.
    let rendered = StoredValue::new(fields.iter().map(|(key, _)| key.clone()).chain(groups.iter().cloned()).collect::<Vec<_>>());
    let fields = StoredValue::new(fields);
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))] // read in the browser only
    let groups = StoredValue::new(groups);
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let no_entries = StoredValue::new(no_entries);
    let form = StoredValue::new(form);
    let messages = StoredValue::new(messages);
    let rule_messages = StoredValue::new(rule_messages);
    let summary_ref = NodeRef::<leptos::html::Div>::new();
    let announcement = RwSignal::new(String::new());

    let message_of = move |e: FieldError| match e {
        FieldError::Rule { index } => rule_messages.with_value(|m| m.get(index as usize).cloned()).unwrap_or_default(),
        e => {
            let template = messages.with_value(|m| m.iter().find(|(code, _)| code == e.code()).map(|(_, t)| t.clone())).unwrap_or_default();
            fill_template(&template, &e.args())
        }
    };
    // The same rules the server applies, with the same messages: the answer alone,
    // and the rules between it and the others.
    let problems = move || -> BTreeMap<String, String> {
        let judged = values.with_untracked(|v| form.with_value(|f| validate_answers(f, v, today)));
        let mut found = BTreeMap::new();
        if let Err(e) = judged {
            for (key, error) in e.0 {
                found.insert(key, message_of(error));
            }
        }
        found
    };
    let check = move |key: &str| {
        let message = problems().remove(key);
        errors.update(|errs| match message {
            Some(m) => {
                errs.insert(key.to_owned(), m);
            }
            None => {
                errs.remove(key);
            }
        });
    };

    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let device_key = StoredValue::new(device_key(&service_code, draft_id.as_deref()));
    // What is typed is kept on the device (see `device_key`).
    let keep_on_device = move || {
        #[cfg(feature = "hydrate")]
        {
            // Over what is kept already: the handheld form shows one question at a time.
            device_key.with_value(|k| {
                let mut kept = in_browser::load(k);
                rendered.with_value(|keys| {
                    values.with_untracked(|v| {
                        for key in keys {
                            kept.retain(|(name, _)| name != key);
                            if let Some(value) = v.get(key).filter(|x| !x.is_empty()) {
                                kept.push((key.clone(), value.clone()));
                            }
                        }
                    })
                });
                in_browser::save(k, &kept);
            });
        }
    };

    // Signed in: a moment after the typing stops, the answers go to the account.
    let (sync_path, synced_label) = sync.map_or((None, String::new()), |(path, label)| (Some(path), label));
    let server_draft = RwSignal::new(draft_id.clone());
    let synced = RwSignal::new(false);
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let sync_round = StoredValue::new(0u32);
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let (sync_path, sync_service) = (StoredValue::new(sync_path), StoredValue::new(service_code));
    let keep_in_account = move || {
        #[cfg(feature = "hydrate")]
        if let Some(path) = sync_path.get_value() {
            let this = sync_round.get_value().wrapping_add(1);
            sync_round.set_value(this);
            synced.set(false);
            set_timeout(
                move || {
                    if sync_round.get_value() != this {
                        return;
                    }
                    let mut body = format!("service={}&draft={}", crate::ui::encode_query(&sync_service.get_value()), server_draft.get_untracked().unwrap_or_default());
                    rendered.with_value(|keys| {
                        values.with_untracked(|v| {
                            for key in keys {
                                let value = v.get(key).map(String::as_str).unwrap_or("");
                                body.push_str(&format!("&{}={}", crate::ui::encode_query(&format!("answers[{key}]")), crate::ui::encode_query(value)));
                            }
                        })
                    });
                    leptos::task::spawn_local(async move {
                        if let Some(id) = send_to_account(&path, body).await {
                            server_draft.set(Some(id));
                            synced.set(sync_round.get_value() == this);
                        }
                    });
                },
                std::time::Duration::from_millis(1_200),
            );
        }
    };

    // Set once the island runs in the browser; tests and styles can tell a live form.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        // Answers kept from an earlier visit fill the fields that are still empty:
        // what the server has saved, or what was typed before the WASM came, wins.
        #[cfg(feature = "hydrate")]
        {
            let kept = device_key.with_value(|k| in_browser::load(k));
            // One change of the answers, so the page is brought up to date once.
            let mut answers = values.get_untracked();
            // A group with more entries kept than saved gets them back first.
            for (key, value) in &kept {
                let Some(group) = form.with_value(|f| f.fields.iter().find(|g| &g.name == key && g.kind == FieldKind::Group).cloned()) else { continue };
                if group.entry_count(Some(value)) > group.entry_count(answers.get(key).map(String::as_str)) {
                    answers.insert(key.clone(), value.clone());
                }
            }
            fields.with_value(|fields| {
                for (key, _) in fields {
                    let id = dom_id(key);
                    let now = in_browser::field_value(&id).unwrap_or_default();
                    let restored = kept.iter().find(|(n, _)| n == key).filter(|_| now.is_empty()).map(|(_, v)| v.clone());
                    if let Some(value) = &restored {
                        in_browser::set_field_value(&id, value);
                    }
                    answers.insert(key.clone(), restored.unwrap_or(now));
                }
            });
            values.set(answers);
        }
        hydrated.set(true);
    });

    // The server's HTML follows the answers and the messages: which questions apply,
    // each answer's message, each group's entries. Only what changed is written to
    // the page: as the island starts, the page is as the server rendered it.
    #[cfg(feature = "hydrate")]
    {
        let state_now = move || values.with(|v| errors.with(|e| form.with_value(|f| fields.with_value(|fs| groups.with_value(|gs| PageState::of(f, v, e, fs, gs))))));
        let in_page = StoredValue::new(state_now());
        Effect::new(move |_| {
            let now = state_now();
            in_page.with_value(|before| {
                for (key, (shown, error)) in &now.fields {
                    if before.fields.get(key) != Some(&(*shown, error.clone())) {
                        in_browser::show_field(key, *shown, error.as_deref());
                    }
                }
                for (group, &(shown, count, bounds)) in &now.groups {
                    if before.groups.get(group) != Some(&(shown, count, bounds)) {
                        no_entries.with_value(|none| in_browser::show_group(group, shown, count, bounds, none));
                    }
                }
            });
            in_page.set_value(now);
        });
    }

    // After an entry is added or removed, the group's fields in the page are set
    // from the answers (removing one moves those after it up).
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let redraw = move |group: &str| {
        #[cfg(feature = "hydrate")]
        {
            let prefix = format!("{group}.");
            values.with_untracked(|v| {
                fields.with_value(|fields| {
                    for (key, _) in fields.iter().filter(|(key, _)| key.starts_with(&prefix)) {
                        in_browser::set_field_value(&dom_id(key), v.get(key).map(String::as_str).unwrap_or(""));
                    }
                })
            });
        }
    };

    // What is typed, in any of the page's fields.
    let record = move |ev: &leptos::ev::Event| -> Option<String> {
        let key = target_key(ev)?;
        let typed = event_target_value(ev);
        values.update(|v| {
            v.insert(key.clone(), typed);
        });
        keep_on_device();
        keep_in_account();
        Some(key)
    };
    let on_input = move |ev: leptos::ev::Event| {
        // Once a message shows, it follows the typing, so it clears as soon as the answer is right.
        if let Some(key) = record(&ev).filter(|key| errors.with_untracked(|e| e.contains_key(key))) {
            check(&key);
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        // A choice is made at once; text is checked when it is left.
        let chosen = target_element(&ev).is_some_and(|el| el.tag_name().eq_ignore_ascii_case("select"));
        if let Some(key) = chosen.then(|| record(&ev)).flatten() {
            check(&key);
        }
    };
    let on_leave = move |ev: leptos::ev::FocusEvent| {
        let Some(key) = target_key(&ev) else { return };
        let typed = values.with_untracked(|v| v.get(&key).is_some_and(|x| !x.trim().is_empty()));
        if typed || errors.with_untracked(|e| e.contains_key(&key)) {
            check(&key);
        }
    };
    let first_key_of_entry = move |group: &str, n: usize| -> Option<String> {
        let prefix = format!("{group}.{n}.");
        fields.with_value(|fields| fields.iter().map(|(key, _)| key).find(|key| key.starts_with(&prefix)).cloned())
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some((action, value)) = pressed_button(&ev) else { return };
        match action.as_str() {
            "add_entry" => {
                ev.prevent_default();
                let added = values.try_update(|v| form.with_value(|f| add_entry(f, v, &value))).flatten();
                if let Some(n) = added {
                    redraw(&value);
                    keep_on_device();
                    keep_in_account();
                    announcement.set(entry_added.clone());
                    #[cfg(feature = "hydrate")]
                    if let Some(key) = first_key_of_entry(&value, n) {
                        request_animation_frame(move || in_browser::focus(&dom_id(&key)));
                    }
                    #[cfg(not(feature = "hydrate"))]
                    let _ = (n, first_key_of_entry);
                }
            }
            "remove_entry" => {
                ev.prevent_default();
                let Some((group, n)) = value.rsplit_once('.').and_then(|(g, n)| Some((g.to_owned(), n.parse::<usize>().ok()?))) else { return };
                let removed = values.try_update(|v| form.with_value(|f| remove_entry(f, v, &group, n))).unwrap_or(false);
                if removed {
                    // Answers moved up: the errors shown belong to other entries now.
                    let prefix = format!("{group}.");
                    errors.update(|e| e.retain(|k, _| !k.starts_with(&prefix)));
                    redraw(&group);
                    keep_on_device();
                    keep_in_account();
                    announcement.set(entry_removed.clone());
                }
            }
            _ => {}
        }
    };

    let on_submit = move |ev: SubmitEvent| {
        // Read what the form holds now: a citizen may have typed before the WASM arrived.
        if let Some(form) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlFormElement>(t).ok()) {
            if let Ok(data) = web_sys::FormData::new_with_form(&form) {
                let keys = rendered.get_value();
                values.update(|v| {
                    for key in keys {
                        if let Some(current) = data.get(&format!("answers[{key}]")).as_string() {
                            v.insert(key, current);
                        }
                    }
                });
            }
        }
        // Only this page's questions hold it back: the handheld form asks the others
        // on their own screens, and the server steps through them.
        let mut found = problems();
        rendered.with_value(|keys| found.retain(|k, _| keys.contains(k)));
        let blocked = !found.is_empty();
        errors.set(found);
        if blocked {
            keep_on_device();
            ev.prevent_default();
            show_summary.set(true);
            request_animation_frame(move || {
                if let Some(el) = summary_ref.get_untracked() {
                    let _ = el.focus();
                }
            });
        } else {
            // Sent: from now on the server keeps the answers.
            #[cfg(feature = "hydrate")]
            device_key.with_value(|k| in_browser::forget(k));
        }
    };

    let summary = move || {
        let items: Vec<(String, String, String)> =
            fields.with_value(|f| errors.with(|errs| f.iter().filter_map(|(key, label)| errs.get(key).map(|msg| (dom_id(key), label.clone(), msg.clone()))).collect()));
        (show_summary.get() && !items.is_empty()).then(|| {
            view! {
                <div id="error-summary" node_ref=summary_ref class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                    <h2 id="error-summary-title" class="mb-2 text-lg font-bold text-red-800">{error_summary_title.clone()}</h2>
                    <ul class="list-disc pl-5">
                        {items.into_iter().map(|(id, label, msg)| view! {
                            <li><a class="link font-semibold text-red-800" href=format!("#{id}")>{label}": "{msg}</a></li>
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    };

    view! {
        <form method="post" action=action novalidate on:submit=on_submit on:input=on_input on:change=on_change on:focusout=on_leave on:click=on_click
            data-hydrated=move || hydrated.get().then_some("true")>
            {summary}
            // Kept up to date when the account sync creates the draft.
            <input type="hidden" name="draft" value=move || server_draft.get().unwrap_or_default()/>
            {children()}
            <p class="sr-only" role="status">{move || announcement.get()}</p>
            <p class="field-hint min-h-6" role="status" data-testid="synced">{move || synced.get().then(|| synced_label.clone())}</p>
            <button type="submit" class="btn-primary">{submit_label}</button>
        </form>
    }
}

/// The element an event happened at, if it is one. (Event handlers run only in the
/// browser; on the server they are never called.)
fn target_element(ev: &leptos::ev::Event) -> Option<web_sys::Element> {
    wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(ev.target()?).ok()
}

/// The answer's key of the field an event happened at.
fn target_key(ev: &leptos::ev::Event) -> Option<String> {
    key_of_name(&target_element(ev)?.get_attribute("name")?).map(str::to_owned)
}

/// The name and value of the button a click pressed ("add_entry", the group).
fn pressed_button(ev: &leptos::ev::Event) -> Option<(String, String)> {
    let button = target_element(ev)?.closest("button[name]").ok()??;
    Some((button.get_attribute("name")?, button.get_attribute("value").unwrap_or_default()))
}

/// Sends the answers to the account; the draft's id, or None when it did not go
/// (offline, signed out meanwhile): the device still has them.
#[cfg(feature = "hydrate")]
async fn send_to_account(path: &str, body: String) -> Option<String> {
    let request = gloo_net::http::Request::post(path)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(body)
        .ok()?;
    match request.send().await {
        Ok(answer) if answer.ok() => answer.json::<String>().await.ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fields_name_gives_its_answers_key_and_nothing_else_does() {
        assert_eq!(key_of_name("answers[applicant_name]"), Some("applicant_name"));
        assert_eq!(key_of_name("answers[household_members.2.name]"), Some("household_members.2.name"));
        // The form's other names: the service, the draft, the group buttons.
        for name in ["service", "draft", "add_entry", "remove_entry", "answers[", "answers[x", "xanswers[x]"] {
            assert_eq!(key_of_name(name), None, "{name}");
        }
    }

    #[test]
    fn answers_kept_on_the_device_are_kept_by_item_and_draft() {
        assert_eq!(device_key("CIV-0001", None), "portal-answers:CIV-0001:new");
        assert_ne!(device_key("CIV-0001", Some("d1")), device_key("CIV-0001", Some("d2")));
    }
}
