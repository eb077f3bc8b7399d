//! Applying online: answers (validated by the same domain functions the browser
//! runs), materials, the check-your-answers step, submission and the receipt.
//! A draft is kept on the server from the first "continue", so nothing typed is
//! lost to a failed validation, a closed tab or a dropped connection.

use super::ApiError;
use crate::domain::catalog::ServiceItem;
use crate::domain::form::{FieldErrors, RawAnswers};
use crate::domain::provision::{HeldLicence, Provision, ProvisionOptions};
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The answers step of an application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub item: ServiceItem,
    pub draft_id: Option<String>,
    pub answers: RawAnswers,
    /// Problems of a saved draft's answers; empty for a fresh form.
    pub errors: FieldErrors,
    /// Today in China, `YYYY-MM-DD`: the browser validates dates against the
    /// server's day, not the device clock.
    pub today: String,
    /// A citizen is signed in: the form keeps the answers in their account.
    pub signed_in: bool,
    /// Filed by a proxy agent for the resident with this number (masked).
    pub filed_for: Option<String>,
}

/// A file attached to a draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedMaterial {
    pub material_code: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub media_type: String,
}

/// The materials step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaterialsView {
    pub item: ServiceItem,
    pub draft_id: String,
    pub uploaded: Vec<UploadedMaterial>,
    pub max_bytes: u64,
    /// Materials provided without an upload.
    pub provided: Vec<Provision>,
    /// By material code, the ways besides an upload this applicant may use.
    pub options: Vec<(String, ProvisionOptions)>,
    /// The applicant's licences (signed in), for their names.
    pub held: Vec<HeldLicence>,
    /// The day a material deferred now would be due, if submitted today.
    pub deferral_due: String,
    pub signed_in: bool,
}

/// The check-your-answers step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    pub item: ServiceItem,
    pub draft_id: String,
    pub answers: RawAnswers,
    pub errors: FieldErrors,
    pub uploaded: Vec<UploadedMaterial>,
    /// Required materials neither uploaded nor provided otherwise, by code.
    pub missing: Vec<String>,
    pub provided: Vec<Provision>,
    /// Sites where the result can be collected.
    pub issuing_sites: Vec<(String, Text)>,
}

