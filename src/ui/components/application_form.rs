//! The answers form of an application. Rendered on the server as a plain `<form>`
//! that posts to the `save_answers` server function (so it works without
//! JavaScript); as an island it also validates in the browser, with the same
//! domain function and the same messages the server uses.

use crate::domain::calendar::Date;
use crate::domain::form::{FieldDefinition, FieldKind, validate_field};
use crate::domain::text::fill_template;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One field with everything the browser needs in the page's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldModel {
    pub definition: FieldDefinition,
    pub label: String,
    pub hint: Option<String>,
    /// (value, label) for selects.
    pub options: Vec<(String, String)>,
    pub value: String,
    pub error: Option<String>,
}

/// The form, its texts and messages, prepared by the server in the page's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormModel {
    pub action: String,
    pub service_code: String,
    pub draft_id: Option<String>,
    /// Today in China (`YYYY-MM-DD`), so date rules do not depend on the device clock.
    pub today: String,
    pub fields: Vec<FieldModel>,
    /// Message templates by error code.
    pub messages: Vec<(String, String)>,
    pub error_summary_title: String,
    pub submit_label: String,
    pub required_label: String,
    pub optional_label: String,
    pub select_placeholder: String,
    /// For a signed-in citizen: the server function that keeps the answers in their
    /// account as they type (so another device can continue), and what to say once
    /// it has. None when signed out: the device alone keeps them.
    pub sync: Option<(String, String)>,
    /// More hidden fields to send (the question number of the handheld form).
    pub hidden: Vec<(String, String)>,
}

fn dom_id(name: &str) -> String {
    format!("field-{name}")
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

    /// The value a field holds in the page now, and a way to set it.
    pub fn field_value(id: &str) -> Option<String> {
        let el = web_sys::window()?.document()?.get_element_by_id(id)?;
        if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            return Some(i.value());
        }
        if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
            return Some(s.value());
        }
        el.dyn_ref::<web_sys::HtmlTextAreaElement>().map(|t| t.value())
    }

    pub fn set_field_value(id: &str, value: &str) {
        let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) else { return };
        if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            i.set_value(value);
        } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
            s.set_value(value);
        } else if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            t.set_value(value);
        }
    }
}

