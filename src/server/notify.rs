//! Notifications to applicants. A step writes its message to the outbox in its own
//! transaction (so a crash cannot lose it); the worker here delivers what is due
//! through an [`SmsGateway`], retrying with a growing delay. The built-in gateway
//! writes to the log; the delivered outbox rows are the case's message list, which
//! the applicant reads on the lookup.

use crate::domain::case::CaseStatus;
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::server::store::{Notice, OutboxMessage, Store};
use std::sync::Arc;
use std::time::Duration;

/// Sends a text message. Implementations for a real SMS provider go behind this.
pub trait SmsGateway: Send + Sync + 'static {
    /// Sends `body` to `phone`; an error is retried later.
    fn send(&self, phone: &str, body: &str) -> Result<(), String>;
}

/// The built-in gateway: logs the message (the number masked), so the demo and the
/// tests can see it; the applicant reads it on the lookup.
pub struct LogGateway;

impl SmsGateway for LogGateway {
    fn send(&self, phone: &str, body: &str) -> Result<(), String> {
        let masked: String = phone.chars().enumerate().map(|(i, c)| if (3..7).contains(&i) { '*' } else { c }).collect();
        // Not the body: it may hold a sign-in code or what a clerk wrote.
        tracing::info!(to = %masked, chars = body.chars().count(), "sms sent");
        Ok(())
    }
}

/// Attempts before a message is left for an operator (it stays in the outbox).
pub const MAX_ATTEMPTS: i64 = 8;

/// How long a worker holds the messages it claimed before another may try them.
const CLAIM_MS: i64 = 60_000;

/// Delay before retry `attempt` (1-based): 5 s, 10 s, 20 s … capped at 10 minutes.
pub fn retry_delay_ms(attempt: i64) -> i64 {
    (5_000i64 << attempt.clamp(1, 20).saturating_sub(1)).min(600_000)
}

