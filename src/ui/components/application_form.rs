//! The answers form of an application. Rendered on the server as a plain `<form>`
//! that posts to the `save_answers` server function (so it works without
//! JavaScript); as an island it also validates in the browser, with the same
//! domain functions and the same messages the server uses: which questions apply
//! (`shown_slots`), each answer, the rules between answers (`validate_answers`),
//! and a group's "add another" and "remove" (`add_entry`, `remove_entry`).
//! Without JavaScript the same buttons post, and the server applies the same rules.

use crate::domain::calendar::Date;
use crate::domain::form::{FieldDefinition, FieldError, FieldKind, FormDefinition, RawAnswers, Slot, add_entry, remove_entry, shown_slots, validate_answers};
use crate::domain::text::fill_template;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One answer's field with everything the browser needs in the page's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum QuestionModel {
    Field(FieldModel),
    Group(GroupModel),
}

/// The form, its texts and messages, prepared by the server in the page's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryTexts {
    pub add: String,
    pub remove: String,
    pub none: String,
    pub added: String,
    pub removed: String,
}

fn dom_id(key: &str) -> String {
    format!("field-{key}")
}

impl FormModel {
    /// Every field this page renders, entries included.
    fn fields(&self) -> Vec<FieldModel> {
        self.questions
            .iter()
            .flat_map(|q| match q {
                QuestionModel::Field(f) => vec![f.clone()],
                QuestionModel::Group(g) => g.entries.iter().flatten().cloned().collect(),
            })
            .collect()
    }
}

/// Answers are kept on the device while they are typed, so a reload, a closed tab or
/// a dropped connection loses nothing; they are removed once the form is sent (the
/// server holds them then). One entry per item and draft.
fn device_key(service_code: &str, draft_id: Option<&str>) -> String {
    format!("portal-answers:{service_code}:{}", draft_id.unwrap_or("new"))
}

#[cfg(feature = "hydrate")]
mod on_device {
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
}

