//! `/track`: progress lookup without an account. A GET form, so the QR code on a
//! receipt can link straight to it with the number filled in.

use crate::api::lookup::{LookupOutcome, RecordCheck, lookup_case};
use crate::domain::case::CaseStatus;
use crate::domain::text::fill_template;
use crate::ui::components::fee_panel::fee_panel;
use crate::ui::components::print_button::PrintButton;
use crate::i18n::*;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::components::timeline::{Timeline, TimelineEntry};
use crate::ui::{delivery_label, encode_query, event_label, lang, load_page, page_data, review_label, standing_label, status_label};
use crate::ui::shell::shell_path;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Asked {
    number: String,
    phone: String,
    verify: bool,
    resubmitted: bool,
    /// Opened from "my cases": the signed-in account stands in for the phone digits.
    mine: bool,
    /// Back from the payment gateway: `paid` or `failed`.
    payment: Option<String>,
}

#[component]
pub fn TrackPage() -> impl IntoView {
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            Asked {
                number: q.get("number").unwrap_or_default(),
                phone: q.get("phone").unwrap_or_default(),
                verify: q.get("verify").is_some(),
                mine: q.get("mine").is_some(),
                payment: q.get("payment"),
                resubmitted: q.get("resubmitted").is_some(),
            }
        },
        |asked| async move {
            // Only a submitted form (both fields present in the address) is looked up;
            // a number alone (from a receipt's QR code) just fills in the form.
            let outcome = if asked.phone.is_empty() && !asked.mine { None } else { Some(lookup_case(asked.number.clone(), asked.phone.clone(), Some(asked.verify)).await?) };
            Ok((asked, outcome))
        },
    );
    load_page(data, track_view)
}

