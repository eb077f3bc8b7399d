//! 一件事一次办: a bundle's guide, its combined form, its documents asked once, the
//! check step, submission under one tracking number, and one view of every part's
//! progress. Each part becomes an ordinary case in its own department, through the
//! same filing as a single application (`applications::ssr::file_case`): at once, or
//! the moment the licence it waits for is issued.

use super::ApiError;
use crate::domain::bundle::{BundleProgress, PartState};
use crate::domain::form::{FieldErrors, FormDefinition, RawAnswers};
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One part of a bundle as the pages name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartSummary {
    pub service: String,
    pub name: Text,
    pub department: Text,
    pub promised_days: u32,
    /// The part whose licence it waits for, by name.
    pub after: Option<Text>,
    /// What that licence fills in, by question label.
    pub from_licence: Vec<Text>,
}

/// The bundles, for the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleListing {
    pub code: String,
    pub name: Text,
    pub summary: Text,
    pub parts: Vec<Text>,
}

/// A bundle's guide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleGuideView {
    pub code: String,
    pub name: Text,
    pub summary: Text,
    pub parts: Vec<PartSummary>,
    /// The documents asked, each once, with the parts they serve.
    pub materials: Vec<MaterialRow>,
    /// Questions the combined form asks, against the parts' forms asked one by one.
    pub questions: usize,
    pub questions_separately: usize,
    /// Documents asked once, against the parts' lists one by one.
    pub materials_separately: usize,
}

/// One document of the bundle's materials step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaterialRow {
    /// The first part asking it and the material's code: the upload's address.
    pub service: String,
    pub code: String,
    pub name: Text,
    pub note: Option<Text>,
    pub required: bool,
    /// The parts it serves, by name.
    pub for_parts: Vec<Text>,
    /// The file kept (name, bytes), once uploaded.
    pub uploaded: Option<(String, i64)>,
}

/// The combined form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleFormView {
    pub code: String,
    pub name: Text,
    pub form: FormDefinition,
    pub draft_id: Option<String>,
    pub answers: RawAnswers,
    pub errors: FieldErrors,
    pub today: String,
}

/// The materials step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleMaterialsView {
    pub code: String,
    pub name: Text,
    pub draft_id: String,
    pub rows: Vec<MaterialRow>,
    /// (document, part, awaited part): documents the awaited part's licence provides.
    pub from_licence: Vec<(Text, Text, Text)>,
    pub max_bytes: u64,
}

/// The check step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleCheckView {
    pub code: String,
    pub name: Text,
    pub draft_id: String,
    pub form: FormDefinition,
    pub answers: RawAnswers,
    pub errors: FieldErrors,
    pub rows: Vec<MaterialRow>,
    pub parts: Vec<PartSummary>,
}

/// One part on the bundle's progress view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartProgress {
    pub part: PartSummary,
    pub state: PartState,
    /// The part's own case, once filed.
    pub tracking_number: Option<String>,
}