/// The receipt after submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReceiptView {
    pub tracking_number: String,
    pub service_name: Text,
    pub submitted_at: String,
    pub applicant_name: String,
    pub applicant_phone_masked: String,
    pub promised_days: u32,
    pub materials: Vec<(Text, String)>,
    /// Materials provided without an upload, with their names.
    pub provided: Vec<(Text, Provision)>,
    /// `/track?number=…`: the lookup, number filled in. The QR code holds it as a full URL.
    pub lookup_path: String,
    pub qr_svg: String,
    pub fee: crate::domain::fee::CaseFee,
    /// The basis of a waived fee (政府免单).
    pub waiver: Option<Text>,
    pub status: crate::domain::case::CaseStatus,
    /// Where to see the result: the lookup, opened from the account when the case is in one.
    pub result_path: String,
    /// Instant approval (秒批): `Ok` when the system approved and issued it at once,
    /// `Err(reasons)` when it fell back to people; None when the item has none.
    pub instant: Option<Result<(), String>>,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::api::ssr::{applicant_owner, current_citizen, internal};
    use crate::server::store::{Draft, Store};

    /// The draft `id` if this browser owns it, or it belongs to the signed-in
    /// citizen's account (started on another device); anything else looks like
    /// "not found", so a guessed id reveals nothing.
    pub async fn owned_draft(store: &Store, id: &str) -> Result<Draft, ApiError> {
        let Some(d) = store.draft(id).await.map_err(|e| internal("loading draft", e))? else { return Err(ApiError::NotFound) };
        if is_this_applicants(&d.owner_hash, d.citizen_id).await? { Ok(d) } else { Err(ApiError::NotFound) }
    }

    /// Whether what this browser started (`owner_hash`) or what is in the signed-in
    /// citizen's account (`citizen_id`) is being asked for by its applicant.
    pub async fn is_this_applicants(owner_hash: &str, citizen_id: Option<i64>) -> Result<bool, ApiError> {
        if applicant_owner(false).as_deref() == Some(owner_hash) {
            return Ok(true);
        }
        Ok(citizen_id.is_some() && citizen_id == current_citizen().await?.map(|c| c.id))
    }

    pub async fn item(store: &Store, code: &str) -> Result<std::sync::Arc<ServiceItem>, ApiError> {
        store.service_item(code).await.map_err(|e| internal("loading service", e))?.ok_or(ApiError::NotFound)
    }

    pub async fn uploaded(store: &Store, draft_id: &str) -> Result<Vec<UploadedMaterial>, ApiError> {
        Ok(store
            .materials_of_draft(draft_id)
            .await
            .map_err(|e| internal("listing materials", e))?
            .into_iter()
            .map(|m| UploadedMaterial {
                material_code: m.material_code,
                file_name: m.file_name,
                size_bytes: m.size_bytes,
                media_type: m.media_type.code().to_owned(),
            })
            .collect())
    }

    /// If the draft has already become a case, the receipt is where the applicant belongs.
    pub async fn redirect_if_submitted(store: &Store, draft_id: &str) -> Result<bool, ApiError> {
        if let Some(case) = store.case_by_draft(draft_id).await.map_err(|e| internal("checking draft", e))? {
            leptos_axum::redirect(&format!("/receipt/{}", case.tracking_number.as_str()));
            return Ok(true);
        }
        Ok(false)
    }

    pub use crate::server::clock::today;

    /// What decides how this draft's applicant may provide materials: the credit
    /// list its answers' ID numbers and credit codes are on, and the signed-in
    /// citizen's licences with their standing today.
    pub async fn provision_context(store: &Store, item: &ServiceItem, answers: &std::collections::BTreeMap<String, String>) -> Result<(Option<crate::domain::credit::CreditList>, Vec<HeldLicence>), ApiError> {
        use crate::domain::credit::{standing, subjects_of};
        let listed = store.credit_entries_for(&subjects_of(&item.form, answers)).await.map_err(|e| internal("checking credit lists", e))?;
        Ok((standing(&listed).map(|e| e.list), held_licences(store).await?))
    }

    /// The signed-in citizen's licences with their standing today; none signed out.
    pub async fn held_licences(store: &Store) -> Result<Vec<HeldLicence>, ApiError> {
        Ok(match current_citizen().await? {
            Some(c) => store
                .licences_of_citizen(c.id)
                .await
                .map_err(|e| internal("loading licences", e))?
                .into_iter()
                .map(|l| HeldLicence {
                    standing: crate::domain::licence::standing(l.status, l.valid_until, today()),
                    number: l.number,
                    service_code: l.service_code,
                    name: l.name,
                })
                .collect(),
            None => Vec::new(),
        })
    }

    /// Why a case was not approved instantly, in the applicant's language, for its record.
    pub fn fallback_text(locale_code: &str, item: &ServiceItem, why: &[crate::domain::instant::Fallback]) -> String {
        use crate::domain::instant::Fallback as F;
        use crate::domain::text::{Lang, fill_template};
        use crate::i18n::*;
        let locale = crate::server::notify::locale_of(locale_code);
        let lang = Lang::of_locale(locale_code);
        let material = |code: &str| item.material(code).map(|m| m.name.get(lang).to_owned()).unwrap_or_else(|| code.to_owned());
        let field = |name: &str| item.form.fields.iter().find(|f| f.name == name).map(|f| f.label.get(lang).to_owned()).unwrap_or_else(|| name.to_owned());
        let reasons: Vec<String> = why
            .iter()
            .map(|w| match w {
                F::BlackListed => td_string!(locale, instant.black_listed).to_string(),
                F::PaymentDue => td_string!(locale, instant.payment_due).to_string(),
                F::NotReused { material: m } => fill_template(&td_string!(locale, instant.not_reused).to_string(), &[("material", material(m))]),
                F::Deferred { material: m } => fill_template(&td_string!(locale, instant.deferred).to_string(), &[("material", material(m))]),
                F::NoIdNumber { field: f } => fill_template(&td_string!(locale, instant.no_id).to_string(), &[("field", field(f))]),
                F::TooYoung { field: f, years } => fill_template(&td_string!(locale, instant.too_young).to_string(), &[("field", field(f)), ("years", years.to_string())]),
                F::TooOld { field: f, years } => fill_template(&td_string!(locale, instant.too_old).to_string(), &[("field", field(f)), ("years", years.to_string())]),
                F::AnswerNotAllowed { field: f } => fill_template(&td_string!(locale, instant.answer_not_allowed).to_string(), &[("field", field(f))]),
            })
            .collect();
        reasons.join(if lang == Lang::En { "; " } else { "；" })
    }

    /// The system accepts, approves (for every reviewing department) and issues a
    /// case whose instant approval rules held. Each step is its own transaction,
    /// compared and set: a retried submission carries on from where the case
    /// stands, and a crash between steps leaves a case people finish as usual.
    pub async fn approve_instantly(st: &crate::server::AppState, case_id: i64, item: &ServiceItem) -> Result<(), ApiError> {
        use crate::domain::case::{CaseStatus, EventKind};
        use crate::domain::review::ReviewStatus;
        use crate::server::store::{Clock, ReviewChange, Step, StoreError};
        const ACTOR: &str = "system:instant";
        let (now, today, calendar) = (crate::server::clock::now_ms(), today(), st.calendar());
        let reload = || async { st.store.case_by_id(case_id).await.map_err(|e| internal("instant approval", e))?.ok_or(ApiError::NotFound) };
        let ran = |r: Result<CaseStatus, StoreError>| match r {
            Ok(_) | Err(StoreError::Conflict) => Ok(()),
            Err(e) => Err(internal("instant approval", e)),
        };
        let reviewers = item.reviewers();
        let case = reload().await?;
        if case.status == CaseStatus::Submitted {
            let mut step = Step::new(case.id, case.status, CaseStatus::Accepted, ACTOR, "", now);
            step.clock = Clock::Start(crate::domain::deadline::Deadline::compute(&calendar, today, item.guide.promised_days, 0, st.settings.deadline_yellow_share));
            step.open_reviews = &reviewers;
            ran(st.store.record_step(&step).await)?;
        }
        let open = [ReviewStatus::Pending, ReviewStatus::InReview];
        for department in &reviewers {
            let case = reload().await?;
            if !matches!(case.status, CaseStatus::Accepted | CaseStatus::UnderReview) {
                break;
            }
            let mut step = Step::new(case.id, case.status, CaseStatus::Approved, ACTOR, "", now);
            step.kind = EventKind::ReviewApproved;
            step.review = Some(ReviewChange { department, from: &open, to: ReviewStatus::Approved, reviewer: ACTOR, reason: "", legal_basis: "" });
            ran(st.store.record_step(&step).await)?;
        }
        let case = reload().await?;
        if case.status == CaseStatus::Approved && !case.facts(&[]).payment_due && !case.facts(&[]).materials_due {
            let (licence, days_saved) = crate::api::staff::issue_parts(item, &case, &calendar, today);
            let mut step = Step::new(case.id, case.status, CaseStatus::Issued, ACTOR, "", now);
            step.licence = licence.as_ref();
            step.days_saved = days_saved;
            let lang = crate::domain::text::Lang::of_locale(&case.locale);
            let service = item.name.get(lang).to_owned();
            if let Some(n) = crate::server::notify::compose(CaseStatus::Issued, &case.locale, &case.applicant_phone, &case.tracking_number.to_string(), &service, "") {
                step.notices.push((CaseStatus::Issued, n));
            }
            ran(st.store.record_step(&step).await)?;
            tracing::info!(tracking = %case.tracking_number, "case approved instantly");
        }
        Ok(())
    }

    /// The draft's provisions that no longer stand (the applicant went on the black
    /// list, a licence was revoked), as (material, why).
    pub fn lapsed(item: &ServiceItem, provided: &[Provision], credit: Option<crate::domain::credit::CreditList>, held: &[HeldLicence]) -> Option<(String, crate::domain::provision::ProvisionRefusal)> {
        provided.iter().find_map(|p| {
            let material = item.material(&p.material_code)?;
            crate::domain::provision::check(material, p.kind, p.licence_number.as_deref(), true, credit, held).err().map(|e| (p.material_code.clone(), e))
        })
    }

    /// The credit list entry (black or red) the answers' ID numbers and credit codes
    /// stand on, if any.
    pub async fn credit_listing(store: &Store, item: &ServiceItem, answers: &crate::domain::form::Answers) -> Result<Option<crate::domain::credit::CreditEntry>, ApiError> {
        let listed = store.credit_entries_for(&crate::domain::credit::subjects_of(&item.form, &answers.0)).await.map_err(|e| internal("checking credit lists", e))?;
        Ok(crate::domain::credit::standing(&listed).cloned())
    }

    /// A checked draft, ready to become a case.
    pub struct Filing<'a> {
        pub draft: &'a Draft,
        pub item: &'a ServiceItem,
        /// The validated answers.
        pub answers: &'a crate::domain::form::Answers,
        pub provided: Vec<Provision>,
        pub delivery: &'a crate::domain::delivery::Delivery,
        pub citizen_id: Option<i64>,
        pub proxy: Option<&'a crate::server::store::DraftProxy>,
        /// The credit list the applicant stands on (the clerk is warned of a black-listed one).
        pub credit: Option<&'a crate::domain::credit::CreditEntry>,
        /// The applicant's language, for messages.
        pub locale: &'a str,
    }

    /// Files a checked draft as a case: the deferral dates, the instant approval
    /// assessment (秒批) and the case in one transaction, then the instant steps when
    /// the rules held. The one way a case is made, by the applicant's request or by a
    /// bundle's filing of a part.
    pub async fn file_case(st: &crate::server::AppState, f: Filing<'_>) -> Result<crate::server::store::CaseRecord, ApiError> {
        use crate::domain::form::{APPLICANT_NAME, APPLICANT_PHONE};
        let Filing { draft, item, answers, mut provided, delivery, citizen_id, proxy, credit, locale } = f;
        let (Some(name), Some(phone)) = (answers.get(APPLICANT_NAME), answers.get(APPLICANT_PHONE)) else {
            return Err(internal("submitting", format!("{} lacks applicant fields", item.code)));
        };
        let site_path = delivery
            .handling_site(&st.sites)
            .and_then(|code| st.sites.path(code))
            .ok_or_else(|| internal("submitting", "no district centre in catalog/sites.toml"))?;
        let credit = credit.map(|e| (e.list, &e.reason));
        let due = crate::domain::provision::deferral_due(&st.calendar(), today(), item.deferral_days);
        for p in provided.iter_mut().filter(|p| p.kind == crate::domain::provision::ProvisionKind::Deferred) {
            p.due_on = Some(due);
        }
        // Instant approval (秒批), judged before the case exists so the assessment is
        // written with it; the steps follow below.
        let assessment = item.instant_approval.as_ref().map(|spec| {
            crate::domain::instant::decide(spec, &crate::domain::instant::Application {
                item,
                answers: &answers.0,
                provisions: &provided,
                credit: credit.map(|(l, _)| l),
                payment_due: crate::domain::fee::CaseFee::at_submission(item.charge.as_ref()).status.holds_issuance(),
                today: today(),
            })
        });
        let fallback_note = match &assessment {
            Some(Err(why)) => fallback_text(locale, item, why),
            _ => String::new(),
        };
        let case = st
            .store
            .submit_case(&crate::server::store::NewCase {
                draft,
                region: &st.settings.region_code,
                department: &item.department,
                applicant_name: name,
                applicant_phone: phone,
                answers: &answers.0,
                site_path,
                locale,
                delivery,
                citizen_id,
                proxy: proxy.map(|p| crate::server::store::ProxyFiling { agent: &p.agent, consent: &p.consent }),
                fee: crate::domain::fee::CaseFee::at_submission(item.charge.as_ref()),
                waiver: item.charge.as_ref().and_then(|c| c.waived.as_ref()).map(|basis| basis.zh.as_str()),
                credit,
                provisions: &provided,
                instant: assessment.as_ref().map(|a| a.as_ref().map(|_| ()).map_err(|_| fallback_note.as_str())),
                at: crate::server::clock::now_ms(),
            })
            .await
            .map_err(|e| internal("submitting case", e))?;
        tracing::info!(tracking = %case.tracking_number, service = %item.code, "case submitted");
        if matches!(assessment, Some(Ok(()))) {
            approve_instantly(st, case.id, item).await?;
        }
        Ok(case)
    }

    /// Saves a draft's answers (creating the draft on first save), always, valid or
    /// not, so nothing typed is lost. None when the draft has become a case (the
    /// browser is sent to its receipt).
    pub async fn keep_answers(store: &Store, item: &ServiceItem, draft: Option<String>, answers: RawAnswers) -> Result<Option<Draft>, ApiError> {
        use crate::server::clock;
        if !item.can_apply_online() {
            return Err(ApiError::Forbidden);
        }
        let owner = applicant_owner(true).ok_or(ApiError::Forbidden)?;
        let citizen = current_citizen().await?;
        // Keep only this form's answers (every entry a group may hold), each within a
        // bound far above any field's limit.
        let answers: RawAnswers = crate::domain::form::all_slots(&item.form)
            .iter()
            .map(|slot| slot.key())
            .filter_map(|key| answers.get(&key).map(|v| (key, v.chars().take(4 * crate::domain::form::LONG_TEXT_MAX_LENGTH as usize).collect())))
            .collect();
        let now = clock::now_ms();
        let existing = match draft.filter(|d| !d.is_empty()) {
            Some(id) => Some(owned_draft(store, &id).await?),
            None => None,
        };
        if let Some(d) = &existing {
            if d.service_code != item.code {
                return Err(ApiError::NotFound);
            }
            if redirect_if_submitted(store, &d.id).await? {
                return Ok(None);
            }
        }
        // The answers sent overlay the saved ones: the whole form sends every field,
        // one question per screen (and the account sync of it) sends one.
        let mut answers = match &existing {
            Some(d) => {
                let mut merged = d.answers.clone();
                merged.extend(answers);
                merged
            }
            None => answers,
        };
        // A draft filed by proxy is for the resident who consented: the number the
        // consent code went to stays the applicant's phone, whatever is typed.
        if let Some(d) = &existing {
            if let Some(proxy) = store.draft_proxy(&d.id).await.map_err(|e| internal("loading proxy filing", e))? {
                answers.insert(crate::domain::form::APPLICANT_PHONE.to_owned(), proxy.phone);
            }
        }
        let draft = Draft {
            id: existing.as_ref().map(|d| d.id.clone()).unwrap_or_else(clock::random_token),
            // On an existing draft the store checks this browser or the account
            // again; the browser that started the draft stays its owner.
            owner_hash: owner,
            service_code: item.code.clone(),
            created_at: existing.as_ref().map_or(now, |d| d.created_at),
            updated_at: now,
            answers,
            citizen_id: existing.as_ref().and_then(|d| d.citizen_id).or(citizen.map(|c| c.id)),
        };
        store.save_draft(&draft).await.map_err(|e| internal("saving draft", e))?;
        Ok(Some(draft))
    }
}