/// Delivers every due message once. Returns how many were delivered.
pub async fn deliver_due(store: &Store, gateway: &dyn SmsGateway, now: i64) -> Result<usize, String> {
    // Claimed for a minute: any number of processes run this worker, each message
    // is sent by one.
    let due: Vec<OutboxMessage> = store.claim_due_messages(now, now + CLAIM_MS, MAX_ATTEMPTS, 100).await.map_err(|e| e.to_string())?;
    let mut delivered = 0;
    for m in due {
        match gateway.send(&m.phone, &m.body) {
            Ok(()) => {
                store.mark_delivered(m.id, now).await.map_err(|e| e.to_string())?;
                // Which message, so that several processes' logs show each sent once.
                tracing::info!(outbox_id = m.id, "sms delivered");
                delivered += 1;
            }
            Err(e) => {
                tracing::warn!(outbox_id = m.id, attempt = m.attempts + 1, "sms not sent: {e}");
                store.mark_failed(m.id, &e, now + retry_delay_ms(m.attempts + 1)).await.map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(delivered)
}

/// Runs the delivery worker for the life of the process.
pub fn spawn_worker(store: Store, gateway: Arc<dyn SmsGateway>) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = deliver_due(&store, gateway.as_ref(), crate::server::clock::now_ms()).await {
                tracing::error!("outbox: {e}");
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
}

/// Queues a reminder for each deferred material (容缺) falling due within two
/// working days, once each, in the applicant's language. Returns how many.
pub async fn remind_deferrals(store: &Store, calendar: &crate::domain::calendar::WorkCalendar, now: i64) -> Result<usize, String> {
    use crate::domain::calendar::Date;
    use crate::domain::provision::reminder_due;
    let today = Date::from_unix_ms_china(now);
    // Two working days ahead is at most a week of calendar days (a long holiday aside).
    let due = store.deferrals_to_remind(today.plus_days(14), 200).await.map_err(|e| e.to_string())?;
    let mut sent = 0;
    for d in due.into_iter().filter(|d| reminder_due(calendar, d.due_on, today)) {
        let item = store.service_item(&d.service_code).await.map_err(|e| e.to_string())?;
        let locale = locale_of(&d.locale);
        let lang = crate::domain::text::Lang::of_locale(&d.locale);
        let service = item.as_ref().map(|i| i.name.get(lang).to_owned()).unwrap_or_default();
        let material = item.as_ref().and_then(|i| i.material(&d.material_code)).map(|m| m.name.get(lang).to_owned()).unwrap_or_default();
        let tracking = crate::domain::ids::TrackingNumber::parse(&d.tracking_number).map(|t| t.to_string()).unwrap_or_else(|_| d.tracking_number.clone());
        let body = fill_template(
            &td_string!(locale, notice.deferral_reminder).to_string(),
            &[("service", service), ("tracking", tracking), ("detail", material), ("due", d.due_on.to_string())],
        );
        let notice = Notice { kind: "deferral_reminder".into(), phone: d.phone.clone(), locale: d.locale.clone(), body };
        if store.remind_deferral(&d, &notice, now).await.map_err(|e| e.to_string())? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Makes the proactive offers (主动办) the rules call for: for each issued case in
/// a citizen's account that a rule has not yet looked at, the rule's items the
/// citizen has not applied for are offered, with one message in the language the
/// case was filed in. Returns how many offers were made.
pub async fn offer_proactive(store: &Store, rules: &[crate::domain::proactive::ProactiveRule], now: i64) -> Result<usize, String> {
    use crate::domain::proactive::{HeldCase, offer_on};
    let mut made = 0;
    for rule in rules {
        for code in &rule.after_issued {
            for issued in store.issued_without_offer(&rule.code, code, 200).await.map_err(|e| e.to_string())? {
                let held = store.held_cases(issued.citizen_id).await.map_err(|e| e.to_string())?;
                let trigger = HeldCase { id: issued.case_id, service_code: code.clone(), status: CaseStatus::Issued };
                let Some(offer) = offer_on(rule, &trigger, &held) else { continue };
                let notice = if offer.items.is_empty() {
                    None
                } else {
                    let lang = crate::domain::text::Lang::of_locale(&issued.locale);
                    let mut names = Vec::new();
                    for item in &offer.items {
                        let name = store.service_item(item).await.map_err(|e| e.to_string())?.map(|i| i.name.get(lang).to_owned()).unwrap_or_else(|| item.clone());
                        names.push(name);
                    }
                    let locale = locale_of(&issued.locale);
                    let body = fill_template(
                        &td_string!(locale, notice.proactive_offer).to_string(),
                        &[("detail", rule.message.get(lang).to_owned()), ("service", names.join(if lang == crate::domain::text::Lang::En { "; " } else { "、" }))],
                    );
                    Some(Notice { kind: "proactive_offer".into(), phone: issued.citizen_phone.clone(), locale: issued.locale.clone(), body })
                };
                if store.record_offer(&rule.code, issued.case_id, issued.citizen_id, &offer.items, notice.as_ref(), now).await.map_err(|e| e.to_string())? && notice.is_some() {
                    made += 1;
                }
            }
        }
    }
    Ok(made)
}

/// Forgets drafts untouched for `draft_days` that never became a case, with their
/// materials (a file only once no draft uses it and it was not stored again in the
/// last hour), and sign-in codes older than a day. Returns how many drafts went.
pub async fn sweep_expired(store: &Store, blobs: &crate::server::blobs::BlobStore, draft_days: u64, now: i64) -> Result<usize, String> {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    let before = now - draft_days as i64 * DAY_MS;
    let (drafts, unused) = store.sweep_drafts(before, 200).await.map_err(|e| e.to_string())?;
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for sha in unused {
        blobs.remove_unused(&sha, an_hour_ago).await.map_err(|e| format!("removing an unused file: {e}"))?;
    }
    store.forget_codes(now - DAY_MS).await.map_err(|e| e.to_string())?;
    store.forget_login_failures(None, now - crate::domain::lockout::WINDOW_MS).await.map_err(|e| e.to_string())?;
    store.forget_revoked_sessions(now).await.map_err(|e| e.to_string())?;
    Ok(drafts)
}

/// Runs the deferral reminders, the proactive offers and the expiry of old drafts
/// every `sweep_seconds` for the life of the process.
pub fn spawn_reminders(state: crate::server::AppState) {
    tokio::spawn(async move {
        // Expiry is housekeeping: hourly is soon enough, and its deletes then seldom
        // meet a SQLite transaction that reads before it writes (which fails busy).
        let mut swept_at: Option<std::time::Instant> = None;
        loop {
            match remind_deferrals(&state.store, &state.calendar(), crate::server::clock::now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "deferred materials reminded"),
                Err(e) => tracing::error!("reminders: {e}"),
            }
            match offer_proactive(&state.store, &state.proactive, crate::server::clock::now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(offers = n, "proactive offers made"),
                Err(e) => tracing::error!("proactive offers: {e}"),
            }
            // Bundle parts waiting for a licence are filed once it is issued.
            match crate::api::bundles::ssr::file_waiting_parts(&state).await {
                Ok(_) => {}
                Err(e) => tracing::error!("bundle filing: {e}"),
            }
            if swept_at.is_none_or(|at| at.elapsed() >= Duration::from_secs(3600)) {
                swept_at = Some(std::time::Instant::now());
                match sweep_expired(&state.store, &state.blobs, state.settings.draft_days, crate::server::clock::now_ms()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(drafts = n, "expired drafts forgotten"),
                    Err(e) => tracing::error!("draft expiry: {e}"),
                }
            }
            tokio::time::sleep(Duration::from_secs(state.settings.sweep_seconds)).await;
        }
    });
}

/// The locale of a stored locale code.
pub fn locale_of(code: &str) -> Locale {
    if code == "en" { Locale::en } else { Locale::zh_Hans }
}

/// The message a step sends, in the applicant's language, or none for steps the
/// applicant need not hear about.
pub fn compose(status: CaseStatus, locale_code: &str, phone: &str, tracking: &str, service: &str, detail: &str) -> Option<Notice> {
    let locale = locale_of(locale_code);
    let (kind, template) = match status {
        CaseStatus::Accepted => ("accepted", td_string!(locale, notice.accepted).to_string()),
        CaseStatus::NeedsCorrection => ("correction_needed", td_string!(locale, notice.correction_needed).to_string()),
        CaseStatus::Refused => ("refused", td_string!(locale, notice.refused).to_string()),
        CaseStatus::Approved => ("approved", td_string!(locale, notice.approved).to_string()),
        CaseStatus::Rejected => ("rejected", td_string!(locale, notice.rejected).to_string()),
        CaseStatus::Issued => ("issued", td_string!(locale, notice.issued).to_string()),
        CaseStatus::Revoked => ("revoked", td_string!(locale, notice.revoked).to_string()),
        CaseStatus::Submitted | CaseStatus::UnderReview => return None,
    };
    let body = fill_template(&template, &[("tracking", tracking.to_owned()), ("service", service.to_owned()), ("detail", detail.to_owned())]);
    Some(Notice { kind: kind.into(), phone: phone.into(), locale: locale_code.into(), body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop_growing() {
        assert_eq!(retry_delay_ms(1), 5_000);
        assert_eq!(retry_delay_ms(2), 10_000);
        assert_eq!(retry_delay_ms(30), 600_000);
    }

    #[test]
    fn messages_are_written_in_the_applicants_language() {
        let zh = compose(CaseStatus::Accepted, "zh-Hans", "13800138000", "350102-20260403-000001-5", "生育登记", "").unwrap();
        assert!(zh.body.contains("350102-20260403-000001-5") && zh.body.contains("受理"), "{}", zh.body);
        let en = compose(CaseStatus::Rejected, "en", "13800138000", "N", "Birth registration", "reason").unwrap();
        assert!(en.body.contains("reason") && en.body.is_ascii(), "{}", en.body);
        assert_eq!(en.kind, "rejected");
        assert!(compose(CaseStatus::UnderReview, "en", "1", "N", "S", "").is_none());
    }
}