/// The bundle's receipt and progress view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleReceiptView {
    pub tracking_number: String,
    pub name: Text,
    pub submitted_at: String,
    pub applicant_name: String,
    pub applicant_phone_masked: String,
    pub parts: Vec<PartProgress>,
    pub progress: BundleProgress,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::api::ssr::{applicant_owner, current_citizen, internal};
    use crate::domain::bundle::Bundle;
    use crate::domain::catalog::ServiceItem;
    use crate::server::AppState;
    use crate::server::store::{BundleDraft, BundleRecord, Draft, Store};

    pub fn bundle(st: &AppState, code: &str) -> Result<Bundle, ApiError> {
        st.bundles.iter().find(|b| b.code == code).cloned().ok_or(ApiError::NotFound)
    }

    /// The items of the bundle's parts, in part order.
    pub async fn part_items(store: &Store, bundle: &Bundle) -> Result<Vec<ServiceItem>, ApiError> {
        let mut items = Vec::with_capacity(bundle.parts.len());
        for part in &bundle.parts {
            items.push((*crate::api::applications::ssr::item(store, &part.service).await?).clone());
        }
        Ok(items)
    }

    pub async fn summaries(store: &Store, bundle: &Bundle, items: &[ServiceItem]) -> Result<Vec<PartSummary>, ApiError> {
        let departments = store.departments().await.map_err(|e| internal("loading departments", e))?;
        let name_of = |code: &str| items.iter().find(|i| i.code == code).map(|i| i.name.clone()).unwrap_or_default();
        Ok(bundle
            .parts
            .iter()
            .zip(items)
            .map(|(part, item)| PartSummary {
                service: item.code.clone(),
                name: item.name.clone(),
                department: departments.iter().find(|d| d.code == item.department).map(|d| d.name.clone()).unwrap_or_default(),
                promised_days: item.guide.promised_days,
                after: part.after.as_deref().map(name_of),
                from_licence: part.from_licence.keys().filter_map(|f| item.form.fields.iter().find(|q| &q.name == f)).map(|q| q.label.clone()).collect(),
            })
            .collect())
    }

    /// The documents asked, with what each part's draft holds.
    pub async fn material_rows(store: &Store, bundle: &Bundle, items: &[ServiceItem], draft: Option<&BundleDraft>) -> Result<Vec<MaterialRow>, ApiError> {
        let mut kept: Vec<(String, String, (String, i64))> = Vec::new();
        if let Some(d) = draft {
            for (service, draft_id) in &d.parts {
                for m in store.materials_of_draft(draft_id).await.map_err(|e| internal("listing materials", e))? {
                    kept.push((service.clone(), m.material_code, (m.file_name, m.size_bytes)));
                }
            }
        }
        let name_of = |code: &str| items.iter().find(|i| i.code == code).map(|i| i.name.clone()).unwrap_or_default();
        Ok(bundle
            .asked_materials(items)
            .into_iter()
            .map(|a| {
                // Uploaded once it is on every part it serves.
                let files: Vec<&(String, i64)> = a.parts.iter().filter_map(|p| kept.iter().find(|(s, c, _)| s == p && c == &a.material.code).map(|(_, _, f)| f)).collect();
                MaterialRow {
                    uploaded: (files.len() == a.parts.len()).then(|| files.first().map(|f| (*f).clone())).flatten(),
                    for_parts: a.parts.iter().map(|p| name_of(p)).collect(),
                    service: a.service,
                    code: a.material.code,
                    name: a.material.name,
                    note: a.material.note,
                    required: a.material.required,
                }
            })
            .collect())
    }

    /// The bundle draft `id` if this browser or the signed-in citizen owns it;
    /// anything else looks like "not found".
    pub async fn owned_bundle_draft(store: &Store, id: &str) -> Result<BundleDraft, ApiError> {
        let Some(d) = store.bundle_draft(id).await.map_err(|e| internal("loading bundle draft", e))? else { return Err(ApiError::NotFound) };
        if crate::api::applications::ssr::is_this_applicants(&d.owner_hash, d.citizen_id).await? { Ok(d) } else { Err(ApiError::NotFound) }
    }

    /// If the bundle draft was submitted, its receipt is where the applicant belongs.
    pub async fn redirect_if_submitted(store: &Store, id: &str) -> Result<bool, ApiError> {
        if let Some(b) = store.bundle_by_draft(id).await.map_err(|e| internal("checking bundle", e))? {
            leptos_axum::redirect(&format!("/bundle-receipt/{}", b.tracking_number.as_str()));
            return Ok(true);
        }
        Ok(false)
    }

    /// Keeps the combined answers (valid or not) and each part's share of them, in
    /// one transaction; creates the drafts on the first save. None once submitted.
    pub async fn keep_answers(st: &AppState, bundle: &Bundle, items: &[ServiceItem], draft: Option<String>, answers: RawAnswers) -> Result<Option<BundleDraft>, ApiError> {
        use crate::server::clock;
        let owner = applicant_owner(true).ok_or(ApiError::Forbidden)?;
        let citizen = current_citizen().await?;
        let form = bundle.combined_form(items);
        let answers: RawAnswers = crate::domain::form::all_slots(&form)
            .iter()
            .map(|slot| slot.key())
            .filter_map(|key| answers.get(&key).map(|v| (key, v.chars().take(4 * crate::domain::form::LONG_TEXT_MAX_LENGTH as usize).collect())))
            .collect();
        let existing = match draft.filter(|d| !d.is_empty()) {
            Some(id) => Some(owned_bundle_draft(&st.store, &id).await?),
            None => None,
        };
        if let Some(d) = &existing {
            if d.bundle_code != bundle.code {
                return Err(ApiError::NotFound);
            }
            if redirect_if_submitted(&st.store, &d.id).await? {
                return Ok(None);
            }
        }
        let mut merged = existing.as_ref().map(|d| d.answers.clone()).unwrap_or_default();
        merged.extend(answers);
        let now = clock::now_ms();
        let created_at = existing.as_ref().map_or(now, |d| d.created_at);
        let citizen_id = existing.as_ref().and_then(|d| d.citizen_id).or(citizen.map(|c| c.id));
        let id = existing.as_ref().map(|d| d.id.clone()).unwrap_or_else(clock::random_token);
        let parts: Vec<Draft> = items
            .iter()
            .map(|item| Draft {
                id: existing.as_ref().and_then(|d| d.parts.iter().find(|(s, _)| s == &item.code)).map(|(_, id)| id.clone()).unwrap_or_else(clock::random_token),
                owner_hash: existing.as_ref().map_or_else(|| owner.clone(), |d| d.owner_hash.clone()),
                service_code: item.code.clone(),
                answers: bundle.part_answers(item, &merged),
                created_at,
                updated_at: now,
                citizen_id,
            })
            .collect();
        let draft = BundleDraft {
            id,
            bundle_code: bundle.code.clone(),
            owner_hash: existing.as_ref().map_or(owner, |d| d.owner_hash.clone()),
            citizen_id,
            answers: merged,
            created_at,
            updated_at: now,
            parts: parts.iter().map(|d| (d.service_code.clone(), d.id.clone())).collect(),
        };
        st.store.save_bundle_draft(&draft, &parts).await.map_err(|e| internal("saving bundle draft", e))?;
        Ok(Some(draft))
    }

    /// Files every part of a submitted bundle that can be filed now and is not yet:
    /// the first parts at once, a waiting part the moment the licence it waits for is
    /// issued (its answers and documents then taken from that licence). Run by the
    /// submission and again by the sweep, so a crash between parts, or a licence
    /// issued later, files the rest; filing is idempotent per part.
    pub async fn file_ready_parts(st: &AppState, record: &BundleRecord) -> Result<(), ApiError> {
        use crate::api::applications::ssr::{Filing, credit_listing, file_case, today};
        use crate::domain::case::CaseStatus;
        use crate::domain::provision::{Provision, ProvisionKind};
        let bundle = bundle(st, &record.bundle_code)?;
        let draft = st.store.bundle_draft(&record.bundle_draft_id).await.map_err(|e| internal("loading bundle draft", e))?.ok_or(ApiError::NotFound)?;
        let draft_of = |service: &str| draft.parts.iter().find(|(s, _)| s == service).map(|(_, id)| id.clone());
        let mut open = 0;
        for part in &bundle.parts {
            let Some(draft_id) = draft_of(&part.service) else { continue };
            if st.store.case_by_draft(&draft_id).await.map_err(|e| internal("checking part", e))?.is_some() {
                continue;
            }
            let mut d = st.store.draft(&draft_id).await.map_err(|e| internal("loading part draft", e))?.ok_or(ApiError::NotFound)?;
            let item = crate::api::applications::ssr::item(&st.store, &part.service).await?;
            if let Some(after) = &part.after {
                let awaited = match draft_of(after) {
                    Some(id) => st.store.case_by_draft(&id).await.map_err(|e| internal("checking awaited part", e))?,
                    None => None,
                };
                match awaited {
                    Some(case) if case.status == CaseStatus::Issued => {
                        let Some(licence) = st.store.licence_of_case(case.id).await.map_err(|e| internal("loading licence", e))? else {
                            tracing::error!(bundle = %record.tracking_number, part = %part.service, "the awaited part was issued without a licence");
                            continue;
                        };
                        let issued = crate::domain::bundle::IssuedLicence {
                            number: licence.number.clone(),
                            holder: licence.holder.clone(),
                            issued_on: licence.issued_on,
                            credit_code: licence.credit_code.clone(),
                        };
                        d.answers.extend(Bundle::licence_answers(part, &issued));
                        st.store.save_draft(&d).await.map_err(|e| internal("filling part from licence", e))?;
                        for code in &part.licence_materials {
                            let provision = Provision { material_code: code.clone(), kind: ProvisionKind::Licence, licence_number: Some(licence.number.clone()), commitment: None, due_on: None, arrived: false };
                            st.store.set_provision(&d.id, &provision, crate::server::clock::now_ms()).await.map_err(|e| internal("providing from licence", e))?;
                        }
                    }
                    // Ended without a licence: this part will never be filed.
                    Some(case) if case.status.is_final() => continue,
                    _ => {
                        open += 1;
                        continue;
                    }
                }
            }
            let answers = match crate::domain::form::validate_answers(&item.form, &d.answers, today()) {
                Ok(a) => a,
                Err(e) => {
                    // The catalog check makes this unreachable for a bundle that passed
                    // start-up; kept loud, and the part stays open for a fix.
                    tracing::error!(bundle = %record.tracking_number, part = %part.service, problems = e.0.len(), "a bundle part's answers fail its item's form");
                    open += 1;
                    continue;
                }
            };
            let provided = st.store.provisions_of_draft(&d.id).await.map_err(|e| internal("loading provisions", e))?;
            let credit = credit_listing(&st.store, &item, &answers).await?;
            let case = file_case(st, Filing {
                draft: &d,
                item: &item,
                answers: &answers,
                provided,
                delivery: &crate::domain::delivery::Delivery::Online,
                citizen_id: record.citizen_id,
                proxy: None,
                credit: credit.as_ref(),
                locale: &record.locale,
            })
            .await?;
            tracing::info!(bundle = %record.tracking_number, tracking = %case.tracking_number, part = %part.service, "bundle part filed");
        }
        if open == 0 {
            st.store.mark_bundle_filed(record.id).await.map_err(|e| internal("marking bundle filed", e))?;
        }
        Ok(())
    }

    /// The sweep's share: files what became ready in open bundles. Returns how many
    /// bundles it looked at.
    pub async fn file_waiting_parts(st: &AppState) -> Result<usize, String> {
        let open = st.store.bundles_to_file(100).await.map_err(|e| e.to_string())?;
        for record in &open {
            if let Err(e) = file_ready_parts(st, record).await {
                tracing::error!(bundle = %record.tracking_number, "filing bundle parts: {e}");
            }
        }
        Ok(open.len())
    }

    /// The bundle's progress view: every part, its state and number. Shown to the
    /// browser or account that sent it, and on the lookup to whoever has the number
    /// and the applicant's phone digits.
    pub async fn receipt_view(st: &AppState, record: &BundleRecord) -> Result<BundleReceiptView, ApiError> {
        use crate::domain::ids::MobilePhone;
        let b = bundle(st, &record.bundle_code)?;
        let items = part_items(&st.store, &b).await?;
        let summaries = summaries(&st.store, &b, &items).await?;
        let states = part_states(st, &b, record).await?;
        let progress = crate::domain::bundle::progress(&states.iter().map(|(s, _)| *s).collect::<Vec<_>>());
        Ok(BundleReceiptView {
            tracking_number: record.tracking_number.to_string(),
            name: b.name,
            submitted_at: crate::domain::calendar::format_china_datetime(record.submitted_at),
            applicant_name: record.applicant_name.clone(),
            applicant_phone_masked: MobilePhone::parse(&record.applicant_phone).map(|p| p.masked()).unwrap_or_default(),
            parts: summaries.into_iter().zip(states).map(|(part, (state, tracking_number))| PartProgress { part, state, tracking_number }).collect(),
            progress,
        })
    }

    /// Each part and where it stands.
    pub async fn part_states(st: &AppState, bundle: &Bundle, record: &BundleRecord) -> Result<Vec<(PartState, Option<String>)>, ApiError> {
        let draft = st.store.bundle_draft(&record.bundle_draft_id).await.map_err(|e| internal("loading bundle draft", e))?.ok_or(ApiError::NotFound)?;
        let mut cases = Vec::new();
        for part in &bundle.parts {
            let case = match draft.parts.iter().find(|(s, _)| s == &part.service) {
                Some((_, id)) => st.store.case_by_draft(id).await.map_err(|e| internal("loading part", e))?,
                None => None,
            };
            cases.push((part, case));
        }
        Ok(cases
            .iter()
            .map(|(part, case)| match case {
                Some(c) => (PartState::Filed(c.status), Some(c.tracking_number.to_string())),
                None => {
                    let awaited = part.after.as_ref().and_then(|a| cases.iter().find(|(p, _)| &p.service == a)).and_then(|(_, c)| c.as_ref());
                    match awaited {
                        Some(c) if c.status.is_final() && c.status != crate::domain::case::CaseStatus::Issued => (PartState::Cancelled, None),
                        _ => (PartState::Waiting, None),
                    }
                }
            })
            .collect())
    }
}

