//! 一件事一次办: the bundles (`/bundles`), a bundle's guide (`/bundles/{code}`), its
//! combined form (`/bundles/{code}/apply`), its documents asked once
//! (`/bundle-apply/{draft}/materials`), the check step (`/bundle-apply/{draft}/check`)
//! and one progress view of every part (`/bundle-receipt/{number}`). Plain pages and
//! forms; the combined form is the same island as a single application's. The list
//! and the guides are on the handheld version too (`/m/bundles…`); the combined form
//! and the steps after it are in the desktop frame only (they fit a phone): a bundle
//! has no one-question-a-screen form as a single application has.

use crate::api::bundles::*;
use crate::domain::bundle::PartState;
use crate::domain::material::human_size;
use crate::domain::text::{Lang, Text, fill_template};
use crate::i18n::*;
use crate::ui::I18n;
use crate::ui::citizen::answers_page::{FormSource, form_model, step_heading};
use crate::ui::citizen::materials_page::{UploadOutcome, upload_error_message};
use crate::ui::components::application_form::ApplicationForm;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::components::material_upload::{MaterialUpload, UploadModel, message_codes};
use crate::ui::shell::shell_path;
use crate::ui::{days_label, lang, load_page, page_data};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn names(texts: &[Text], lang: Lang) -> String {
    texts.iter().map(|t| t.get(lang).to_owned()).collect::<Vec<_>>().join(if lang == Lang::En { ", " } else { "、" })
}

#[component]
pub fn BundlesPage() -> impl IntoView {
    let data = page_data(|| (), |_| load_bundles());
    load_page(data, bundles_view)
}