#[island]
pub fn ApplicationForm(model: FormModel) -> impl IntoView {
    let fields_flat = model.fields();
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
    let today = Date::parse_iso(&today).unwrap_or_else(|| Date::new(2000, 1, 1).expect("valid date"));
    let show_summary = RwSignal::new(fields_flat.iter().any(|f| f.error.is_some()));
    let values = RwSignal::new(answers.into_iter().collect::<RawAnswers>());
    let errors = RwSignal::new(fields_flat.iter().filter_map(|f| f.error.clone().map(|e| (f.key.clone(), e))).collect::<BTreeMap<String, String>>());
    // What this page sends: its fields' keys and its groups' counts.
    let groups: Vec<String> = questions.iter().filter_map(|q| if let QuestionModel::Group(g) = q { Some(g.name.clone()) } else { None }).collect();
    let rendered = StoredValue::new(fields_flat.iter().map(|f| f.key.clone()).chain(groups).collect::<Vec<_>>());
    let fields = StoredValue::new(fields_flat);
    let form = StoredValue::new(form);
    let messages = StoredValue::new(messages);
    let rule_messages = StoredValue::new(rule_messages);
    let summary_ref = NodeRef::<leptos::html::Div>::new();
    let announcement = RwSignal::new(String::new());
    // The questions that apply to the answers as they stand now.
    let shown = Memo::new(move |_| values.with(|v| form.with_value(|f| shown_slots(f, v).iter().map(Slot::key).collect::<BTreeSet<String>>())));

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
        judged.err().map(|e| e.0.into_iter().map(|(k, e)| (k, message_of(e))).collect()).unwrap_or_default()
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

    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))] // read in the browser only
    let device_key = StoredValue::new(device_key(&service_code, draft_id.as_deref()));
    // What is typed is kept on the device (see `device_key`).
    let keep_on_device = move || {
        #[cfg(feature = "hydrate")]
        {
            // Over what is kept already: the handheld form shows one question at a time.
            device_key.with_value(|k| {
                let mut kept = on_device::load(k);
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
                on_device::save(k, &kept);
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
    let (sync_path, sync_service) = (StoredValue::new(sync_path), StoredValue::new(service_code.clone()));
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
            let kept = device_key.with_value(|k| on_device::load(k));
            // A group with more entries kept than saved gets them back first.
            for (key, value) in &kept {
                let Some(group) = form.with_value(|f| f.fields.iter().find(|g| &g.name == key && g.kind == FieldKind::Group).cloned()) else { continue };
                let now = values.with_untracked(|v| group.entry_count(v.get(key).map(String::as_str)));
                if group.entry_count(Some(value)) > now {
                    values.update(|v| {
                        v.insert(key.clone(), value.clone());
                    });
                }
            }
            let keys: Vec<String> = fields.with_value(|f| f.iter().map(|x| x.key.clone()).collect());
            for key in &keys {
                let id = dom_id(key);
                let now = on_device::field_value(&id).unwrap_or_default();
                let restored = kept.iter().find(|(n, _)| n == key).filter(|_| now.is_empty()).map(|(_, v)| v.clone());
                if let Some(value) = &restored {
                    on_device::set_field_value(&id, value);
                }
                values.update(|v| {
                    v.insert(key.clone(), restored.unwrap_or(now));
                });
            }
        }
        hydrated.set(true);
    });

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
        let found: BTreeMap<String, String> = rendered.with_value(|keys| problems().into_iter().filter(|(k, _)| keys.contains(k)).collect());
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
            device_key.with_value(|k| on_device::forget(k));
        }
    };

    let summary = move || {
        let items: Vec<(String, String, String)> = fields.with_value(|f| {
            errors.with(|errs| f.iter().filter_map(|field| errs.get(&field.key).map(|msg| (dom_id(&field.key), field.summary_label.clone(), msg.clone()))).collect())
        });
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

    let marker = move |required: bool| if required { required_label.clone() } else { optional_label.clone() };
    let group_marker = marker.clone();
    let field_view = move |field: &FieldModel| {
        let def = &field.definition;
        let key = field.key.clone();
        let id = dom_id(&key);
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let name = format!("answers[{key}]");
        let has_hint = field.hint.is_some();
        let (hint_ref, error_ref) = (hint_id.clone(), error_id.clone());
        let k = StoredValue::new(key.clone());
        let has_error = move || errors.with(|e| k.with_value(|k| e.contains_key(k)));
        let described_by = move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_ref.clone());
            }
            if has_error() {
                ids.push(error_ref.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        };
        let invalid = move || has_error().to_string();
        let on_input = move |ev: leptos::ev::Event| {
            let typed = event_target_value(&ev);
            values.update(|v| {
                v.insert(k.get_value(), typed);
            });
            keep_on_device();
            keep_in_account();
            // Once a message shows, it follows the typing, so it clears as soon as the answer is right.
            if errors.with_untracked(|e| k.with_value(|k| e.contains_key(k))) {
                check(&k.get_value());
            }
        };
        let on_leave = move |_: leptos::ev::FocusEvent| {
            let typed = values.with_untracked(|v| k.with_value(|k| v.get(k).is_some_and(|x| !x.trim().is_empty())));
            if typed || errors.with_untracked(|e| k.with_value(|k| e.contains_key(k))) {
                check(&k.get_value());
            }
        };
        let initial = values.with_untracked(|v| v.get(&key).cloned().unwrap_or_default());
        let input = match def.kind {
            FieldKind::LongText => view! {
                <textarea id=id.clone() name=name class="field-input" rows="5" aria-describedby=described_by aria-invalid=invalid
                    on:input=on_input on:blur=on_leave>{initial}</textarea>
            }
            .into_any(),
            FieldKind::Select => {
                let options = field.options.clone();
                let placeholder = select_placeholder.clone();
                view! {
                    <select id=id.clone() name=name class="field-input" aria-describedby=described_by aria-invalid=invalid
                        on:change=move |ev| { on_input(ev); check(&k.get_value()); }>
                        <option value="">{placeholder}</option>
                        {options.into_iter().map(|(value, label)| {
                            let selected = value == initial;
                            view! { <option value=value selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                }
                .into_any()
            }
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
                        autocomplete=autocomplete spellcheck=spellcheck.to_string() value=initial class="field-input"
                        aria-describedby=described_by aria-invalid=invalid on:input=on_input on:blur=on_leave/>
                }
                .into_any()
            }
        };
        let marker = marker(def.required);
        // A question whose condition does not hold stays in the page, hidden: it
        // comes back with its answer if the condition holds again.
        let hide = move || !shown.with(|s| k.with_value(|k| s.contains(k)));
        view! {
            <div class="field" hidden=hide>
                <label for=id class="field-label">{field.label.clone()}" "<span class="font-normal text-slate-700">{marker}</span></label>
                {field.hint.clone().map(|h| view! { <span id=hint_id class="field-hint">{h}</span> })}
                {move || errors.with(|e| k.with_value(|k| e.get(k).cloned())).map(|msg| view! { <span id=error_id.clone() class="field-error">{msg}</span> })}
                {input}
            </div>
        }
    };

    let entry_field_view = field_view.clone();
    let group_view = move |g: GroupModel| {
        let group = StoredValue::new(g.name.clone());
        let definition = form.with_value(|f| f.fields.iter().find(|x| x.name == g.name).cloned());
        let (min, max) = definition.as_ref().map_or((0, 0), FieldDefinition::entry_bounds);
        let definition = StoredValue::new(definition);
        let count = move || values.with(|v| definition.with_value(|d| d.as_ref().map_or(0, |d| d.entry_count(v.get(&group.get_value()).map(String::as_str)))));
        // Entries are rendered once, every one the group may hold; after an entry is
        // added or removed the fields in the page are set from the answers.
        #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
        let entry_keys: Vec<Vec<String>> = g.entries.iter().map(|e| e.iter().map(|f| f.key.clone()).collect()).collect();
        #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
        let redraw = StoredValue::new(move || {
            #[cfg(feature = "hydrate")]
            values.with_untracked(|v| {
                for key in entry_keys.iter().flatten() {
                    on_device::set_field_value(&dom_id(key), v.get(key).map(String::as_str).unwrap_or(""));
                }
            });
        });
        let first_keys: Vec<String> = g.entries.iter().map(|e| e.first().map(|f| f.key.clone()).unwrap_or_default()).collect();
        let first_keys = StoredValue::new(first_keys);
        let texts = StoredValue::new(entry_texts.clone());
        let on_add = move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            let added = values.try_update(|v| form.with_value(|f| add_entry(f, v, &group.get_value()))).flatten();
            if let Some(n) = added {
                redraw.with_value(|r| r());
                keep_on_device();
                keep_in_account();
                announcement.set(texts.with_value(|t| t.added.clone()));
                #[cfg(feature = "hydrate")]
                if let Some(key) = first_keys.with_value(|k| k.get(n - 1).cloned()) {
                    request_animation_frame(move || on_device::focus(&dom_id(&key)));
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = (n, first_keys);
            }
        };
        let headings = g.headings.clone();
        let entries = g
            .entries
            .into_iter()
            .enumerate()
            .map(|(i, fields_of_entry)| {
                let n = i + 1;
                let heading = headings.get(i).cloned().unwrap_or_default();
                let remove_label = texts.with_value(|t| fill_template(&t.remove, &[("entry", heading.clone())]));
                let on_remove = move |ev: leptos::ev::MouseEvent| {
                    ev.prevent_default();
                    let removed = values.try_update(|v| form.with_value(|f| remove_entry(f, v, &group.get_value(), n))).unwrap_or(false);
                    if removed {
                        // Answers moved up: the errors shown belong to other entries now.
                        errors.update(|e| e.retain(|k, _| !k.starts_with(&format!("{}.", group.get_value()))));
                        redraw.with_value(|r| r());
                        keep_on_device();
                        keep_in_account();
                        announcement.set(texts.with_value(|t| t.removed.clone()));
                    }
                };
                view! {
                    <fieldset class="entry" hidden=move || { n > count() } data-entry=n>
                        <legend class="entry-heading">{heading}</legend>
                        {fields_of_entry.iter().map(|f| entry_field_view(f)).collect_view()}
                        <button type="submit" name="remove_entry" value=format!("{}.{n}", group.get_value()) formnovalidate class="btn-link"
                            hidden=move || { count() <= min } on:click=on_remove>{remove_label}</button>
                    </fieldset>
                }
            })
            .collect_view();
        let hint_id = format!("field-{}-hint", g.name);
        let hide = move || !shown.with(|s| group.with_value(|g| s.contains(g)));
        view! {
            <fieldset class="field group" id=dom_id(&g.name) hidden=hide aria-describedby=g.hint.is_some().then(|| hint_id.clone())>
                <legend class="field-label">{g.label.clone()}" "<span class="font-normal text-slate-700">{group_marker(g.required)}</span></legend>
                {g.hint.clone().map(|h| view! { <span id=hint_id.clone() class="field-hint">{h}</span> })}
                <input type="hidden" name=format!("answers[{}]", g.name) value=move || count().to_string()/>
                {move || (count() == 0).then(|| view! { <p class="field-hint">{texts.with_value(|t| t.none.clone())}</p> })}
                {entries}
                <button type="submit" name="add_entry" value=g.name.clone() formnovalidate class="btn-secondary" hidden=move || { count() >= max } on:click=on_add>
                    {texts.with_value(|t| fill_template(&t.add, &[("group", g.label.clone())]))}
                </button>
            </fieldset>
        }
    };

    let question_views = questions
        .into_iter()
        .map(|q| match q {
            QuestionModel::Field(f) => field_view(&f).into_any(),
            QuestionModel::Group(g) => group_view(g).into_any(),
        })
        .collect_view();

    view! {
        <form method="post" action=action novalidate on:submit=on_submit data-hydrated=move || hydrated.get().then_some("true")>
            {summary}
            <input type="hidden" name="service" value=service_code/>
            // Kept up to date when the account sync creates the draft.
            <input type="hidden" name="draft" value=move || server_draft.get().unwrap_or_default()/>
            {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            {question_views}
            <p class="sr-only" role="status">{move || announcement.get()}</p>
            <p class="field-hint min-h-6" role="status" data-testid="synced">{move || synced.get().then(|| synced_label.clone())}</p>
            <button type="submit" class="btn-primary">{submit_label}</button>
        </form>
    }
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
