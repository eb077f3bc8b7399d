//! `/admin/cases/{tracking}`: everything about one case a clerk may see, and the
//! decisions their post may take now, as one form with a button per decision.

use crate::api::staff::{DecideCase, StaffCaseView, staff_case};
use crate::domain::case::CaseAction;
use crate::domain::material::human_size;
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::I18n;
use crate::ui::admin::queue_page::staff_bar;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::components::timeline::{Timeline, TimelineEntry};
use crate::ui::{delivery_label, action_label, days_label, event_label, lang, light_badge, load_page, page_data, review_label, standing_label, status_label};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Outcome {
    done: Option<String>,
    error: Option<String>,
}

#[component]
pub fn StaffCasePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            (params.read().get("tracking").unwrap_or_default(), Outcome { done: q.get("done"), error: q.get("error") })
        },
        |(tracking, outcome)| async move { Ok((staff_case(tracking).await?, outcome)) },
    );
    load_page(data, case_view)
}

fn error_message(i18n: I18n, code: &str) -> (String, String) {
    match code {
        "reason_required" => ("#note".into(), t_string!(i18n, admin.reason_required).to_string()),
        "legal_basis_required" => ("#legal_basis".into(), t_string!(i18n, admin.legal_basis_required).to_string()),
        "nothing_to_correct" => ("#fix-list".into(), t_string!(i18n, admin.nothing_to_correct).to_string()),
        "not_your_role" => ("#note".into(), t_string!(i18n, admin.not_your_role).to_string()),
        "note_too_long" => ("#note".into(), t_string!(i18n, admin.note_too_long).to_string()),
        "note_control_character" => ("#note".into(), t_string!(i18n, errors.control_character).to_string()),
        _ => ("#note".into(), t_string!(i18n, admin.not_allowed_now).to_string()),
    }
}

/// "accepted 2026-04-03 + 2 working days; 04-04 to 04-06 Qingming → due 04-08".
fn deadline_reason(i18n: I18n, d: &crate::api::staff::DeadlineView) -> String {
    let lang = lang();
    let mut parts = vec![fill_template(
        &t_string!(i18n, deadline.accepted_plus).to_string(),
        &[("date", d.accepted_on.clone()), ("days", days_label(i18n, d.promised_days))],
    )];
    if d.paused_days > 0 {
        parts.push(fill_template(&t_string!(i18n, deadline.paused_days).to_string(), &[("days", days_label(i18n, d.paused_days))]));
    }
    for off in &d.days_off {
        let name = off.holiday.as_ref().map(|h| h.get(lang).to_owned()).unwrap_or_else(|| t_string!(i18n, deadline.weekend).to_string());
        let span = if off.from == off.to { off.from.to_string() } else { format!("{} – {}", off.from, off.to) };
        parts.push(format!("{span} {name}"));
    }
    format!("{}{}", parts.join("；"), fill_template(&t_string!(i18n, deadline.due).to_string(), &[("date", d.due_on.clone())]))
}

