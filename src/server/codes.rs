//! Sending and checking one-time codes: the domain's rules (`domain::one_time_code`)
//! over the store's counts, the keyed hash and the outbox. Citizen sign-in and a
//! resident's consent to proxy filing both use it.

use crate::domain::ids::MobilePhone;
use crate::domain::one_time_code::{self as otp, CodePurpose, CodeRefusal, IssuedCode, OneTimeCode, SendRefusal};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::server::AppState;
use crate::server::store::{NewCode, Notice, StoreResult};
use std::net::IpAddr;

/// The text message that carries a code, in the reader's language.
fn code_message(purpose: CodePurpose, locale_code: &str, phone: &MobilePhone, code: &OneTimeCode) -> Notice {
    let locale = crate::server::notify::locale_of(locale_code);
    let (kind, template) = match purpose {
        CodePurpose::SignIn => (crate::server::store::CODE_MESSAGE_KINDS[0], td_string!(locale, account.sms_sign_in).to_string()),
        CodePurpose::ProxyConsent => (crate::server::store::CODE_MESSAGE_KINDS[1], td_string!(locale, account.sms_proxy_consent).to_string()),
    };
    Notice {
        kind: kind.into(),
        phone: phone.as_str().into(),
        locale: locale_code.into(),
        body: fill_template(&template, &[("code", code.as_str().to_owned())]),
    }
}

/// Sends a new code to `phone` unless a limit says no. The message goes through the
/// outbox, so it is delivered (and retried) like every other message.
pub async fn send_code(st: &AppState, purpose: CodePurpose, phone: &MobilePhone, client: IpAddr, locale_code: &str, now: i64) -> StoreResult<Result<(), SendRefusal>> {
    let client = client.to_string();
    let (to_number, from_client) = st.store.code_sends(phone.as_str(), purpose.code(), &client, now - otp::SEND_WINDOW_MS).await?;
    if let Err(refusal) = otp::may_send(&to_number, from_client, now) {
        return Ok(Err(refusal));
    }
    let mut random = [0u8; 8];
    getrandom::getrandom(&mut random).map_err(|e| crate::server::store::StoreError::Corrupt(format!("no randomness: {e}")))?;
    let code = OneTimeCode::from_random(random);
    let hash = st.session_key.code_hash(purpose.code(), phone.as_str(), code.as_str());
    let notice = code_message(purpose, locale_code, phone, &code);
    st.store
        .issue_code(&NewCode { phone: phone.as_str(), purpose: purpose.code(), code_hash: &hash, client: &client, at: now, expires_at: now + otp::CODE_TTL_MS, notice: &notice })
        .await?;
    Ok(Ok(()))
}

/// Checks a code entered for `phone`; a right one is used up, a wrong one counted.
pub async fn check_code(st: &AppState, purpose: CodePurpose, phone: &MobilePhone, entered: &str, now: i64) -> StoreResult<Result<(), CodeRefusal>> {
    let Some(entered) = OneTimeCode::parse(entered) else { return Ok(Err(CodeRefusal::Malformed)) };
    let stored = st.store.newest_code(phone.as_str(), purpose.code()).await?;
    let hash = st.session_key.code_hash(purpose.code(), phone.as_str(), entered.as_str());
    let issued = stored.as_ref().map(|s| IssuedCode {
        expires_at: s.expires_at,
        used: s.used,
        wrong_entries: s.wrong_entries,
        // Both are hex digests of the same length; compare without early exit.
        matches: s.code_hash.len() == hash.len() && s.code_hash.bytes().zip(hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0,
    });
    let verdict = otp::judge(issued.as_ref(), now);
    match (&verdict, &stored) {
        (Err(CodeRefusal::Wrong { .. } | CodeRefusal::Void), Some(s)) if !s.used && s.wrong_entries < otp::MAX_WRONG_ENTRIES => {
            st.store.count_wrong_code_entry(s.id).await?;
        }
        (Ok(()), Some(s)) => {
            // Two tabs sending the same code at once: only one of them signs in.
            if !st.store.use_code(s.id, now).await? {
                return Ok(Err(CodeRefusal::Used));
            }
        }
        _ => {}
    }
    Ok(verdict)
}