#[server(endpoint = "bundles/list")]
pub async fn load_bundles() -> Result<Vec<BundleListing>, ApiError> {
    let st = crate::api::ssr::state();
    let mut listings = Vec::new();
    for b in st.bundles.iter() {
        let items = ssr::part_items(&st.store, b).await?;
        listings.push(BundleListing { code: b.code.clone(), name: b.name.clone(), summary: b.summary.clone(), parts: items.iter().map(|i| i.name.clone()).collect() });
    }
    Ok(listings)
}

#[server(endpoint = "bundles/guide")]
pub async fn load_bundle_guide(code: String) -> Result<BundleGuideView, ApiError> {
    let st = crate::api::ssr::state();
    let b = ssr::bundle(&st, &code)?;
    let items = ssr::part_items(&st.store, &b).await?;
    let parts = ssr::summaries(&st.store, &b, &items).await?;
    let materials = ssr::material_rows(&st.store, &b, &items, None).await?;
    let questions = b.combined_form(&items).fields.len();
    let questions_separately = items.iter().map(|i| i.form.fields.len()).sum();
    let materials_separately = items.iter().map(|i| i.materials.len()).sum();
    Ok(BundleGuideView { code: b.code, name: b.name, summary: b.summary, parts, materials, questions, questions_separately, materials_separately })
}