fn track_view((asked, outcome): (Asked, Option<LookupOutcome>)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let (number_error, phone_error, general_error) = match &outcome {
        Some(LookupOutcome::InvalidNumber) => (Some(t_string!(i18n, track.invalid_number).to_string()), None, None),
        Some(LookupOutcome::TypoNumber) => (Some(t_string!(i18n, track.typo_number).to_string()), None, None),
        Some(LookupOutcome::InvalidPhone) => (None, Some(t_string!(i18n, track.invalid_phone).to_string()), None),
        Some(LookupOutcome::NotFound) => (None, None, Some(t_string!(i18n, track.not_found).to_string())),
        _ => (None, None, None),
    };
    let mut problems = Vec::new();
    if let Some(e) = &number_error {
        problems.push(("#number".to_owned(), e.clone()));
    }
    if let Some(e) = &phone_error {
        problems.push(("#phone".to_owned(), e.clone()));
    }
    if let Some(e) = &general_error {
        problems.push(("#number".to_owned(), e.clone()));
    }
    let title = t_string!(i18n, track.title).to_string();
    view! {
        <Title text=format!("{title} - {}", t_string!(i18n, site.name))/>
        <h1 class="page-title">{title}</h1>
        <ErrorSummary title=t_string!(i18n, track.error_title).to_string() problems=problems/>
        <p class="mb-4">{t_string!(i18n, track.intro).to_string()}</p>
        <form method="get" action=shell_path("/track") class="card mb-6" novalidate>
            <div class="field">
                <label for="number" class="field-label">{t_string!(i18n, track.number).to_string()}</label>
                <span id="number-hint" class="field-hint">{t_string!(i18n, track.number_hint).to_string()}</span>
                {number_error.clone().map(|e| view! { <span id="number-error" class="field-error">{e}</span> })}
                <input id="number" name="number" type="text" class="field-input font-mono" autocomplete="off" spellcheck="false"
                    value=asked.number.clone() aria-invalid=number_error.is_some().to_string()
                    aria-describedby=if number_error.is_some() { "number-hint number-error" } else { "number-hint" }/>
            </div>
            <div class="field">
                <label for="phone" class="field-label">{t_string!(i18n, track.phone).to_string()}</label>
                <span id="phone-hint" class="field-hint">{t_string!(i18n, track.phone_hint).to_string()}</span>
                {phone_error.clone().map(|e| view! { <span id="phone-error" class="field-error">{e}</span> })}
                <input id="phone" name="phone" type="text" inputmode="numeric" maxlength="4" class="field-input w-32" autocomplete="off"
                    value=asked.phone.clone() aria-invalid=phone_error.is_some().to_string()
                    aria-describedby=if phone_error.is_some() { "phone-hint phone-error" } else { "phone-hint" }/>
            </div>
            <button type="submit" class="btn-primary">{t_string!(i18n, track.submit).to_string()}</button>
        </form>
        {match outcome {
            Some(LookupOutcome::Found(progress)) => {
                let entries = progress.steps.iter().map(|s| TimelineEntry {
                    at: s.at.clone(),
                    status: event_label(i18n, s.kind, s.department.as_ref(), s.status),
                    who: if s.by_staff {
                        t_string!(i18n, actor.staff).to_string()
                    } else if s.by_proxy {
                        t_string!(i18n, actor.proxy).to_string()
                    } else {
                        t_string!(i18n, actor.applicant).to_string()
                    },
                    note: s.note.clone(),
                }).collect::<Vec<_>>();
                let mine = if asked.mine { "&mine=1" } else { "" };
                let verify_href = shell_path(&format!("/track?number={}&phone={}{mine}&verify=1#record", encode_query(&asked.number), encode_query(&asked.phone)));
                let delivery = delivery_label(i18n, &progress.delivery, progress.delivery_site.as_ref());
                view! {
                    {asked.resubmitted.then(|| view! { <p class="success" role="status">{t_string!(i18n, correction.resubmitted).to_string()}</p> })}
                    {progress.correction.clone().map(|c| view! {
                        <section class="notice" aria-labelledby="correction-title" data-testid="correction-needed">
                            <h2 id="correction-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, correction.needed_title).to_string()}</h2>
                            <p class="mb-2 whitespace-pre-line">{c.note.clone()}</p>
                            <p class="font-semibold">{t_string!(i18n, correction.what).to_string()}</p>
                            <ul class="mb-3 list-disc pl-6">
                                {c.fields.iter().map(|f| view! { <li>{f.get(lang).to_owned()}</li> }).collect_view()}
                                {c.materials.iter().map(|m| view! { <li>{m.get(lang).to_owned()}</li> }).collect_view()}
                            </ul>
                            {progress.paused_since.clone().map(|p| view! { <p class="mb-3" data-testid="clock-paused">{fill_template(&t_string!(i18n, deadline.paused_since).to_string(), &[("date", p)])}</p> })}
                            <a class="btn-primary" href=format!("/track/{}/correct", progress.tracking_plain)>{t_string!(i18n, correction.start).to_string()}</a>
                        </section>
                    })}
                    {progress.provided.iter().any(|p| p.provision.is_outstanding() && !progress.status.is_final()).then(|| view! {
                        <section class="notice" aria-labelledby="to-send-title" data-testid="deferred-materials">
                            <h2 id="to-send-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, provision.to_send_title).to_string()}</h2>
                            <p class="mb-2">{t_string!(i18n, provision.to_send_text).to_string()}</p>
                            <ul class="mb-3 list-disc pl-6">
                                {progress.provided.iter().filter(|p| p.provision.is_outstanding()).map(|p| view! {
                                    <li>
                                        {format!("{}: {}", p.name.get(lang), crate::ui::citizen::materials_page::provision_label(i18n, &p.provision, 0))}
                                        {p.overdue.then(|| view! { " "<strong class="text-red-800">{t_string!(i18n, provision.overdue).to_string()}</strong> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                            <a class="btn-primary" href=format!("/track/{}/correct", progress.tracking_plain)>{t_string!(i18n, provision.to_send_link).to_string()}</a>
                        </section>
                    })}
                    <section class="card mb-6" aria-labelledby="result-title">
                        <h2 id="result-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, track.result_title).to_string()}</h2>
                        <dl class="facts mb-4">
                            <dt>{t_string!(i18n, receipt.tracking_number).to_string()}</dt><dd class="font-mono">{progress.tracking_number.clone()}</dd>
                            <dt>{t_string!(i18n, track.service).to_string()}</dt><dd>{progress.service_name.get(lang).to_owned()}</dd>
                            <dt>{t_string!(i18n, track.current_status).to_string()}</dt><dd class="font-semibold" data-testid="current-status">{status_label(i18n, progress.status)}</dd>
                            {progress.due_on.clone().filter(|_| !progress.status.is_final()).map(|d| view! {
                                <dt>{t_string!(i18n, track.due).to_string()}</dt>
                                <dd data-testid="due-on">{d}{progress.due_provisional.then(|| view! { " "<span class="badge">{t_string!(i18n, deadline.provisional).to_string()}</span> })}</dd>
                            })}
                            <dt>{t_string!(i18n, delivery.title).to_string()}</dt><dd>{delivery}</dd>
                            {progress.proxy.clone().map(|p| view! {
                                <dt>{t_string!(i18n, agent.filed_by).to_string()}</dt>
                                <dd data-testid="filed-by-proxy">{fill_template(&t_string!(i18n, agent.filed_by_value).to_string(), &[("agent", p.agent), ("phone", p.consent_phone), ("time", p.consent_at)])}</dd>
                            })}
                        </dl>
                        {(progress.reviews.len() > 1).then(|| view! {
                            <h3 class="mb-2 font-semibold">{t_string!(i18n, track.reviews).to_string()}</h3>
                            <ul class="mb-4 space-y-1" data-testid="track-reviews">
                                {progress.reviews.iter().map(|(d, s)| view! { <li>{format!("{}：{}", d.get(lang), review_label(i18n, *s))}</li> }).collect_view()}
                            </ul>
                        })}
                        <h3 class="mb-2 font-semibold">{t_string!(i18n, track.timeline).to_string()}</h3>
                        <Timeline entries=entries/>
                    </section>
                    {progress.licence.clone().filter(|_| matches!(progress.status, CaseStatus::Issued | CaseStatus::Revoked)).map(|l| view! {
                        <section class="licence mb-6" aria-labelledby="licence-title" data-testid="licence">
                            <h2 id="licence-title" class="mb-3 text-2xl font-bold text-red-800">{l.name.get(lang).to_owned()}</h2>
                            <div class="flex flex-wrap gap-6">
                                <dl class="facts flex-1">
                                    <dt>{t_string!(i18n, licence.number).to_string()}</dt><dd class="font-mono" data-testid="licence-number">{l.number.clone()}</dd>
                                    <dt>{t_string!(i18n, licence.holder).to_string()}</dt><dd>{l.holder.clone()}</dd>
                                    <dt>{t_string!(i18n, licence.department).to_string()}</dt><dd>{l.department.get(lang).to_owned()}</dd>
                                    <dt>{t_string!(i18n, licence.issued_on).to_string()}</dt><dd>{l.issued_on.clone()}</dd>
                                    <dt>{t_string!(i18n, licence.valid_until).to_string()}</dt><dd>{l.valid_until.clone().unwrap_or_else(|| t_string!(i18n, licence.no_expiry).to_string())}</dd>
                                    <dt>{t_string!(i18n, licence.standing).to_string()}</dt><dd>{standing_label(i18n, l.standing)}</dd>
                                    <dt>{t_string!(i18n, licence.code).to_string()}</dt><dd class="font-mono">{l.verification_code.clone()}</dd>
                                </dl>
                                <figure class="text-center">
                                    <div class="h-40 w-40" inner_html=l.qr_svg.clone() role="img" aria-label=t_string!(i18n, licence.qr_label).to_string()></div>
                                    <figcaption class="text-sm"><a class="link" href=l.verify_url.clone()>{t_string!(i18n, licence.verify_link).to_string()}</a></figcaption>
                                </figure>
                            </div>
                            <div class="mt-4 no-print"><PrintButton label=t_string!(i18n, licence.print).to_string()/></div>
                        </section>
                    })}
                    {fee_panel(i18n, progress.fee, progress.waiver.clone(), progress.tracking_plain.clone(), "track", asked.payment.clone())}
                    {(!progress.messages.is_empty()).then(|| view! {
                        <section class="card mb-6" aria-labelledby="messages-title">
                            <h2 id="messages-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, track.messages).to_string()}</h2>
                            <ul class="space-y-2" data-testid="messages">
                                {progress.messages.iter().map(|(at, body)| view! { <li><span class="text-sm text-slate-700">{at.clone()}</span><br/>{body.clone()}</li> }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <section id="record" class="card mb-6" aria-labelledby="record-title">
                        <h2 id="record-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, audit.title).to_string()}</h2>
                        <p class="mb-2">{t_string!(i18n, audit.explain).to_string()}</p>
                        <p class="mb-3"><span class="font-semibold">{t_string!(i18n, audit.head).to_string()}": "</span><span class="digest" data-testid="chain-head">{progress.chain_head.clone()}</span></p>
                        {match progress.record_check {
                            Some(RecordCheck::Intact { events }) => view! { <p class="success" role="status" data-testid="record-check">{fill_template(&t_string!(i18n, audit.intact).to_string(), &[("n", events.to_string())])}</p> }.into_any(),
                            Some(RecordCheck::Broken { at_event }) => view! { <p class="error-summary" role="alert" data-testid="record-check">{fill_template(&t_string!(i18n, audit.broken).to_string(), &[("n", at_event.map(|n| n.to_string()).unwrap_or_else(|| "—".into()))])}</p> }.into_any(),
                            None => view! { <a class="btn-secondary" href=verify_href>{t_string!(i18n, audit.verify).to_string()}</a> }.into_any(),
                        }}
                    </section>
                }.into_any()
            }
            Some(LookupOutcome::Bundle(r)) => {
                let (phone, mine) = (crate::ui::encode_query(&asked.phone), asked.mine);
                view! {
                    <section class="card mb-6" data-testid="bundle-lookup">
                        <h2 class="text-xl font-semibold">{r.name.get(lang).to_owned()}</h2>
                        <p>{t_string!(i18n, bundle.receipt_number).to_string()}": "<span class="font-mono" data-testid="bundle-number">{r.tracking_number.clone()}</span></p>
                        <p class="text-sm text-slate-700">{t_string!(i18n, receipt.submitted_at).to_string()}": "{r.submitted_at.clone()}</p>
                    </section>
                    {crate::ui::citizen::bundle_pages::progress_section(&r, &move |n| if mine { format!("/track?number={n}&mine=1") } else { format!("/track?number={n}&phone={phone}") })}
                }
                .into_any()
            }
            _ => ().into_any(),
        }}
    }
}