fn case_view((v, outcome): (StaffCaseView, Outcome)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let problems = outcome.error.as_deref().map(|code| vec![error_message(i18n, code)]).unwrap_or_default();
    let done = outcome.done.as_deref().and_then(CaseAction::from_code).map(|a| {
        fill_template(&t_string!(i18n, admin.done).to_string(), &[("action", action_label(i18n, a))])
    });
    let entries = v
        .events
        .iter()
        .map(|e| TimelineEntry { at: e.at.clone(), status: event_label(i18n, e.kind, e.department.as_ref(), e.to), who: e.actor.clone(), note: e.note.clone() })
        .collect::<Vec<_>>();
    let offers_correction = v.actions.contains(&CaseAction::RequestCorrection);
    let offers_rejection = v.actions.contains(&CaseAction::Reject);
    let delivery = delivery_label(i18n, &v.delivery, v.delivery_site.as_ref());
    let fields = v.item.form.fields.clone();
    let item_materials = v.item.materials.clone();
    view! {
        <Title text=format!("{} {}", t_string!(i18n, admin.case_title), v.tracking_display)/>
        {staff_bar(i18n, &v.me)}
        <p class="mb-2"><a class="link" href="/admin">{t_string!(i18n, admin.back_to_queue).to_string()}</a></p>
        <h1 class="page-title">{t_string!(i18n, admin.case_title).to_string()}" "<span class="font-mono">{v.tracking_display.clone()}</span></h1>
        <div id="outcome">
            <ErrorSummary title=t_string!(i18n, admin.error_title).to_string() problems=problems/>
            {done.map(|d| view! { <p class="success" role="status">{d}</p> })}
        </div>
        {v.credit.clone().map(|(list, reason)| {
            let (class, template) = match list {
                crate::domain::credit::CreditList::Black => ("error-summary", t_string!(i18n, credit.case_black).to_string()),
                crate::domain::credit::CreditList::Red => ("success", t_string!(i18n, credit.case_red).to_string()),
            };
            view! { <p class=class role="status" data-testid="credit-warning">{fill_template(&template, &[("reason", reason.get(lang).to_owned())])}</p> }
        })}
        {v.calendar_warning.then(|| view! { <p class="notice" role="status">{t_string!(i18n, deadline.calendar_warning).to_string()}" "<a class="link" href="/admin/calendar">{t_string!(i18n, calendar.title).to_string()}</a></p> })}
        <dl class="facts card mb-6">
            <dt>{t_string!(i18n, track.service).to_string()}</dt><dd>{v.item.name.get(lang).to_owned()}</dd>
            <dt>{t_string!(i18n, admin.col_status).to_string()}</dt><dd class="font-semibold" data-testid="case-status">{status_label(i18n, v.status)}</dd>
            <dt>{t_string!(i18n, admin.col_applicant).to_string()}</dt><dd>{v.applicant_name.clone()}</dd>
            <dt>{t_string!(i18n, admin.col_submitted).to_string()}</dt><dd>{v.submitted_at.clone()}</dd>
            <dt>{t_string!(i18n, admin.col_site).to_string()}</dt><dd>{v.site.get(lang).to_owned()}</dd>
            <dt>{t_string!(i18n, delivery.title).to_string()}</dt><dd>{delivery}</dd>
            {(v.fee.status != crate::domain::fee::PaymentStatus::NotRequired).then(|| view! {
                <dt>{t_string!(i18n, fee.title).to_string()}</dt>
                <dd data-testid="case-fee">{fill_template(&t_string!(i18n, fee.amount).to_string(), &[("amount", crate::domain::fee::yuan(v.fee.amount_fen))])}" · "{crate::ui::components::fee_panel::payment_label(i18n, v.fee.status)}</dd>
            })}
            {v.proxy.clone().map(|p| view! {
                <dt>{t_string!(i18n, agent.filed_by).to_string()}</dt>
                <dd data-testid="filed-by-proxy">{fill_template(&t_string!(i18n, agent.filed_by_value).to_string(), &[("agent", p.agent), ("phone", p.consent_phone), ("time", p.consent_at)])}</dd>
            })}
            <dt>{t_string!(i18n, admin.col_deadline).to_string()}</dt>
            <dd data-testid="case-deadline">
                {match &v.deadline {
                    Some(d) => view! {
                        {light_badge(i18n, d.light, Some(d.due_on.clone()))}
                        {d.provisional.then(|| view! { " "<span class="badge">{t_string!(i18n, deadline.provisional).to_string()}</span> })}
                        <p class="mt-1 text-sm" data-testid="deadline-reason">{deadline_reason(i18n, d)}</p>
                        {d.paused_since.clone().map(|p| view! { <p class="mt-1 text-sm" data-testid="clock-paused">{fill_template(&t_string!(i18n, deadline.paused_since).to_string(), &[("date", p)])}</p> })}
                    }.into_any(),
                    None => view! { <span>{t_string!(i18n, deadline.not_started).to_string()}</span> }.into_any(),
                }}
            </dd>
            <dt>{t_string!(i18n, audit.head).to_string()}</dt><dd class="digest" data-testid="chain-head">{v.chain_head.clone()}</dd>
        </dl>
        {(!v.reviews.is_empty()).then(|| view! {
            <h2 class="section-title">{if v.review_count > 1 { t_string!(i18n, admin.reviews_parallel).to_string() } else { t_string!(i18n, admin.reviews).to_string() }}</h2>
            <div class="card mb-6 overflow-x-auto">
                <table class="data-table" data-testid="reviews">
                    <thead><tr>
                        <th scope="col">{t_string!(i18n, admin.col_department).to_string()}</th>
                        <th scope="col">{t_string!(i18n, admin.col_review).to_string()}</th>
                        <th scope="col">{t_string!(i18n, admin.col_reviewer).to_string()}</th>
                        <th scope="col">{t_string!(i18n, admin.col_reason).to_string()}</th>
                    </tr></thead>
                    <tbody>
                        {v.reviews.iter().map(|r| view! {
                            <tr>
                                <td>{r.department.get(lang).to_owned()}</td>
                                <td>{review_label(i18n, r.status)}</td>
                                <td>{r.reviewer.clone().unwrap_or_default()}</td>
                                <td class="whitespace-pre-line">{if r.legal_basis.is_empty() { r.reason.clone() } else { format!("{}\n{}：{}", r.reason, t_string!(i18n, admin.legal_basis), r.legal_basis) }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {v.correction.clone().map(|c| view! {
            <section class="notice" aria-labelledby="correction-title">
                <h2 id="correction-title" class="font-semibold">{t_string!(i18n, correction.requested).to_string()}</h2>
                <p class="whitespace-pre-line">{c.note.clone()}</p>
                <ul class="list-disc pl-6">
                    {c.fields.iter().filter_map(|f| fields.iter().find(|d| &d.name == f)).map(|d| view! { <li>{d.label.get(lang).to_owned()}</li> }).collect_view()}
                    {c.materials.iter().filter_map(|m| item_materials.iter().find(|d| &d.code == m)).map(|d| view! { <li>{d.name.get(lang).to_owned()}</li> }).collect_view()}
                </ul>
            </section>
        })}
        {v.licence.clone().map(|l| view! {
            <section class="card mb-6" aria-labelledby="licence-title">
                <h2 id="licence-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, licence.title).to_string()}</h2>
                <dl class="facts">
                    <dt>{t_string!(i18n, licence.name).to_string()}</dt><dd>{l.name.get(lang).to_owned()}</dd>
                    <dt>{t_string!(i18n, licence.number).to_string()}</dt><dd class="font-mono" data-testid="licence-number">{l.number.clone()}</dd>
                    <dt>{t_string!(i18n, licence.standing).to_string()}</dt><dd>{standing_label(i18n, l.standing)}</dd>
                    <dt>{t_string!(i18n, licence.verify_link).to_string()}</dt><dd><a class="link break-all" href=l.verify_url.clone()>{l.verify_url.clone()}</a></dd>
                </dl>
            </section>
        })}
        <section class="card mb-6" aria-labelledby="actions-title">
            <h2 id="actions-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, admin.actions).to_string()}</h2>
            {if v.actions.is_empty() {
                view! { <p>{t_string!(i18n, admin.no_actions).to_string()}</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=DecideCase::PATH>
                        <input type="hidden" name="tracking" value=v.tracking_number.clone()/>
                        <input type="hidden" name="seen_status" value=v.status.code()/>
                        <div class="field">
                            <label for="note" class="field-label">{t_string!(i18n, admin.note).to_string()}</label>
                            <span id="note-hint" class="field-hint">{t_string!(i18n, admin.note_hint).to_string()}</span>
                            <textarea id="note" name="note" rows="3" maxlength="500" class="field-input" aria-describedby="note-hint"></textarea>
                        </div>
                        {offers_rejection.then(|| view! {
                            <div class="field">
                                <label for="legal_basis" class="field-label">{t_string!(i18n, admin.legal_basis).to_string()}</label>
                                <span id="legal-basis-hint" class="field-hint">{t_string!(i18n, admin.legal_basis_hint).to_string()}</span>
                                <input id="legal_basis" name="legal_basis" type="text" maxlength="500" class="field-input" aria-describedby="legal-basis-hint"/>
                            </div>
                        })}
                        {offers_correction.then(|| view! {
                            <fieldset class="field" id="fix-list" tabindex="-1">
                                <legend class="field-label">{t_string!(i18n, admin.fix_legend).to_string()}</legend>
                                <span class="field-hint">{t_string!(i18n, admin.fix_hint).to_string()}</span>
                                <div class="grid gap-1 sm:grid-cols-2">
                                    {v.item.form.fields.iter().enumerate().filter(|(_, f)| crate::domain::correction::correctable_field(&v.item.form, f)).map(|(i, f)| {
                                        let id = format!("fix-field-{}", f.name);
                                        let for_id = id.clone();
                                        view! {
                                            <label for=for_id class="flex min-h-11 items-center gap-2">
                                                <input id=id type="checkbox" name=format!("fix_fields[{i}]") value=f.name.clone() class="h-5 w-5"/>
                                                {f.label.get(lang).to_owned()}
                                            </label>
                                        }
                                    }).collect_view()}
                                    {v.item.materials.iter().enumerate().map(|(i, m)| {
                                        let id = format!("fix-material-{}", m.code);
                                        let for_id = id.clone();
                                        view! {
                                            <label for=for_id class="flex min-h-11 items-center gap-2">
                                                <input id=id type="checkbox" name=format!("fix_materials[{i}]") value=m.code.clone() class="h-5 w-5"/>
                                                {format!("{}（{}）", m.name.get(lang), t_string!(i18n, admin.material))}
                                            </label>
                                        }
                                    }).collect_view()}
                                </div>
                            </fieldset>
                        })}
                        <div class="flex flex-wrap gap-3">
                            {v.actions.iter().enumerate().map(|(i, a)| view! {
                                <button type="submit" name="action" value=a.code() class=if i == 0 { "btn-primary" } else { "btn-secondary" }>{action_label(i18n, *a)}</button>
                            }).collect_view()}
                        </div>
                    </form>
                }.into_any()
            }}
        </section>
        <h2 class="section-title">{t_string!(i18n, admin.answers).to_string()}</h2>
        <dl class="facts card">
            {crate::ui::answer_rows(i18n, &v.item.form, &v.answers).into_iter().map(|(_, label, shown)| {
                view! { <dt>{label}</dt><dd class="whitespace-pre-line">{shown}</dd> }
            }).collect_view()}
        </dl>
        <h2 class="section-title">{t_string!(i18n, admin.materials).to_string()}</h2>
        <p class="mb-2 text-sm">{t_string!(i18n, admin.materials_hint).to_string()}</p>
        <ul class="card mb-4 space-y-2">
            {v.materials.iter().map(|m| view! {
                <li>
                    <span class="font-semibold">{m.name.get(lang).to_owned()}</span>": "{format!("{} ({}, {})", m.file_name, m.media_type.to_uppercase(), human_size(m.size_bytes as u64))}" "
                    <a class="link" href=format!("/admin/materials/{}", m.id) target="material-preview">{t_string!(i18n, admin.view_file).to_string()}<span class="sr-only">" "{m.file_name.clone()}</span></a>
                </li>
            }).collect_view()}
        </ul>
        {(!v.provided.is_empty()).then(|| view! {
            <h3 class="mb-2 text-lg font-semibold">{t_string!(i18n, provision.clerk_title).to_string()}</h3>
            <ul class="card mb-4 space-y-2" data-testid="provided-materials">
                {v.provided.iter().map(|p| {
                    use crate::domain::provision::ProvisionKind;
                    let how = match p.provision.kind {
                        ProvisionKind::Licence => fill_template(&t_string!(i18n, provision.clerk_licence).to_string(), &[("number", p.provision.licence_number.clone().unwrap_or_default())]),
                        _ => crate::ui::citizen::materials_page::provision_label(i18n, &p.provision, 0),
                    };
                    view! {
                        <li data-testid=format!("provided-{}", p.provision.material_code)>
                            <span class="font-semibold">{p.name.get(lang).to_owned()}</span>": "{how}
                            {p.overdue.then(|| view! { " "<strong class="light light-red">{t_string!(i18n, provision.overdue).to_string()}</strong> })}
                            {p.provision.commitment.as_ref().map(|c| view! { <blockquote class="mt-1 whitespace-pre-line border-l-4 border-slate-400 pl-3 text-sm">{c.get(lang).to_owned()}</blockquote> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {v.provided.iter().any(|p| p.provision.is_outstanding()).then(|| view! { <p class="notice mb-4" data-testid="deferred-waiting">{t_string!(i18n, provision.clerk_waiting).to_string()}</p> })}
        })}
        {(v.reductions.trips_saved > 0 || v.days_saved.is_some()).then(|| view! {
            <p class="mb-4 text-sm" data-testid="reductions">
                {fill_template(&t_string!(i18n, provision.reductions).to_string(), &[
                    ("reused", v.reductions.materials_reused.to_string()),
                    ("deferred", v.reductions.materials_deferred.to_string()),
                    ("committed", v.reductions.materials_committed.to_string()),
                    ("trips", v.reductions.trips_saved.to_string()),
                ])}
                {v.days_saved.map(|d| format!("; {}", fill_template(&t_string!(i18n, provision.days_saved).to_string(), &[("days", d.to_string())])))}
            </p>
        })}
        <iframe name="material-preview" title=t_string!(i18n, admin.material_preview).to_string() src="about:blank" class="mb-6 h-[36rem] w-full rounded-lg border border-slate-300 bg-white"></iframe>
        <h2 class="section-title">{t_string!(i18n, admin.timeline).to_string()}</h2>
        <Timeline entries=entries/>
    }
}
