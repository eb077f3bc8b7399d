//! The two fields of every one-time-code form (citizen sign-in, a resident's
//! consent to proxy filing): a mobile number and the six-digit code, each with
//! its hint and, when refused, its message, tied together for screen readers.

use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::I18n;
use leptos::prelude::*;

/// A refusal sent back in the address (`error`, with `wait` seconds or `left`
/// tries), worded, and put on the field it is about and in the error summary.
pub struct CodeProblems {
    pub phone_error: Option<String>,
    pub code_error: Option<String>,
    /// (link to the field, message) for the error summary.
    pub problems: Vec<(String, String)>,
}

impl CodeProblems {
    pub fn from_address(i18n: I18n, error: &str, wait: &str, left: &str) -> CodeProblems {
        let refusal = code_refusal(i18n, error, wait, left);
        let on = |field: &str| refusal.as_ref().filter(|(at, _)| *at == field).map(|(_, m)| m.clone());
        CodeProblems { phone_error: on("#phone"), code_error: on("#code"), problems: refusal.iter().map(|(at, m)| ((*at).to_owned(), m.clone())).collect() }
    }
}


/// One labelled text field with a hint and an optional error (ids `{id}-hint`,
/// `{id}-error`).
fn described_field(id: &'static str, label: String, hint: String, error: Option<String>, input: AnyView) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id class="field-label">{label}</label>
            <p id=format!("{id}-hint") class="field-hint">{hint}</p>
            {error.map(|e| view! { <p id=format!("{id}-error") class="field-error">{e}</p> })}
            {input}
        </div>
    }
}

fn described_by(id: &str, error: bool) -> String {
    if error { format!("{id}-hint {id}-error") } else { format!("{id}-hint") }
}

/// `phone`: a mobile number. `own`: the person's own number (the browser may
/// offer it), or someone else's (a resident's, typed by an agent).
#[component]
pub fn MobileField(label: String, hint: String, value: String, error: Option<String>, own: bool) -> impl IntoView {
    let invalid = error.is_some();
    let input = view! {
        <input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete=if own { "tel-national" } else { "off" }
            class="field-input max-w-xs" value=value required maxlength="20"
            aria-describedby=described_by("phone", invalid) aria-invalid=invalid.to_string()/>
    }
    .into_any();
    described_field("phone", label, hint, error, input)
}

/// `code`: the six digits from a text message. `own`: sent to this person (the
/// phone may fill it in from the message).
#[component]
pub fn OneTimeCodeField(label: String, hint: String, error: Option<String>, own: bool) -> impl IntoView {
    let invalid = error.is_some();
    let input = view! {
        <input id="code" name="code" type="text" inputmode="numeric" autocomplete=if own { "one-time-code" } else { "off" }
            class="field-input max-w-[10rem]" required maxlength="12" spellcheck="false"
            aria-describedby=described_by("code", invalid) aria-invalid=invalid.to_string()/>
    }
    .into_any();
    described_field("code", label, hint, error, input)
}

/// The message for a refusal code in the address (a number or a one-time code
/// refused), and the field it is about. The proxy agent's consent form words its
/// refusals the same way.
fn code_refusal(i18n: I18n, error: &str, wait: &str, left: &str) -> Option<(&'static str, String)> {
    let with = |template: &str, key: &str, value: &str| fill_template(template, &[(key, value.to_owned())]);
    Some(match error {
        "phone_invalid" => ("#phone", t_string!(i18n, account.error_phone_invalid).to_string()),
        "too_soon" => ("#phone", with(&t_string!(i18n, account.error_too_soon).to_string(), "seconds", wait)),
        "number_limit" => ("#phone", t_string!(i18n, account.error_number_limit).to_string()),
        "client_limit" => ("#phone", t_string!(i18n, account.error_client_limit).to_string()),
        "code_malformed" => ("#code", t_string!(i18n, account.error_code_malformed).to_string()),
        "code_none_sent" => ("#phone", t_string!(i18n, account.error_code_none_sent).to_string()),
        "code_expired" => ("#phone", t_string!(i18n, account.error_code_expired).to_string()),
        "code_used" => ("#phone", t_string!(i18n, account.error_code_used).to_string()),
        "code_wrong" => ("#code", with(&t_string!(i18n, account.error_code_wrong).to_string(), "left", left)),
        "code_void" => ("#phone", t_string!(i18n, account.error_code_void).to_string()),
        _ => return None,
    })
}