#[server(endpoint = "applications/form")]
pub async fn load_application(service: String, draft: Option<String>) -> Result<ApplicationView, ApiError> {
    use self::ssr::*;
    use crate::api::ssr::state;
    use crate::domain::form::validate_answers;
    let store = state().store.clone();
    let item = item(&store, &service).await?;
    let today = today();
    let signed_in = crate::api::ssr::current_citizen().await?.is_some();
    let Some(draft_id) = draft.filter(|d| !d.is_empty()) else {
        return Ok(ApplicationView { item: (*item).clone(), draft_id: None, answers: RawAnswers::new(), errors: FieldErrors::default(), today: today.to_string(), signed_in, filed_for: None });
    };
    let d = owned_draft(&store, &draft_id).await?;
    if d.service_code != item.code {
        return Err(ApiError::NotFound);
    }
    redirect_if_submitted(&store, &d.id).await?;
    let errors = validate_answers(&item.form, &d.answers, today).err().unwrap_or_default();
    let filed_for = store
        .draft_proxy(&d.id)
        .await
        .map_err(|e| crate::api::ssr::internal("loading proxy filing", e))?
        .and_then(|p| crate::domain::ids::MobilePhone::parse(&p.phone).ok())
        .map(|p| p.masked());
    // Errors only once something was saved that fails: a proxy draft starts with
    // just the resident's number, and is not yet wrong.
    let errors = if filed_for.is_some() && d.created_at == d.updated_at { FieldErrors::default() } else { errors };
    Ok(ApplicationView { item: (*item).clone(), draft_id: Some(d.id), answers: d.answers, errors, today: today.to_string(), signed_in, filed_for })
}

