//! `/apply/{draft}/materials`: step 2. One small multipart form per material, so
//! each upload stands alone and works without JavaScript.

use crate::api::applications::{MaterialsView, ProvideMaterial, load_materials};
use crate::domain::catalog::Material;
use crate::domain::provision::{Provision, ProvisionKind, ProvisionOptions, ProvisionRefusal};
use leptos::server_fn::ServerFn;
use crate::domain::material::{UploadError, human_size};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::I18n;
use crate::ui::citizen::answers_page::step_heading;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::components::material_upload::{MaterialUpload, UploadModel, message_codes};
use crate::ui::{lang, load_page, page_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What an upload or a refused step sent back in the address: `?error=`,
/// `&material=` (whose upload was refused), `?uploaded=`. Shared with the
/// correction page, which takes uploads the same way.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UploadOutcome {
    pub error: Option<String>,
    pub material: Option<String>,
    pub uploaded: Option<String>,
    /// A provision refused (`ProvisionRefusal` code), with `material`.
    pub refused: Option<String>,
    /// A material just provided without an upload.
    pub provided: Option<String>,
}

impl UploadOutcome {
    pub fn from_query(q: &leptos_router::params::ParamsMap) -> Self {
        UploadOutcome { error: q.get("error"), material: q.get("material"), uploaded: q.get("uploaded"), refused: q.get("refused"), provided: q.get("provided") }
    }
}

#[component]
pub fn MaterialsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            (params.read().get("draft").unwrap_or_default(), UploadOutcome::from_query(&q))
        },
        |(draft, outcome)| async move { Ok((load_materials(draft).await?, outcome)) },
    );
    load_page(data, materials_view)
}

pub fn upload_error_message(i18n: I18n, code: &str, max_bytes: u64) -> String {
    match UploadError::from_code(code) {
        Some(UploadError::Empty) => t_string!(i18n, upload.empty).to_string(),
        Some(UploadError::TooLarge) => fill_template(&t_string!(i18n, upload.too_large).to_string(), &[("max", human_size(max_bytes))]),
        Some(UploadError::UnsupportedType) => t_string!(i18n, upload.unsupported_type).to_string(),
        Some(UploadError::Disguised) => t_string!(i18n, upload.disguised).to_string(),
        None => t_string!(i18n, upload.failed).to_string(),
    }
}