#[island]
pub fn ApplicationForm(model: FormModel) -> impl IntoView {
    let FormModel { action, service_code, draft_id, today, fields, messages, error_summary_title, submit_label, required_label, optional_label, select_placeholder, sync, hidden } =
        model;
    let today = Date::parse_iso(&today).unwrap_or_else(|| Date::new(2000, 1, 1).expect("valid date"));
    let show_summary = RwSignal::new(fields.iter().any(|f| f.error.is_some()));
    let values = RwSignal::new(fields.iter().map(|f| f.value.clone()).collect::<Vec<_>>());
    let errors = RwSignal::new(fields.iter().map(|f| f.error.clone()).collect::<Vec<_>>());
    let fields = StoredValue::new(fields);
    let messages = StoredValue::new(messages);
    let summary_ref = NodeRef::<leptos::html::Div>::new();

    // The same rule the server applies, with the same message.
    let check = move |i: usize| {
        let value = values.with_untracked(|v| v[i].clone());
        let message = fields.with_value(|f| validate_field(&f[i].definition, &value, today).err()).map(|e| {
            let template = messages.with_value(|m| m.iter().find(|(code, _)| code == e.code()).map(|(_, t)| t.clone())).unwrap_or_default();
            fill_template(&template, &e.args())
        });
        errors.update(|errs| errs[i] = message);
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
                fields.with_value(|f| {
                    values.with_untracked(|v| {
                        for (x, value) in f.iter().zip(v) {
                            kept.retain(|(name, _)| *name != x.definition.name);
                            if !value.is_empty() {
                                kept.push((x.definition.name.clone(), value.clone()));
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
                    fields.with_value(|f| {
                        values.with_untracked(|v| {
                            for (x, value) in f.iter().zip(v) {
                                body.push_str(&format!("&{}={}", crate::ui::encode_query(&format!("answers[{}]", x.definition.name)), crate::ui::encode_query(value)));
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
            let names: Vec<String> = fields.with_value(|f| f.iter().map(|x| x.definition.name.clone()).collect());
            for (i, name) in names.iter().enumerate() {
                let id = dom_id(name);
                let now = on_device::field_value(&id).unwrap_or_default();
                match kept.iter().find(|(n, _)| n == name) {
                    Some((_, value)) if now.is_empty() => {
                        on_device::set_field_value(&id, value);
                        values.update(|v| v[i] = value.clone());
                    }
                    _ => values.update(|v| v[i] = now),
                }
            }
        }
        hydrated.set(true);
    });

    let on_submit = move |ev: SubmitEvent| {
        // Read what the form holds now: a citizen may have typed before the WASM arrived.
        if let Some(form) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlFormElement>(t).ok()) {
            if let Ok(data) = web_sys::FormData::new_with_form(&form) {
                let names: Vec<String> = fields.with_value(|f| f.iter().map(|x| format!("answers[{}]", x.definition.name)).collect());
                values.update(|v| {
                    for (i, name) in names.iter().enumerate() {
                        if let Some(current) = data.get(name).as_string() {
                            v[i] = current;
                        }
                    }
                });
            }
        }
        let n = fields.with_value(Vec::len);
        (0..n).for_each(check);
        if errors.with_untracked(|e| e.iter().any(Option::is_some)) {
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
            errors.with(|errs| {
                f.iter().zip(errs).filter_map(|(field, e)| e.clone().map(|msg| (dom_id(&field.definition.name), field.label.clone(), msg))).collect()
            })
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

    let field_views = fields.with_value(|f| {
        f.iter()
            .enumerate()
            .map(|(i, field)| {
                let def = &field.definition;
                let id = dom_id(&def.name);
                let hint_id = format!("{id}-hint");
                let error_id = format!("{id}-error");
                let name = format!("answers[{}]", def.name);
                let has_hint = field.hint.is_some();
                let (hint_ref, error_ref) = (hint_id.clone(), error_id.clone());
                let described_by = move || {
                    let mut ids = Vec::new();
                    if has_hint {
                        ids.push(hint_ref.clone());
                    }
                    if errors.with(|e| e[i].is_some()) {
                        ids.push(error_ref.clone());
                    }
                    (!ids.is_empty()).then(|| ids.join(" "))
                };
                let invalid = move || errors.with(|e| e[i].is_some()).to_string();
                let on_input = move |ev: leptos::ev::Event| {
                    values.update(|v| v[i] = event_target_value(&ev));
                    keep_on_device();
                    keep_in_account();
                    // Once a message shows, it follows the typing, so it clears as soon as the answer is right.
                    if errors.with_untracked(|e| e[i].is_some()) {
                        check(i);
                    }
                };
                let on_leave = move |_: leptos::ev::FocusEvent| {
                    if !values.with_untracked(|v| v[i].trim().is_empty()) || errors.with_untracked(|e| e[i].is_some()) {
                        check(i);
                    }
                };
                let initial = field.value.clone();
                let input = match def.kind {
                    FieldKind::LongText => view! {
                        <textarea id=id.clone() name=name class="field-input" rows="5" aria-describedby=described_by aria-invalid=invalid
                            on:input=on_input on:blur=on_leave>{initial}</textarea>
                    }
                    .into_any(),
                    FieldKind::Select => {
                        let options = field.options.clone();
                        view! {
                            <select id=id.clone() name=name class="field-input" aria-describedby=described_by aria-invalid=invalid
                                on:change=move |ev| { on_input(ev); check(i); }>
                                <option value="">{select_placeholder.clone()}</option>
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
                let marker = if def.required { required_label.clone() } else { optional_label.clone() };
                view! {
                    <div class="field">
                        <label for=id class="field-label">{field.label.clone()}" "<span class="font-normal text-slate-700">{marker}</span></label>
                        {field.hint.clone().map(|h| view! { <span id=hint_id class="field-hint">{h}</span> })}
                        {move || errors.with(|e| e[i].clone()).map(|msg| view! { <span id=error_id.clone() class="field-error">{msg}</span> })}
                        {input}
                    </div>
                }
            })
            .collect_view()
    });

    view! {
        <form method="post" action=action novalidate on:submit=on_submit data-hydrated=move || hydrated.get().then_some("true")>
            {summary}
            <input type="hidden" name="service" value=service_code/>
            // Kept up to date when the account sync creates the draft.
            <input type="hidden" name="draft" value=move || server_draft.get().unwrap_or_default()/>
            {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            {field_views}
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