fn bundles_view(bundles: Vec<BundleListing>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    view! {
        <Title text=t_string!(i18n, bundle.list_title).to_string()/>
        <h1 class="page-title">{t_string!(i18n, bundle.list_title).to_string()}</h1>
        <p class="mb-6 text-lg text-slate-700">{t_string!(i18n, bundle.list_intro).to_string()}</p>
        <ul class="grid gap-4">
            {bundles.into_iter().map(|b| view! {
                <li class="card" data-testid=format!("bundle-{}", b.code)>
                    <h2 class="text-xl font-semibold"><a class="link" href=shell_path(&format!("/bundles/{}", b.code))>{b.name.get(lang).to_owned()}</a></h2>
                    <p class="my-2 text-slate-700">{b.summary.get(lang).to_owned()}</p>
                    <p class="text-sm">{fill_template(&t_string!(i18n, bundle.parts_count).to_string(), &[("n", b.parts.len().to_string())])}": "{names(&b.parts, lang)}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn BundleGuidePage() -> impl IntoView {
    let params = use_params_map();
    let data = page_data(move || params.read().get("code").unwrap_or_default(), load_bundle_guide);
    load_page(data, guide_view)
}

/// "Filed once “registration” is issued; credit code taken from its result".
fn waits_text(i18n: I18n, p: &PartSummary, lang: Lang) -> Option<String> {
    p.after.as_ref().map(|after| fill_template(&t_string!(i18n, bundle.guide_after).to_string(), &[("part", after.get(lang).to_owned()), ("fields", names(&p.from_licence, lang))]))
}

fn guide_view(v: BundleGuideView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let name = v.name.get(lang).to_owned();
    let reduction = fill_template(
        &t_string!(i18n, bundle.guide_reduction).to_string(),
        &[
            ("questions", v.questions.to_string()),
            ("separately", v.questions_separately.to_string()),
            ("materials", v.materials.len().to_string()),
            ("materials_separately", v.materials_separately.to_string()),
        ],
    );
    view! {
        <Title text=name.clone()/>
        <h1 class="page-title">{name}</h1>
        <p class="mb-4 text-lg text-slate-700">{v.summary.get(lang).to_owned()}</p>
        <p class="success" data-testid="bundle-reduction">{reduction}</p>
        <p class="mb-6"><a class="btn-primary" href=format!("/bundles/{}/apply", v.code)>{t_string!(i18n, bundle.apply).to_string()}</a></p>
        <h2 class="section-title">{t_string!(i18n, bundle.guide_parts).to_string()}</h2>
        <table class="data-table card">
            <thead><tr>
                <th scope="col">{t_string!(i18n, receipt.service).to_string()}</th>
                <th scope="col">{t_string!(i18n, bundle.guide_part_department).to_string()}</th>
                <th scope="col">{t_string!(i18n, bundle.guide_part_days).to_string()}</th>
            </tr></thead>
            <tbody>
                {v.parts.iter().map(|p| view! {
                    <tr>
                        <td>
                            <a class="link font-semibold" href=shell_path(&format!("/services/{}", p.service))>{p.name.get(lang).to_owned()}</a>
                            {waits_text(i18n, p, lang).map(|t| view! { <span class="block text-sm text-slate-700">{t}</span> })}
                        </td>
                        <td>{p.department.get(lang).to_owned()}</td>
                        <td class="whitespace-nowrap">{days_label(i18n, p.promised_days)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <h2 class="section-title">{t_string!(i18n, bundle.guide_materials).to_string()}</h2>
        <ul class="space-y-2">
            {v.materials.iter().map(|m| view! {
                <li class="card">
                    <span class="font-semibold">{m.name.get(lang).to_owned()}</span>" "
                    <span class="text-slate-700">{if m.required { t_string!(i18n, guide.required).to_string() } else { t_string!(i18n, guide.optional).to_string() }}</span>
                    {m.note.as_ref().map(|n| view! { <span class="block text-sm text-slate-700">{n.get(lang).to_owned()}</span> })}
                    <span class="block text-sm">{fill_template(&t_string!(i18n, bundle.for_parts).to_string(), &[("parts", names(&m.for_parts, lang))])}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn BundleAnswersPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = page_data(
        move || (params.read().get("code").unwrap_or_default(), query.read().get("draft"), query.read().get("entry").is_some()),
        |(code, draft, editing)| async move { Ok((load_bundle_form(code, draft).await?, editing)) },
    );
    load_page(data, answers_view)
}

fn answers_view((v, editing): (BundleFormView, bool)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let name = v.name.get(lang).to_owned();
    let source = FormSource {
        form: &v.form,
        code: &v.code,
        draft_id: v.draft_id.clone(),
        answers: &v.answers,
        errors: &v.errors,
        today: &v.today,
        action: SaveBundleAnswers::PATH,
        sync: false,
    };
    let model = form_model(i18n, source, v.form.fields.iter(), !editing, t_string!(i18n, apply.save_and_continue).to_string(), Vec::new());
    let title = if v.errors.is_empty() || editing { name.clone() } else { format!("{} - {name}", t_string!(i18n, apply.error_summary_title)) };
    view! {
        <Title text=title/>
        {step_heading(i18n, 1, t_string!(i18n, apply.step_answers).to_string())}
        <h1 class="page-title">{name}</h1>
        <p class="notice">{t_string!(i18n, bundle.form_intro).to_string()}</p>
        <ApplicationForm model=model/>
    }
}

#[component]
pub fn BundleMaterialsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = page_data(
        move || (params.read().get("draft").unwrap_or_default(), UploadOutcome::from_query(&query.read())),
        |(draft, outcome)| async move { Ok((load_bundle_materials(draft).await?, outcome)) },
    );
    load_page(data, materials_view)
}

fn materials_view((v, outcome): (BundleMaterialsView, UploadOutcome)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let key = |r: &MaterialRow| format!("{}-{}", r.service, r.code);
    let problems: Vec<(String, String)> = match (&outcome.error, &outcome.material) {
        (Some(code), Some(material)) => v
            .rows
            .iter()
            .find(|r| &key(r) == material)
            .map(|r| vec![(format!("#file-{material}"), format!("{}: {}", r.name.get(lang), upload_error_message(i18n, code, v.max_bytes)))])
            .unwrap_or_default(),
        _ => vec![],
    };
    let saved = outcome.uploaded.is_some() && problems.is_empty();
    let draft = v.draft_id.clone();
    view! {
        <Title text=format!("{} - {}", t_string!(i18n, bundle.materials_title), v.name.get(lang))/>
        {step_heading(i18n, 2, t_string!(i18n, apply.step_materials).to_string())}
        <h1 class="page-title">{t_string!(i18n, bundle.materials_title).to_string()}</h1>
        <p class="mb-2 text-lg">{v.name.get(lang).to_owned()}</p>
        <ErrorSummary title=t_string!(i18n, upload.error_title).to_string() problems=problems/>
        {saved.then(|| view! { <p class="success" role="status">{t_string!(i18n, materials.saved).to_string()}</p> })}
        <p class="mb-4">{fill_template(&t_string!(i18n, bundle.materials_intro).to_string(), &[("max", human_size(v.max_bytes))])}</p>
        {v.from_licence.iter().map(|(material, part, after)| view! {
            <p class="notice" data-testid="bundle-from-licence">{fill_template(&t_string!(i18n, bundle.from_licence).to_string(), &[("material", material.get(lang).to_owned()), ("part", part.get(lang).to_owned()), ("after", after.get(lang).to_owned())])}</p>
        }).collect_view()}
        <ul class="space-y-4">
            {v.rows.iter().map(|r| {
                let k = key(r);
                let marker = if r.required { t_string!(i18n, apply.required).to_string() } else { t_string!(i18n, apply.optional).to_string() };
                view! {
                    <li id=format!("material-{k}") class="card">
                        <h2 class="text-lg font-semibold">{r.name.get(lang).to_owned()}" "<span class="font-normal text-slate-700">{marker}</span></h2>
                        {r.note.as_ref().map(|n| view! { <p class="text-sm text-slate-700">{n.get(lang).to_owned()}</p> })}
                        <p class="text-sm">{fill_template(&t_string!(i18n, bundle.for_parts).to_string(), &[("parts", names(&r.for_parts, lang))])}</p>
                        <p class="my-2" data-testid=format!("status-{k}")>{match &r.uploaded {
                            Some((file, size)) => fill_template(&t_string!(i18n, materials.uploaded).to_string(), &[("name", file.clone()), ("size", human_size(*size as u64))]),
                            None => t_string!(i18n, materials.not_uploaded).to_string(),
                        }}</p>
                        <MaterialUpload model=UploadModel {
                            action: format!("/bundle-apply/{}/materials/{}/{}", draft, r.service, r.code),
                            done_url: format!("/bundle-apply/{}/materials?uploaded={k}#material-{k}", draft),
                            input_id: format!("file-{k}"),
                            label: format!("{}: {}", t_string!(i18n, materials.choose_file), r.name.get(lang)),
                            button: if r.uploaded.is_some() { t_string!(i18n, materials.replace).to_string() } else { t_string!(i18n, materials.upload).to_string() },
                            max_bytes: v.max_bytes,
                            messages: message_codes().map(|c| (c.to_owned(), upload_error_message(i18n, c, v.max_bytes))).collect(),
                            progress_template: t_string!(i18n, materials.uploading).to_string(),
                        }/>
                    </li>
                }
            }).collect_view()}
        </ul>
        <div class="mt-6 flex flex-wrap items-center gap-4">
            <a class="btn-primary" href=format!("/bundle-apply/{}/check", v.draft_id)>{t_string!(i18n, bundle.to_check).to_string()}</a>
            <a class="link" href=format!("/bundles/{}/apply?draft={}", v.code, v.draft_id)>{t_string!(i18n, bundle.back_to_form).to_string()}</a>
        </div>
    }
}

#[component]
pub fn BundleCheckPage() -> impl IntoView {
    let params = use_params_map();
    let data = page_data(move || params.read().get("draft").unwrap_or_default(), load_bundle_check);
    load_page(data, check_view)
}

fn check_view(v: BundleCheckView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let answers_href = format!("/bundles/{}/apply?draft={}", v.code, v.draft_id);
    let materials_href = format!("/bundle-apply/{}/materials", v.draft_id);
    let mut problems: Vec<(String, String)> = Vec::new();
    if !v.errors.is_empty() {
        problems.push((format!("{answers_href}#error-summary"), t_string!(i18n, check.fix_answers).to_string()));
    }
    for r in v.rows.iter().filter(|r| r.required && r.uploaded.is_none()) {
        let text = fill_template(&t_string!(i18n, check.missing_material).to_string(), &[("name", r.name.get(lang).to_owned())]);
        problems.push((format!("{materials_href}#material-{}-{}", r.service, r.code), text));
    }
    let ready = problems.is_empty();
    let change = t_string!(i18n, check.change).to_string();
    view! {
        <Title text=format!("{} - {}", t_string!(i18n, bundle.check_title), v.name.get(lang))/>
        {step_heading(i18n, 3, t_string!(i18n, apply.step_check).to_string())}
        <h1 class="page-title">{t_string!(i18n, bundle.check_title).to_string()}</h1>
        <p class="mb-4 text-lg">{v.name.get(lang).to_owned()}</p>
        <ErrorSummary title=t_string!(i18n, check.problems_title).to_string() problems=problems/>
        <h2 class="section-title">{t_string!(i18n, check.answers).to_string()}</h2>
        {crate::ui::citizen::check_page::answers_summary(i18n, &v.form, &v.answers, &answers_href)}
        <h2 class="section-title">{t_string!(i18n, check.materials).to_string()}</h2>
        <dl class="summary-list card">
            {v.rows.iter().map(|r| {
                let label = r.name.get(lang).to_owned();
                view! {
                    <dt>{label.clone()}</dt>
                    <dd class="break-words">{r.uploaded.clone().map(|(file, size)| format!("{file} ({})", human_size(size as u64))).unwrap_or_else(|| t_string!(i18n, check.none).to_string())}</dd>
                    <dd class="sm:pt-3"><a class="link" href=format!("{materials_href}#material-{}-{}", r.service, r.code)>{change.clone()}<span class="sr-only">" "{label}</span></a></dd>
                }
            }).collect_view()}
        </dl>
        <h2 class="section-title">{t_string!(i18n, bundle.check_parts).to_string()}</h2>
        <ul class="card space-y-2" data-testid="bundle-parts">
            {v.parts.iter().map(|p| view! {
                <li>
                    <span class="font-semibold">{p.name.get(lang).to_owned()}</span>" · "{p.department.get(lang).to_owned()}
                    <span class="block text-sm text-slate-700">{match &p.after {
                        Some(after) => fill_template(&t_string!(i18n, bundle.check_waits).to_string(), &[("part", after.get(lang).to_owned())]),
                        None => t_string!(i18n, bundle.check_at_once).to_string(),
                    }}</span>
                </li>
            }).collect_view()}
        </ul>
        {ready.then(|| view! {
            <form method="post" action=SubmitBundle::PATH class="mt-6">
                <input type="hidden" name="draft" value=v.draft_id.clone()/>
                <p class="mb-2">{t_string!(i18n, bundle.delivery_online).to_string()}</p>
                <p class="mb-4">{t_string!(i18n, check.declaration).to_string()}</p>
                <button type="submit" class="btn-primary">{t_string!(i18n, bundle.submit).to_string()}</button>
            </form>
        })}
    }
}

#[component]
pub fn BundleReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let data = page_data(move || params.read().get("tracking").unwrap_or_default(), load_bundle_receipt);
    load_page(data, receipt_view)
}

fn receipt_view(r: BundleReceiptView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    view! {
        <Title text=format!("{} {}", t_string!(i18n, bundle.receipt_title), r.tracking_number)/>
        <div class="success" role="status">
            <h1 class="page-title mb-2">{t_string!(i18n, bundle.receipt_title).to_string()}</h1>
            <p>{r.name.get(lang).to_owned()}" · "{t_string!(i18n, bundle.receipt_number).to_string()}</p>
            <p class="font-mono text-2xl font-bold tracking-wide sm:text-3xl" data-testid="bundle-number">{r.tracking_number.clone()}</p>
        </div>
        <p class="mb-4">{t_string!(i18n, bundle.receipt_keep).to_string()}</p>
        <dl class="facts card mb-6">
            <dt>{t_string!(i18n, receipt.submitted_at).to_string()}</dt><dd>{r.submitted_at.clone()}</dd>
            <dt>{t_string!(i18n, receipt.applicant).to_string()}</dt><dd>{format!("{} ({})", r.applicant_name, r.applicant_phone_masked)}</dd>
        </dl>
        {progress_section(&r, &|n| format!("/receipt/{n}"))}
    }
}

/// Every part of a bundle and where it stands, with a link to each part's own case
/// (`part_href` of its plain number): the receipt's view and the lookup's.
pub fn progress_section(r: &BundleReceiptView, part_href: &dyn Fn(&str) -> String) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let lang = lang();
    let p = r.progress;
    view! {
        <h2 class="section-title">{t_string!(i18n, bundle.progress_title).to_string()}</h2>
        <p class=if p.complete { "success" } else { "notice" } data-testid="bundle-progress" data-complete=p.complete.to_string()>
            {fill_template(&t_string!(i18n, bundle.progress_summary).to_string(), &[("total", p.total.to_string()), ("ended", p.ended.to_string()), ("issued", p.issued.to_string())])}" "
            {if p.complete { t_string!(i18n, bundle.complete).to_string() } else { t_string!(i18n, bundle.in_progress).to_string() }}
        </p>
        <ol class="space-y-3">
            {r.parts.iter().map(|part| {
                let state = match part.state {
                    PartState::Filed(s) => crate::ui::status_label(i18n, s),
                    PartState::Waiting => fill_template(&t_string!(i18n, bundle.state_waiting).to_string(), &[("part", part.part.after.as_ref().map(|a| a.get(lang).to_owned()).unwrap_or_default())]),
                    PartState::Cancelled => fill_template(&t_string!(i18n, bundle.state_cancelled).to_string(), &[("part", part.part.after.as_ref().map(|a| a.get(lang).to_owned()).unwrap_or_default())]),
                };
                let code = match part.state {
                    PartState::Filed(s) => s.code(),
                    PartState::Waiting => "waiting",
                    PartState::Cancelled => "cancelled",
                };
                view! {
                    <li class="card" data-testid=format!("part-{}", part.part.service) data-state=code>
                        <h3 class="text-lg font-semibold">{part.part.name.get(lang).to_owned()}</h3>
                        <p class="text-sm text-slate-700">{part.part.department.get(lang).to_owned()}" · "{days_label(i18n, part.part.promised_days)}</p>
                        <p class="my-1 font-semibold">{state}</p>
                        {part.tracking_number.clone().map(|n| view! {
                            <p class="text-sm">{t_string!(i18n, bundle.part_number).to_string()}": "<span class="font-mono" data-testid="part-number">{n.clone()}</span>" "
                                <a class="link" href=part_href(&n.replace('-', ""))>{t_string!(i18n, bundle.part_open).to_string()}<span class="sr-only">" "{part.part.name.get(lang).to_owned()}</span></a>
                            </p>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