fn materials_view((v, outcome): (MaterialsView, UploadOutcome)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let name = v.item.name.get(lang).to_owned();
    let material_name = |code: &str| v.item.material(code).map(|m| m.name.get(lang).to_owned()).unwrap_or_default();
    let problems: Vec<(String, String)> = match (&outcome.error, &outcome.refused, &outcome.material) {
        (Some(code), _, Some(material)) => {
            vec![(format!("#file-{material}"), format!("{}: {}", material_name(material), upload_error_message(i18n, code, v.max_bytes)))]
        }
        (None, Some(code), Some(material)) => {
            vec![(format!("#material-{material}"), format!("{}: {}", material_name(material), refusal_message(i18n, code)))]
        }
        _ => vec![],
    };
    let saved = outcome.uploaded.is_some() && problems.is_empty();
    let provided_now = outcome.provided.is_some() && problems.is_empty();
    let draft = v.draft_id.clone();
    view! {
        <Title text=format!("{} - {name}", t_string!(i18n, materials.title))/>
        {step_heading(i18n, 2, t_string!(i18n, apply.step_materials).to_string())}
        <h1 class="page-title">{t_string!(i18n, materials.title).to_string()}</h1>
        <p class="mb-2 text-lg">{name}</p>
        <ErrorSummary title=t_string!(i18n, upload.error_title).to_string() problems=problems/>
        {saved.then(|| view! { <p class="success" role="status">{t_string!(i18n, materials.saved).to_string()}</p> })}
        {provided_now.then(|| view! { <p class="success" role="status">{t_string!(i18n, provision.saved).to_string()}</p> })}
        <p class="mb-4">{fill_template(&t_string!(i18n, materials.intro).to_string(), &[("max", human_size(v.max_bytes))])}</p>
        <ul class="space-y-4">
            {v.item.materials.iter().map(|m| {
                let uploaded = v.uploaded.iter().find(|u| u.material_code == m.code).cloned();
                let provided = v.provided.iter().find(|p| p.material_code == m.code).cloned();
                let options = v.options.iter().find(|(c, _)| *c == m.code).map(|(_, o)| o.clone()).unwrap_or_default();
                let input_id = format!("file-{}", m.code);
                let marker = if m.required { t_string!(i18n, apply.required).to_string() } else { t_string!(i18n, apply.optional).to_string() };
                view! {
                    <li id=format!("material-{}", m.code) class="card">
                        <h2 class="text-lg font-semibold">{m.name.get(lang).to_owned()}" "<span class="font-normal text-slate-700">{marker}</span></h2>
                        {m.note.as_ref().map(|n| view! { <p class="text-sm text-slate-700">{n.get(lang).to_owned()}</p> })}
                        <p class="my-2" data-testid=format!("status-{}", m.code)>{match (&uploaded, &provided) {
                            (Some(u), _) => fill_template(&t_string!(i18n, materials.uploaded).to_string(), &[("name", u.file_name.clone()), ("size", human_size(u.size_bytes as u64))]),
                            (None, Some(p)) => provision_label(i18n, p, v.item.deferral_days),
                            (None, None) => t_string!(i18n, materials.not_uploaded).to_string(),
                        }}</p>
                        {provided.as_ref().filter(|_| uploaded.is_none()).map(|_| view! {
                            <form method="post" action=ProvideMaterial::PATH class="mb-2">
                                <input type="hidden" name="draft" value=draft.clone()/>
                                <input type="hidden" name="material" value=m.code.clone()/>
                                <input type="hidden" name="choice" value="upload"/>
                                <button type="submit" class="link">{t_string!(i18n, provision.undo).to_string()}</button>
                            </form>
                        })}
                        <MaterialUpload model=UploadModel {
                            action: format!("/apply/{}/materials/{}", draft, m.code),
                            done_url: format!("/apply/{}/materials?uploaded={}#material-{}", draft, m.code, m.code),
                            input_id,
                            label: format!("{}: {}", t_string!(i18n, materials.choose_file), m.name.get(lang)),
                            button: if uploaded.is_some() { t_string!(i18n, materials.replace).to_string() } else { t_string!(i18n, materials.upload).to_string() },
                            max_bytes: v.max_bytes,
                            messages: message_codes().map(|c| (c.to_owned(), upload_error_message(i18n, c, v.max_bytes))).collect(),
                            progress_template: t_string!(i18n, materials.uploading).to_string(),
                        }/>
                        {(uploaded.is_none() && provided.is_none()).then(|| other_ways(i18n, &draft, m, &options, &v))}
                    </li>
                }
            }).collect_view()}
        </ul>
        <div class="mt-6 flex flex-wrap items-center gap-4">
            <a class="btn-primary" href=format!("/apply/{}/check", v.draft_id)>{t_string!(i18n, materials.to_check).to_string()}</a>
            <a class="link" href=format!("/services/{}/apply?draft={}", v.item.code, v.draft_id)>{t_string!(i18n, materials.back).to_string()}</a>
        </div>
    }
}

/// A refused provision in words.
pub fn refusal_message(i18n: I18n, code: &str) -> String {
    match ProvisionRefusal::from_code(code) {
        Some(ProvisionRefusal::NotOffered) | None => t_string!(i18n, provision.refused_not_offered).to_string(),
        Some(ProvisionRefusal::BlackListed) => t_string!(i18n, provision.refused_black_listed).to_string(),
        Some(ProvisionRefusal::LicenceUnusable) => t_string!(i18n, provision.refused_licence_unusable).to_string(),
        Some(ProvisionRefusal::NotAgreed) => t_string!(i18n, provision.refused_not_agreed).to_string(),
    }
}

/// How a material was provided without an upload, in words; `days` is the item's
/// deferral period, for a draft whose due date is not fixed yet.
pub fn provision_label(i18n: I18n, p: &Provision, days: u32) -> String {
    match (p.kind, p.due_on, p.arrived) {
        (ProvisionKind::Licence, _, _) => fill_template(&t_string!(i18n, provision.provided_licence).to_string(), &[("number", p.licence_number.clone().unwrap_or_default())]),
        (ProvisionKind::Committed, _, _) => t_string!(i18n, provision.provided_committed).to_string(),
        (ProvisionKind::Deferred, _, true) => t_string!(i18n, provision.arrived).to_string(),
        (ProvisionKind::Deferred, Some(due), false) => fill_template(&t_string!(i18n, provision.provided_deferred).to_string(), &[("due", due.to_string())]),
        (ProvisionKind::Deferred, None, false) => fill_template(&t_string!(i18n, provision.provided_deferred_draft).to_string(), &[("days", days.to_string())]),
    }
}