/// Saves the answers (always, valid or not, so nothing typed is lost) and sends the
/// applicant on: back to the form with its problems, or to the materials step.
/// `question` (1-based): the handheld form, one question per screen, sent this
/// question; the answer is judged alone and the applicant goes on to the next
/// question that applies. `add_entry` (a group's name) and `remove_entry`
/// (`{group}.{n}`): the "add another" and "remove" buttons of a repeating group
/// pressed without JavaScript; the answers are kept and the same form shown again.
#[server(endpoint = "applications/answers")]
pub async fn save_answers(
    service: String,
    draft: Option<String>,
    answers: RawAnswers,
    question: Option<usize>,
    add_entry: Option<String>,
    remove_entry: Option<String>,
) -> Result<(), ApiError> {
    use self::ssr::*;
    use crate::api::ssr::state;
    use crate::domain::form::{QuestionStep, after_question, validate_answers};
    let store = state().store.clone();
    let item = item(&store, &service).await?;
    let mut answers = answers;
    // The entry's first field, to land on (an added entry) or the group (a removed one).
    let landing = if let Some(group) = add_entry.as_deref() {
        let n = crate::domain::form::add_entry(&item.form, &mut answers, group);
        let first = item.form.fields.iter().find(|f| f.name == group).and_then(|g| g.fields.first());
        Some(match (n, first) {
            (Some(n), Some(first)) => crate::domain::form::entry_key(group, n, &first.name),
            _ => group.to_owned(),
        })
    } else if let Some((group, n)) = remove_entry.as_deref().and_then(|r| r.rsplit_once('.')) {
        crate::domain::form::remove_entry(&item.form, &mut answers, group, n.parse().unwrap_or(0));
        Some(group.to_owned())
    } else {
        None
    };
    let Some(draft) = keep_answers(&store, &item, draft, answers).await? else { return Ok(()) };
    if let Some(key) = landing {
        let key = crate::ui::encode_query(&key);
        leptos_axum::redirect(&match question {
            Some(n) => format!("/m/services/{}/apply?draft={}&q={n}&entry=1#field-{key}", item.code, draft.id),
            None => format!("/services/{}/apply?draft={}&entry=1#field-{key}", item.code, draft.id),
        });
        return Ok(());
    }
    if let Some(step) = question.and_then(|n| after_question(&item.form, &draft.answers, n, today())) {
        let ask = |n: usize, invalid: bool| {
            let flag = if invalid { "&invalid=1#error-summary" } else { "" };
            format!("/m/services/{}/apply?draft={}&q={n}{flag}", item.code, draft.id)
        };
        leptos_axum::redirect(&match step {
            QuestionStep::Again(n) | QuestionStep::Back(n) => ask(n, true),
            QuestionStep::Next(n) => ask(n, false),
            QuestionStep::Done => format!("/apply/{}/materials", draft.id),
        });
        return Ok(());
    }
    match validate_answers(&item.form, &draft.answers, today()) {
        Ok(_) => leptos_axum::redirect(&format!("/apply/{}/materials", draft.id)),
        Err(_) => leptos_axum::redirect(&format!("/services/{}/apply?draft={}#error-summary", item.code, draft.id)),
    }
    Ok(())
}

