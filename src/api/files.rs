//! Multipart upload of materials and staff viewing of them. These are plain axum
//! handlers because they stream files; like server functions they are thin:
//! authorise, call the domain, call the store.

use crate::domain::material::{UploadAnswer, UploadError, check_upload};
use crate::server::auth::{self, APPLICANT_COOKIE, STAFF_COOKIE};
use crate::server::store::MaterialRecord;
use crate::server::{AppState, clock};
use axum::extract::{Multipart, Path, State};
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

/// `POST /apply/{draft}/materials/{material}`: one file in the `file` field.
pub async fn upload_material(
    State(st): State<AppState>,
    Path((draft_id, material_code)): Path<(String, String)>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let json = wants_json(&headers);
    let page = format!("/apply/{draft_id}/materials");
    let outcome = |result: Result<(), UploadError>| -> Response {
        match (result, json) {
            (result, true) => {
                let status = if result.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
                let body = serde_json::to_string(&UploadAnswer { error: result.err() }).unwrap_or_default();
                (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
            }
            (Ok(()), false) => Redirect::to(&format!("{page}?uploaded={material_code}#material-{material_code}")).into_response(),
            (Err(e), false) => Redirect::to(&format!("{page}?error={}&material={material_code}#error-summary", e.code())).into_response(),
        }
    };
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
    let item = match st.store.service_item(&draft.service_code).await {
        Ok(Some(item)) if item.material(&material_code).is_some() => item,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return unavailable("upload: loading item", e),
    };
    let max = st.settings.upload_max_bytes;
    let mut received: Option<(Vec<u8>, String)> = None;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return outcome(Err(UploadError::TooLarge)),
            Err(_) => return outcome(Err(UploadError::Empty)),
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_file_name(field.file_name());
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    // Stop reading as soon as the limit is passed: nothing larger is buffered.
                    if (bytes.len() + chunk.len()) as u64 > max {
                        return outcome(Err(UploadError::TooLarge));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return outcome(Err(UploadError::TooLarge)),
                Err(_) => return outcome(Err(UploadError::Empty)),
            }
        }
        received = Some((bytes, name));
        break;
    }
    let Some((bytes, file_name)) = received else { return outcome(Err(UploadError::Empty)) };
    let media_type = match check_upload(&bytes, max) {
        Ok(t) => t,
        Err(e) => return outcome(Err(e)),
    };
    // The file is written (atomically) before the row that points at it, so a crash
    // in between leaves at worst an unreferenced file, never a row without its file.
    let sha256 = match st.blobs.put(&bytes).await {
        Ok(sha) => sha,
        Err(e) => return unavailable("upload: storing file", e),
    };
    let record = MaterialRecord {
        id: 0,
        draft_id: draft.id.clone(),
        material_code: material_code.clone(),
        sha256,
        media_type,
        size_bytes: bytes.len() as i64,
        file_name,
        uploaded_at: clock::now_ms(),
    };
    if let Err(e) = st.store.put_material(&record).await {
        return unavailable("upload: recording material", e);
    }
    tracing::info!(draft = %draft.id, item = %item.code, material = %material_code, bytes = bytes.len(), "material uploaded");
    outcome(Ok(()))
}

/// `GET /admin/materials/{id}`: a material's bytes, for signed-in staff only.
pub async fn view_material(State(st): State<AppState>, Path(id): Path<i64>, headers: HeaderMap) -> Response {
    let user_id = cookie(&headers, STAFF_COOKIE).and_then(|c| st.session_key.verify_session(c, clock::now_ms()));
    let staff = match user_id {
        Some(id) => st.store.user_by_id(id).await.ok().flatten(),
        None => None,
    };
    if staff.is_none() {
        return Redirect::to("/admin/login").into_response();
    }
    let material = match st.store.material_by_id(id).await {
        Ok(Some(m)) => m,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return unavailable("viewing material", e),
    };
    let bytes = match st.blobs.get(&material.sha256).await {
        Ok(Some(b)) => b,
        Ok(None) => return unavailable("viewing material", format!("file {} missing", material.sha256)),
        Err(e) => return unavailable("viewing material", e),
    };
    let disposition = format!("inline; filename*=UTF-8''{}", percent_encode(&material.file_name));
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(material.media_type.mime()));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

fn unavailable(context: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!("{context}: {e}");
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