/// The ways besides an upload this applicant may provide `m`: one small plain form
/// each, so they work without JavaScript.
fn other_ways(i18n: I18n, draft: &str, m: &Material, o: &ProvisionOptions, v: &MaterialsView) -> impl IntoView + use<> {
    let lang = lang();
    let show = o.any() || o.commit_barred || (o.licence_possible && !v.signed_in);
    let hidden = |choice: &'static str| view! {
        <input type="hidden" name="draft" value=draft.to_owned()/>
        <input type="hidden" name="material" value=m.code.clone()/>
        <input type="hidden" name="choice" value=choice/>
    };
    let code = m.code.clone();
    show.then(|| view! {
        <div class="mt-3 border-t border-slate-300 pt-3" data-testid=format!("other-ways-{code}")>
            <p class="font-semibold">{t_string!(i18n, provision.other_ways).to_string()}</p>
            {(!o.licences.is_empty()).then(|| {
                let select_id = format!("licence-{code}");
                view! {
                    <form method="post" action=ProvideMaterial::PATH class="mt-2">
                        {hidden("licence")}
                        <fieldset>
                            <legend class="field-label">{t_string!(i18n, provision.licence_title).to_string()}</legend>
                            <label for=select_id.clone() class="field-hint">{t_string!(i18n, provision.licence_choose).to_string()}</label>
                            <select id=select_id name="licence" class="field-input">
                                {o.licences.iter().map(|number| {
                                    let name = v.held.iter().find(|l| &l.number == number).map(|l| l.name.get(lang).to_owned()).unwrap_or_default();
                                    view! { <option value=number.clone()>{fill_template(&t_string!(i18n, provision.licence_option).to_string(), &[("name", name), ("number", number.clone())])}</option> }
                                }).collect_view()}
                            </select>
                        </fieldset>
                        <button type="submit" class="btn-secondary mt-2">{t_string!(i18n, provision.licence_button).to_string()}</button>
                    </form>
                }
            })}
            {(o.licence_possible && !v.signed_in).then(|| view! {
                <p class="mt-2 text-sm">{t_string!(i18n, provision.licence_sign_in).to_string()}" "<a class="link" href="/me">{t_string!(i18n, account.sign_in).to_string()}</a></p>
            })}
            {o.commit.then(|| {
                let agree_id = format!("commit-{code}");
                view! {
                    <form method="post" action=ProvideMaterial::PATH class="mt-3">
                        {hidden("committed")}
                        <fieldset>
                            <legend class="field-label">{t_string!(i18n, provision.commit_title).to_string()}</legend>
                            <blockquote class="my-2 whitespace-pre-line border-l-4 border-slate-400 pl-3" data-testid=format!("commitment-{code}")>
                                {m.commitment.as_ref().map(|c| c.get(lang).to_owned())}
                            </blockquote>
                            <div class="flex items-start gap-2">
                                <input id=agree_id.clone() type="checkbox" name="agree" value="yes" required class="mt-1"/>
                                <label for=agree_id>{t_string!(i18n, provision.commit_agree).to_string()}</label>
                            </div>
                        </fieldset>
                        <button type="submit" class="btn-secondary mt-2">{t_string!(i18n, provision.commit_button).to_string()}</button>
                    </form>
                }
            })}
            {o.commit_barred.then(|| view! { <p class="mt-2 text-sm" data-testid=format!("commit-barred-{code}")>{t_string!(i18n, provision.commit_barred).to_string()}</p> })}
            {o.defer.then(|| {
                let agree_id = format!("defer-{code}");
                let due = v.deferral_due.clone();
                view! {
                    <form method="post" action=ProvideMaterial::PATH class="mt-3">
                        {hidden("deferred")}
                        <fieldset>
                            <legend class="field-label">{t_string!(i18n, provision.defer_title).to_string()}</legend>
                            <p class="my-1">{fill_template(&t_string!(i18n, provision.defer_text).to_string(), &[("due", due.clone())])}</p>
                            {o.defer_by_red_list.then(|| view! { <p class="my-1 text-sm">{t_string!(i18n, provision.defer_red).to_string()}</p> })}
                            <div class="flex items-start gap-2">
                                <input id=agree_id.clone() type="checkbox" name="agree" value="yes" required class="mt-1"/>
                                <label for=agree_id>{fill_template(&t_string!(i18n, provision.defer_agree).to_string(), &[("due", due)])}</label>
                            </div>
                        </fieldset>
                        <button type="submit" class="btn-secondary mt-2">{t_string!(i18n, provision.defer_button).to_string()}</button>
                    </form>
                }
            })}
        </div>
    })
}