/// Keeps a signed-in citizen's answers on the server while they type (the form
/// island sends them with gloo-net a moment after the typing stops), so the
/// application can be continued on another device. Answers the draft's id; valid
/// or not, nothing is judged here.
#[server(endpoint = "applications/sync")]
pub async fn sync_answers(service: String, draft: Option<String>, answers: RawAnswers) -> Result<String, ApiError> {
    use self::ssr::*;
    use crate::api::ssr::{current_citizen, state};
    if current_citizen().await?.is_none() {
        return Err(ApiError::Unauthenticated);
    }
    let store = state().store.clone();
    let item = item(&store, &service).await?;
    match keep_answers(&store, &item, draft, answers).await? {
        Some(d) => Ok(d.id),
        // Already submitted: nothing to keep.
        None => Err(ApiError::NotFound),
    }
}

#[server(endpoint = "applications/materials")]
pub async fn load_materials(draft: String) -> Result<MaterialsView, ApiError> {
    use self::ssr::*;
    use crate::api::ssr::state;
    let st = state();
    let d = owned_draft(&st.store, &draft).await?;
    redirect_if_submitted(&st.store, &d.id).await?;
    let item = item(&st.store, &d.service_code).await?;
    let uploaded = uploaded(&st.store, &d.id).await?;
    let provided = st.store.provisions_of_draft(&d.id).await.map_err(|e| crate::api::ssr::internal("loading provisions", e))?;
    let (credit, held) = provision_context(&st.store, &item, &d.answers).await?;
    let options = item.materials.iter().map(|m| (m.code.clone(), crate::domain::provision::options(m, credit, &held))).collect();
    let deferral_due = crate::domain::provision::deferral_due(&st.calendar(), today(), item.deferral_days).to_string();
    let signed_in = crate::api::ssr::current_citizen().await?.is_some();
    Ok(MaterialsView { item: (*item).clone(), draft_id: d.id, uploaded, max_bytes: st.settings.upload_max_bytes, provided, options, held, deferral_due, signed_in })
}