#[server(endpoint = "bundles/form")]
pub async fn load_bundle_form(code: String, draft: Option<String>) -> Result<BundleFormView, ApiError> {
    let st = crate::api::ssr::state();
    let b = ssr::bundle(&st, &code)?;
    let items = ssr::part_items(&st.store, &b).await?;
    let form = b.combined_form(&items);
    let today = crate::server::clock::today();
    let (draft_id, answers, errors) = match draft.filter(|d| !d.is_empty()) {
        None => (None, RawAnswers::new(), FieldErrors::default()),
        Some(id) => {
            let d = ssr::owned_bundle_draft(&st.store, &id).await?;
            if d.bundle_code != b.code {
                return Err(ApiError::NotFound);
            }
            ssr::redirect_if_submitted(&st.store, &d.id).await?;
            let errors = crate::domain::form::validate_answers(&form, &d.answers, today).err().unwrap_or_default();
            (Some(d.id), d.answers, errors)
        }
    };
    Ok(BundleFormView { code: b.code, name: b.name, form, draft_id, answers, errors, today: today.to_string() })
}

/// Saves the combined answers (always, valid or not) and sends the applicant on:
/// back to the form with its problems, or to the documents. `add_entry` and
/// `remove_entry` are a repeating group's buttons pressed without JavaScript.
/// `service` is the bundle's code (the form island's field for the item's).
#[server(endpoint = "bundles/answers")]
pub async fn save_bundle_answers(service: String, draft: Option<String>, answers: RawAnswers, add_entry: Option<String>, remove_entry: Option<String>) -> Result<(), ApiError> {
    let st = crate::api::ssr::state();
    let b = ssr::bundle(&st, &service)?;
    let items = ssr::part_items(&st.store, &b).await?;
    let form = b.combined_form(&items);
    let mut answers = answers;
    let landing = if let Some(group) = add_entry.as_deref() {
        let n = crate::domain::form::add_entry(&form, &mut answers, group);
        let first = form.fields.iter().find(|f| f.name == group).and_then(|g| g.fields.first());
        Some(match (n, first) {
            (Some(n), Some(first)) => crate::domain::form::entry_key(group, n, &first.name),
            _ => group.to_owned(),
        })
    } else if let Some((group, n)) = remove_entry.as_deref().and_then(|r| r.rsplit_once('.')) {
        crate::domain::form::remove_entry(&form, &mut answers, group, n.parse().unwrap_or(0));
        Some(group.to_owned())
    } else {
        None
    };
    let Some(d) = ssr::keep_answers(&st, &b, &items, draft, answers).await? else { return Ok(()) };
    if let Some(key) = landing {
        leptos_axum::redirect(&format!("/bundles/{}/apply?draft={}&entry=1#field-{}", b.code, d.id, crate::ui::encode_query(&key)));
        return Ok(());
    }
    match crate::domain::form::validate_answers(&form, &d.answers, crate::server::clock::today()) {
        Ok(_) => leptos_axum::redirect(&format!("/bundle-apply/{}/materials", d.id)),
        Err(_) => leptos_axum::redirect(&format!("/bundles/{}/apply?draft={}#error-summary", b.code, d.id)),
    }
    Ok(())
}

