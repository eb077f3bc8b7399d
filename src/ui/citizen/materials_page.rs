//! `/apply/{draft}/materials`: step 2. One small multipart form per material, so
//! each upload stands alone and works without JavaScript.

use crate::api::applications::{MaterialsView, load_materials};
use crate::domain::material::{UploadError, human_size};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::I18n;
use crate::ui::citizen::answers_page::step_heading;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::components::material_upload::{MaterialUpload, UploadModel, message_codes};
use crate::ui::{lang, load_page};
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
}

impl UploadOutcome {
    pub fn from_query(q: &leptos_router::params::ParamsMap) -> Self {
        UploadOutcome { error: q.get("error"), material: q.get("material"), uploaded: q.get("uploaded") }
    }
}

#[component]
pub fn MaterialsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
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
        None => t_string!(i18n, upload.failed).to_string(),
    }
}

fn materials_view((v, outcome): (MaterialsView, UploadOutcome)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let name = v.item.name.get(lang).to_owned();
    let problems: Vec<(String, String)> = match (&outcome.error, &outcome.material) {
        (Some(code), Some(material)) => {
            let material_name = v.item.material(material).map(|m| m.name.get(lang).to_owned()).unwrap_or_default();
            vec![(format!("#file-{material}"), format!("{material_name}: {}", upload_error_message(i18n, code, v.max_bytes)))]
        }
        _ => vec![],
    };
    let saved = outcome.uploaded.is_some() && problems.is_empty();
    let draft = v.draft_id.clone();
    view! {
        <Title text=format!("{} - {name}", t_string!(i18n, materials.title))/>
        {step_heading(i18n, 2, t_string!(i18n, apply.step_materials).to_string())}
        <h1 class="page-title">{t_string!(i18n, materials.title).to_string()}</h1>
        <p class="mb-2 text-lg">{name}</p>
        <ErrorSummary title=t_string!(i18n, upload.error_title).to_string() problems=problems/>
        {saved.then(|| view! { <p class="success" role="status">{t_string!(i18n, materials.saved).to_string()}</p> })}
        <p class="mb-4">{fill_template(&t_string!(i18n, materials.intro).to_string(), &[("max", human_size(v.max_bytes))])}</p>
        <ul class="space-y-4">
            {v.item.materials.iter().map(|m| {
                let uploaded = v.uploaded.iter().find(|u| u.material_code == m.code).cloned();
                let input_id = format!("file-{}", m.code);
                let marker = if m.required { t_string!(i18n, apply.required).to_string() } else { t_string!(i18n, apply.optional).to_string() };
                view! {
                    <li id=format!("material-{}", m.code) class="card">
                        <h2 class="text-lg font-semibold">{m.name.get(lang).to_owned()}" "<span class="font-normal text-slate-700">{marker}</span></h2>
                        {m.note.as_ref().map(|n| view! { <p class="text-sm text-slate-700">{n.get(lang).to_owned()}</p> })}
                        <p class="my-2" data-testid=format!("status-{}", m.code)>{match &uploaded {
                            Some(u) => fill_template(&t_string!(i18n, materials.uploaded).to_string(), &[("name", u.file_name.clone()), ("size", human_size(u.size_bytes as u64))]),
                            None => t_string!(i18n, materials.not_uploaded).to_string(),
                        }}</p>
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