#[server(endpoint = "applications/check")]
pub async fn load_check(draft: String) -> Result<CheckView, ApiError> {
    use self::ssr::*;
    use crate::api::ssr::state;
    use crate::domain::form::validate_answers;
    let store = state().store.clone();
    let d = owned_draft(&store, &draft).await?;
    redirect_if_submitted(&store, &d.id).await?;
    let item = item(&store, &d.service_code).await?;
    let uploaded = uploaded(&store, &d.id).await?;
    let errors = validate_answers(&item.form, &d.answers, today()).err().unwrap_or_default();
    let provided = store.provisions_of_draft(&d.id).await.map_err(|e| crate::api::ssr::internal("loading provisions", e))?;
    let codes: Vec<&str> = uploaded.iter().map(|u| u.material_code.as_str()).collect();
    let missing = crate::domain::provision::missing(&item, &codes, &provided);
    let issuing_sites = state().sites.issuing().map(|s| (s.code.clone(), s.name.clone())).collect();
    Ok(CheckView { item: (*item).clone(), draft_id: d.id, answers: d.answers, errors, uploaded, missing, provided, issuing_sites })
}

/// Turns the draft into a case. Idempotent: the draft id is the idempotency key,
/// so a double click or a retried request lands on the same receipt. `delivery`
/// (online, post with `address`, collect at `pickup_site`) says how the result is
/// delivered; without it the result is delivered online.
#[server(endpoint = "applications/submit")]
pub async fn submit_application(draft: String, delivery: Option<String>, address: Option<String>, pickup_site: Option<String>) -> Result<(), ApiError> {
    use self::ssr::*;
    use crate::api::ssr::{internal, locale_code, state};
    use crate::domain::delivery::Delivery;
    use crate::domain::form::{APPLICANT_PHONE, validate_answers};
    let st = state();
    let d = owned_draft(&st.store, &draft).await?;
    let citizen = crate::api::ssr::current_citizen().await?;
    if redirect_if_submitted(&st.store, &d.id).await? {
        return Ok(());
    }
    let item = item(&st.store, &d.service_code).await?;
    let uploaded = uploaded(&st.store, &d.id).await?;
    let provided = st.store.provisions_of_draft(&d.id).await.map_err(|e| internal("loading provisions", e))?;
    let codes: Vec<&str> = uploaded.iter().map(|u| u.material_code.as_str()).collect();
    let missing = !crate::domain::provision::missing(&item, &codes, &provided).is_empty();
    let Ok(answers) = validate_answers(&item.form, &d.answers, today()) else {
        leptos_axum::redirect(&format!("/apply/{}/check", d.id));
        return Ok(());
    };
    if missing {
        leptos_axum::redirect(&format!("/apply/{}/check", d.id));
        return Ok(());
    }
    let phone = answers.get(APPLICANT_PHONE).unwrap_or_default();
    // Filed by proxy: only the agent who has the resident's consent sends it, and
    // for the number that consented; the case is the resident's, not in the
    // agent's own citizen account.
    let proxy = st.store.draft_proxy(&d.id).await.map_err(|e| internal("loading proxy filing", e))?;
    if let Some(p) = &proxy {
        let agent = crate::api::ssr::current_staff().await?;
        if agent.map(|a| a.username).as_deref() != Some(p.agent.as_str()) || phone != p.phone {
            return Err(ApiError::Forbidden);
        }
    }
    let delivery = match Delivery::parse(delivery.as_deref().unwrap_or("online"), address.as_deref().unwrap_or(""), pickup_site.as_deref().unwrap_or(""), &st.sites) {
        Ok(d) => d,
        Err(e) => {
            // Back to the choice with what was typed and chosen, so nothing is lost.
            use crate::ui::encode_query;
            let typed: String = address.as_deref().unwrap_or("").chars().take(1_000).collect();
            leptos_axum::redirect(&format!(
                "/apply/{}/check?delivery_error={}&delivery={}&address={}&pickup_site={}#delivery",
                d.id,
                e.code(),
                encode_query(delivery.as_deref().unwrap_or("")),
                encode_query(&typed),
                encode_query(pickup_site.as_deref().unwrap_or(""))
            ));
            return Ok(());
        }
    };
    let listed = credit_listing(&st.store, &item, &answers).await?;
    // Every provision again, against the lists and licences as they stand now.
    let held = held_licences(&st.store).await?;
    if let Some((material, why)) = lapsed(&item, &provided, listed.as_ref().map(|e| e.list), &held) {
        leptos_axum::redirect(&format!("/apply/{}/materials?refused={}&material={material}#error-summary", d.id, why.code()));
        return Ok(());
    }
    let case = file_case(&st, Filing {
        draft: &d,
        item: &item,
        answers: &answers,
        provided,
        delivery: &delivery,
        citizen_id: if proxy.is_some() { None } else { citizen.map(|c| c.id).or(d.citizen_id) },
        proxy: proxy.as_ref(),
        credit: listed.as_ref(),
        locale: locale_code(),
    })
    .await?;
    leptos_axum::redirect(&format!("/receipt/{}", case.tracking_number.as_str()));
    Ok(())
}