#[server(endpoint = "bundles/materials")]
pub async fn load_bundle_materials(draft: String) -> Result<BundleMaterialsView, ApiError> {
    let st = crate::api::ssr::state();
    let d = ssr::owned_bundle_draft(&st.store, &draft).await?;
    ssr::redirect_if_submitted(&st.store, &d.id).await?;
    let b = ssr::bundle(&st, &d.bundle_code)?;
    let items = ssr::part_items(&st.store, &b).await?;
    let rows = ssr::material_rows(&st.store, &b, &items, Some(&d)).await?;
    let name_of = |code: &str| items.iter().find(|i| i.code == code).map(|i| i.name.clone()).unwrap_or_default();
    let from_licence = b
        .parts
        .iter()
        .zip(&items)
        .flat_map(|(part, item)| {
            let after = part.after.as_deref().map(name_of).unwrap_or_default();
            part.licence_materials.iter().filter_map(move |code| item.material(code).map(|m| (m.name.clone(), item.name.clone(), after.clone())))
        })
        .collect();
    Ok(BundleMaterialsView { code: b.code, name: b.name, draft_id: d.id, rows, from_licence, max_bytes: st.settings.upload_max_bytes })
}

#[server(endpoint = "bundles/check")]
pub async fn load_bundle_check(draft: String) -> Result<BundleCheckView, ApiError> {
    let st = crate::api::ssr::state();
    let d = ssr::owned_bundle_draft(&st.store, &draft).await?;
    ssr::redirect_if_submitted(&st.store, &d.id).await?;
    let b = ssr::bundle(&st, &d.bundle_code)?;
    let items = ssr::part_items(&st.store, &b).await?;
    let form = b.combined_form(&items);
    let errors = crate::domain::form::validate_answers(&form, &d.answers, crate::server::clock::today()).err().unwrap_or_default();
    let rows = ssr::material_rows(&st.store, &b, &items, Some(&d)).await?;
    let parts = ssr::summaries(&st.store, &b, &items).await?;
    Ok(BundleCheckView { code: b.code, name: b.name, draft_id: d.id, form, answers: d.answers, errors, rows, parts })
}

