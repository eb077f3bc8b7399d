//! Multipart upload of materials and staff viewing of them. These are plain axum
//! handlers because they stream files; like server functions they are thin:
//! authorise, call the domain, call the store.

use crate::domain::material::{UploadAnswer, UploadError, check_upload};
use crate::server::auth::{self, APPLICANT_COOKIE, STAFF_COOKIE};
use crate::server::store::MaterialRecord;
use crate::server::{AppState, clock};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use futures_util::TryStreamExt;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|h| auth::cookie_value(h, name))
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json") && !a.contains("text/html"))
}

/// Keeps the last path component of a client-supplied file name, without control
/// characters, at most 120 characters: it is only ever shown, never used as a path.
fn clean_file_name(raw: Option<&str>) -> String {
    let base = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if cleaned.trim().is_empty() { "file".into() } else { cleaned }
}

/// Where an upload came from, and so where its answer sends the browser.
struct UploadPage {
    page: String,
    material_code: String,
    json: bool,
}

impl UploadPage {
    fn answer(&self, result: Result<(), UploadError>) -> Response {
        let (page, code) = (&self.page, &self.material_code);
        match (result, self.json) {
            (result, true) => {
                let status = if result.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
                let body = serde_json::to_string(&UploadAnswer { error: result.err() }).unwrap_or_default();
                (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
            }
            (Ok(()), false) => Redirect::to(&format!("{page}?uploaded={code}#material-{code}")).into_response(),
            (Err(e), false) => Redirect::to(&format!("{page}?error={}&material={code}#error-summary", e.code())).into_response(),
        }
    }
}

/// The most an upload's request may carry: a file of `max_bytes` and its multipart
/// framing.
pub fn upload_body_limit(max_bytes: u64) -> usize {
    max_bytes as usize + 64 * 1024
}

/// Reads the request whole, refusing it as soon as it passes the limit, then its
/// `file` field. Read whole before it is parsed so that a malformed request (a NUL
/// in a file name, a broken boundary) is answered after the client has sent it all:
/// a refusal answered while the client is still sending ends in a reset connection,
/// and the client never sees why. The file is held in memory either way.
async fn receive_file(request: Request, max: u64) -> Result<(axum::body::Bytes, String), UploadError> {
    let limit = upload_body_limit(max);
    let (parts, body) = request.into_parts();
    // A body that says it is larger is refused before any of it is read.
    if axum::body::HttpBody::size_hint(&body).lower() > limit as u64 {
        return Err(UploadError::TooLarge);
    }
    let mut sent = Vec::new();
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.try_next().await.map_err(|_| UploadError::Empty)? {
        if sent.len() + chunk.len() > limit {
            return Err(UploadError::TooLarge);
        }
        sent.extend_from_slice(&chunk);
    }
    let mut multipart = Multipart::from_request(Request::from_parts(parts, Body::from(sent)), &()).await.map_err(|_| UploadError::Empty)?;
    loop {
        let Ok(Some(field)) = multipart.next_field().await else { return Err(UploadError::Empty) };
        if field.name() != Some("file") {
            continue;
        }
        // Its size is judged with its content, by `check_upload`.
        let name = clean_file_name(field.file_name());
        let bytes = field.bytes().await.map_err(|_| UploadError::Empty)?;
        return Ok((bytes, name));
    }
}

/// Checks the file by its content, stores it, and attaches it to the draft; the
/// response to send when it did not.
async fn keep_material(st: &AppState, draft_id: &str, material_code: &str, request: Request, page: &UploadPage) -> Result<MaterialRecord, Response> {
    let max = st.settings.upload_max_bytes;
    let (bytes, file_name) = receive_file(request, max).await.map_err(|e| page.answer(Err(e)))?;
    let media_type = check_upload(&bytes, max).map_err(|e| page.answer(Err(e)))?;
    // The file is written (atomically) before the row that points at it, so a crash
    // in between leaves at worst an unreferenced file, never a row without its file.
    let sha256 = st.blobs.put(&bytes).await.map_err(|e| unavailable("upload: storing file", e))?;
    let record = MaterialRecord {
        id: 0,
        draft_id: draft_id.to_owned(),
        material_code: material_code.to_owned(),
        sha256,
        media_type,
        size_bytes: bytes.len() as i64,
        file_name,
        uploaded_at: clock::now_ms(),
    };
    st.store.put_material(&record).await.map_err(|e| unavailable("upload: recording material", e))?;
    tracing::info!(draft = %draft_id, material = %material_code, bytes = bytes.len(), "material uploaded");
    Ok(record)
}

/// `POST /apply/{draft}/materials/{material}`: one file in the `file` field.
pub async fn upload_material(
    State(st): State<AppState>,
    Path((draft_id, material_code)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let page = UploadPage { page: format!("/apply/{draft_id}/materials"), material_code: material_code.clone(), json: wants_json(&headers) };
    // Only this browser's own, unsubmitted draft, and only a material its item asks for.
    let owner = cookie(&headers, APPLICANT_COOKIE).map(auth::owner_hash);
    let draft = match st.store.draft(&draft_id).await {
        Ok(Some(d)) if Some(&d.owner_hash) == owner.as_ref() => d,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return unavailable("upload: loading draft", e),
    };
    match st.store.case_by_draft(&draft.id).await {
        Ok(None) => {}
        Ok(Some(_)) => return StatusCode::CONFLICT.into_response(),
        Err(e) => return unavailable("upload: checking draft", e),
    }
    match st.store.service_item(&draft.service_code).await {
        Ok(Some(item)) if item.material(&material_code).is_some() => {}
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return unavailable("upload: loading item", e),
    };
    if let Err(r) = keep_material(&st, &draft.id, &material_code, request, &page).await {
        return r;
    }
    // Uploaded after all: a reuse, deferral or commitment chosen before gives way.
    if let Err(e) = st.store.clear_provision(&draft.id, &material_code).await {
        return unavailable("upload: clearing provision", e);
    }
    page.answer(Ok(()))
}

/// `POST /bundle-apply/{draft}/materials/{service}/{material}`: one document of a
/// bundle, stored once and attached to every part that asks for it (the same code
/// and name), from the browser that owns the unsubmitted bundle draft.
pub async fn upload_bundle_material(
    State(st): State<AppState>,
    Path((bundle_draft_id, service, material_code)): Path<(String, String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let page = UploadPage { page: format!("/bundle-apply/{bundle_draft_id}/materials"), material_code: format!("{service}-{material_code}"), json: wants_json(&headers) };
    let owner = cookie(&headers, APPLICANT_COOKIE).map(auth::owner_hash);
    let draft = match st.store.bundle_draft(&bundle_draft_id).await {
        Ok(Some(d)) if Some(&d.owner_hash) == owner.as_ref() => d,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return unavailable("bundle upload: loading draft", e),
    };
    match st.store.bundle_by_draft(&draft.id).await {
        Ok(None) => {}
        Ok(Some(_)) => return StatusCode::CONFLICT.into_response(),
        Err(e) => return unavailable("bundle upload: checking bundle", e),
    }
    let Some(bundle) = st.bundles.iter().find(|b| b.code == draft.bundle_code) else { return StatusCode::NOT_FOUND.into_response() };
    let mut items = Vec::new();
    for part in &bundle.parts {
        match st.store.service_item(&part.service).await {
            Ok(Some(item)) => items.push((*item).clone()),
            Ok(None) => return StatusCode::NOT_FOUND.into_response(),
            Err(e) => return unavailable("bundle upload: loading item", e),
        }
    }
    let Some(asked) = bundle.asked_materials(&items).into_iter().find(|a| a.service == service && a.material.code == material_code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let drafts: Vec<&String> = asked.parts.iter().filter_map(|p| draft.parts.iter().find(|(s, _)| s == p).map(|(_, id)| id)).collect();
    let Some(first) = drafts.first() else { return StatusCode::NOT_FOUND.into_response() };
    let record = match keep_material(&st, first, &material_code, request, &page).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    // The same file, recorded for every other part that asks for it.
    for id in &drafts[1..] {
        let copy = MaterialRecord { draft_id: (*id).clone(), ..record.clone() };
        if let Err(e) = st.store.put_material(&copy).await {
            return unavailable("bundle upload: recording material", e);
        }
    }
    page.answer(Ok(()))
}

/// `POST /track/{tracking}/materials/{material}`: from a browser that passed the
/// lookup, a corrected material (补正) the clerk named while the case waits for
/// correction, or a deferred material (容缺) still to come while the case is open.
/// Anything else looks like a page that does not exist.
pub async fn upload_correction(
    State(st): State<AppState>,
    Path((tracking, material_code)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    use crate::domain::case::CaseStatus;
    use crate::domain::ids::TrackingNumber;
    let Ok(number) = TrackingNumber::parse(&tracking) else { return StatusCode::NOT_FOUND.into_response() };
    let page = UploadPage { page: format!("/track/{}/correct", number.as_str()), material_code: material_code.clone(), json: wants_json(&headers) };
    let case = match st.store.case_by_tracking(&number).await {
        Ok(Some(c)) => c,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return unavailable("correction upload: loading case", e),
    };
    let granted = cookie(&headers, crate::api::ssr::CASE_ACCESS_COOKIE)
        .and_then(|c| st.session_key.verify_session(c, clock::now_ms()))
        .is_some_and(|id| id == -case.id);
    let named = case.status == CaseStatus::NeedsCorrection && case.correction.as_ref().is_some_and(|r| r.materials.contains(&material_code));
    let deferred = match st.store.provisions_of_draft(&case.draft_id).await {
        Ok(p) => !case.status.is_final() && p.iter().any(|p| p.material_code == material_code && p.is_outstanding()),
        Err(e) => return unavailable("correction upload: loading provisions", e),
    };
    if !granted || !(named || deferred) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if let Err(r) = keep_material(&st, &case.draft_id, &material_code, request, &page).await {
        return r;
    }
    if deferred {
        if let Err(e) = st.store.deferred_material_arrived(case.id, &material_code, "applicant", clock::now_ms()).await {
            return unavailable("correction upload: recording arrival", e);
        }
        // The last one in and nothing to correct: back to the case's progress.
        let done = match st.store.case_by_id(case.id).await {
            Ok(Some(c)) => c.deferred_due_on.is_none() && c.status != CaseStatus::NeedsCorrection,
            Ok(None) => false,
            Err(e) => return unavailable("correction upload: reloading case", e),
        };
        if done && !page.json {
            let phone = crate::domain::ids::MobilePhone::parse(&case.applicant_phone).map(|p| p.last_four().to_owned()).unwrap_or_default();
            return Redirect::to(&format!("/track?number={}&phone={phone}", number.as_str())).into_response();
        }
    }
    page.answer(Ok(()))
}

/// `GET /admin/materials/{id}`: a material's bytes, for staff who may see its case.
/// Opening it is recorded in the case's audit chain (查阅留痕). Served inline (so
/// images show as images and PDFs in the browser's viewer) under a sandboxing CSP,
/// so a hostile file can run nothing.
pub async fn view_material(State(st): State<AppState>, Path(id): Path<i64>, headers: HeaderMap) -> Response {
    use crate::domain::access::Sight;
    let Some(staff) = crate::api::ssr::staff_from_cookie(&st, cookie(&headers, STAFF_COOKIE)).await else {
        return Redirect::to("/admin/login").into_response();
    };
    let material = match st.store.material_by_id(id).await {
        Ok(Some(m)) => m,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return unavailable("viewing material", e),
    };
    let case = match st.store.case_by_draft(&material.draft_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return unavailable("viewing material: case", e),
    };
    let reviews = match st.store.case_reviews(case.id).await {
        Ok(r) => r,
        Err(e) => return unavailable("viewing material: reviews", e),
    };
    let parts: Vec<_> = reviews.iter().map(|r| r.part()).collect();
    let facts = case.facts(&parts);
    if staff.scope.sight(&facts) == Sight::None {
        return StatusCode::NOT_FOUND.into_response();
    }
    let bytes = match st.blobs.get(&material.sha256).await {
        Ok(Some(b)) => b,
        Ok(None) => return unavailable("viewing material", format!("file {} missing", material.sha256)),
        Err(e) => return unavailable("viewing material", e),
    };
    let note = format!("{} ({})", material.material_code, material.file_name);
    if let Err(e) = st.store.record_material_view(case.id, case.status, &staff.actor(), &note, clock::now_ms()).await {
        // No record, no file: a view that cannot be proven afterwards is not served.
        return unavailable("viewing material: recording the view", e);
    }
    let disposition = format!("inline; filename*=UTF-8''{}", percent_encode(&material.file_name));
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(material.media_type.mime()));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    // Framed by our own case page only, and scripts never run even inside a PDF.
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; plugin-types application/pdf; frame-ancestors 'self'"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

fn unavailable(context: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!("{context}: {}", crate::server::logging::redact(&e.to_string()));
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_file_names_are_reduced_to_a_harmless_label() {
        assert_eq!(clean_file_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_file_name(Some("C:\\Users\\张三\\身份证.pdf")), "身份证.pdf");
        assert_eq!(clean_file_name(Some("a\u{0}b\nc.png")), "abc.png");
        assert_eq!(clean_file_name(None), "file");
    }

    #[test]
    fn download_names_are_percent_encoded() {
        assert_eq!(percent_encode("身份证 1.pdf"), "%E8%BA%AB%E4%BB%BD%E8%AF%81%201.pdf");
    }
}