#[server(endpoint = "applications/receipt")]
pub async fn load_receipt(tracking: String) -> Result<ReceiptView, ApiError> {
    use self::ssr::*;
    use crate::api::ssr::{internal, state};
    use crate::domain::calendar::format_china_datetime;
    use crate::domain::ids::{MobilePhone, TrackingNumber};
    let st = state();
    let number = TrackingNumber::parse(&tracking).map_err(|_| ApiError::NotFound)?;
    let case = st.store.case_by_tracking(&number).await.map_err(|e| internal("loading case", e))?.ok_or(ApiError::NotFound)?;
    // Someone else's receipt answers exactly like no receipt: a stranger cannot
    // learn which tracking numbers exist.
    if !is_this_applicants(&case.owner_hash, case.citizen_id).await? {
        return Err(ApiError::NotFound);
    }
    let item = item(&st.store, &case.service_code).await?;
    let materials = uploaded(&st.store, &case.draft_id)
        .await?
        .into_iter()
        .map(|u| (item.material(&u.material_code).map(|m| m.name.clone()).unwrap_or_default(), u.file_name))
        .collect();
    let provided = st
        .store
        .provisions_of_draft(&case.draft_id)
        .await
        .map_err(|e| internal("loading provisions", e))?
        .into_iter()
        .map(|p| (item.material(&p.material_code).map(|m| m.name.clone()).unwrap_or_default(), p))
        .collect();
    use crate::domain::case::EventKind;
    let instant = st.store.case_events(case.id).await.map_err(|e| internal("loading events", e))?.into_iter().find_map(|e| match e.kind {
        EventKind::InstantApproved => Some(Ok(())),
        EventKind::InstantFallback => Some(Err(e.note)),
        _ => None,
    });
    let lookup_path = format!("/track?number={}", number.as_str());
    let qr_svg = qrcode::QrCode::new(format!("{}{lookup_path}", st.settings.public_url).as_bytes())
        .map(|q| q.render::<qrcode::render::svg::Color>().min_dimensions(160, 160).quiet_zone(true).build())
        .map_err(|e| internal("drawing QR code", e))?;
    let result_path = if case.citizen_id.is_some() { format!("{lookup_path}&mine=1") } else { lookup_path.clone() };
    Ok(ReceiptView {
        tracking_number: number.to_string(),
        service_name: item.name.clone(),
        submitted_at: format_china_datetime(case.submitted_at),
        applicant_name: case.applicant_name,
        applicant_phone_masked: MobilePhone::parse(&case.applicant_phone).map(|p| p.masked()).unwrap_or_default(),
        promised_days: item.guide.promised_days,
        materials,
        provided,
        lookup_path,
        qr_svg,
        fee: case.fee,
        waiver: item.charge.as_ref().and_then(|c| c.waived.clone()),
        status: case.status,
        result_path,
        instant,
    })
}