/// Submits the bundle: one tracking number for it, and every part that need not wait
/// filed at once in its own department. Idempotent (the bundle draft is the key).
#[server(endpoint = "bundles/submit")]
pub async fn submit_bundle(draft: String) -> Result<(), ApiError> {
    use crate::api::ssr::{internal, locale_code};
    use crate::domain::form::{APPLICANT_NAME, APPLICANT_PHONE};
    let st = crate::api::ssr::state();
    let d = ssr::owned_bundle_draft(&st.store, &draft).await?;
    let b = ssr::bundle(&st, &d.bundle_code)?;
    let record = match st.store.bundle_by_draft(&d.id).await.map_err(|e| internal("checking bundle", e))? {
        Some(r) => r,
        None => {
            let items = ssr::part_items(&st.store, &b).await?;
            let form = b.combined_form(&items);
            let rows = ssr::material_rows(&st.store, &b, &items, Some(&d)).await?;
            let Ok(answers) = crate::domain::form::validate_answers(&form, &d.answers, crate::server::clock::today()) else {
                leptos_axum::redirect(&format!("/bundle-apply/{}/check", d.id));
                return Ok(());
            };
            if rows.iter().any(|r| r.required && r.uploaded.is_none()) {
                leptos_axum::redirect(&format!("/bundle-apply/{}/check", d.id));
                return Ok(());
            }
            let (Some(name), Some(phone)) = (answers.get(APPLICANT_NAME), answers.get(APPLICANT_PHONE)) else {
                return Err(internal("submitting bundle", format!("{} lacks applicant fields", b.code)));
            };
            st.store
                .submit_bundle(&crate::server::store::NewBundle {
                    draft: &d,
                    region: &st.settings.region_code,
                    applicant_name: name,
                    applicant_phone: phone,
                    locale: locale_code(),
                    at: crate::server::clock::now_ms(),
                })
                .await
                .map_err(|e| internal("submitting bundle", e))?
        }
    };
    tracing::info!(bundle = %record.tracking_number, code = %b.code, "bundle submitted");
    ssr::file_ready_parts(&st, &record).await?;
    leptos_axum::redirect(&format!("/bundle-receipt/{}", record.tracking_number.as_str()));
    Ok(())
}

#[server(endpoint = "bundles/receipt")]
pub async fn load_bundle_receipt(tracking: String) -> Result<BundleReceiptView, ApiError> {
    use crate::api::ssr::internal;
    use crate::domain::ids::TrackingNumber;
    let st = crate::api::ssr::state();
    let number = TrackingNumber::parse(&tracking).map_err(|_| ApiError::NotFound)?;
    let record = st.store.bundle_by_tracking(&number).await.map_err(|e| internal("loading bundle", e))?.ok_or(ApiError::NotFound)?;
    // Someone else's bundle answers exactly like no bundle.
    if !crate::api::applications::ssr::is_this_applicants(&record.owner_hash, record.citizen_id).await? {
        return Err(ApiError::NotFound);
    }
    ssr::receipt_view(&st, &record).await
}