/// Provides a material without uploading it (`choice`: `licence` with the licence's
/// number, `deferred` or `committed` with `agree` ticked), or takes that back
/// (`upload`). Checked against the item, the credit lists and the applicant's
/// licences here and again at submission; back to the materials step either way.
#[server(endpoint = "applications/provide")]
pub async fn provide_material(draft: String, material: String, choice: String, licence: Option<String>, agree: Option<String>) -> Result<(), ApiError> {
    use self::ssr::*;
    use crate::api::ssr::{internal, state};
    use crate::domain::provision::{ProvisionKind, check};
    let st = state();
    let d = owned_draft(&st.store, &draft).await?;
    if redirect_if_submitted(&st.store, &d.id).await? {
        return Ok(());
    }
    let item = item(&st.store, &d.service_code).await?;
    let Some(m) = item.material(&material) else { return Err(ApiError::NotFound) };
    let back = |query: String| leptos_axum::redirect(&format!("/apply/{}/materials?{query}", d.id));
    if choice == "upload" {
        st.store.clear_provision(&d.id, &m.code).await.map_err(|e| internal("clearing provision", e))?;
        back(format!("material={}#material-{}", m.code, m.code));
        return Ok(());
    }
    let Some(kind) = ProvisionKind::from_code(&choice) else { return Err(ApiError::NotFound) };
    let (credit, held) = provision_context(&st.store, &item, &d.answers).await?;
    let agreed = agree.is_some_and(|a| !a.is_empty());
    if let Err(why) = check(m, kind, licence.as_deref(), agreed, credit, &held) {
        back(format!("refused={}&material={}#error-summary", why.code(), m.code));
        return Ok(());
    }
    let provision = Provision {
        material_code: m.code.clone(),
        kind,
        licence_number: licence.filter(|_| kind == ProvisionKind::Licence),
        commitment: m.commitment.clone().filter(|_| kind == ProvisionKind::Committed),
        due_on: None,
        arrived: false,
    };
    st.store.set_provision(&d.id, &provision, crate::server::clock::now_ms()).await.map_err(|e| internal("keeping provision", e))?;
    back(format!("provided={}#material-{}", m.code, m.code));
    Ok(())
}
