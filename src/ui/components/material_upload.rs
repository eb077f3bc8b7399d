//! Uploading one material. Rendered as a plain multipart `<form>` that works without
//! JavaScript; as an island it checks the size before sending (a 12 MB photo is not
//! pushed over a slow network only to be refused) and shows upload progress.
//! XMLHttpRequest rather than fetch: only it reports upload progress.

use crate::domain::material::{MediaType, UploadAnswer, UploadError, check_size};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the form shows, in the page's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadModel {
    pub action: String,
    /// Where to go after a successful upload (the page, reloaded, shows the file).
    pub done_url: String,
    pub input_id: String,
    pub label: String,
    pub button: String,
    pub max_bytes: u64,
    /// Messages by `UploadError` code, plus [`FAILED`] for a dropped connection.
    pub messages: Vec<(String, String)>,
    /// "正在上传… {percent}%"
    pub progress_template: String,
}

#[island]
pub fn MaterialUpload(model: UploadModel) -> impl IntoView {
    let UploadModel { action, done_url, input_id, label, button, max_bytes, messages, progress_template } = model;
    let progress = RwSignal::new(None::<u32>);
    // Set once the island runs in the browser, as on the application form.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let error = RwSignal::new(None::<String>);
    let messages = StoredValue::new(messages);
    let message = move |code: &str| messages.with_value(|m| m.iter().find(|(c, _)| c == code).map(|(_, t)| t.clone()).unwrap_or_default());
    let error_id = format!("{input_id}-error");
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let (action_url, done) = (action.clone(), StoredValue::new(done_url));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(input) = input_ref.get_untracked() else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        if let Err(e) = check_size(file.size() as u64, max_bytes) {
            ev.prevent_default();
            error.set(Some(message(e.code())));
            return;
        }
        // From here on the browser sends it; fall back to the plain form if anything
        // needed for the enhanced path is missing.
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else { return };
        let Ok(data) = web_sys::FormData::new() else { return };
        if data.append_with_blob_and_filename("file", &file, &file.name()).is_err() || xhr.open("POST", &action_url).is_err() {
            return;
        }
        ev.prevent_default();
        let _ = xhr.set_request_header("Accept", "application/json");
        error.set(None);
        progress.set(Some(0));
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(Some((e.loaded() / e.total() * 100.0) as u32));
            }
        });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        on_progress.forget();
        let request = xhr.clone();
        let on_end = Closure::<dyn FnMut()>::new(move || {
            progress.set(None);
            match request.status().unwrap_or(0) {
                200 => {
                    let _ = window().location().assign(&done.get_value());
                }
                _ => {
                    let body = request.response_text().ok().flatten().unwrap_or_default();
                    let refused = serde_json::from_str::<UploadAnswer>(&body).ok().and_then(|a| a.error);
                    error.set(Some(message(refused.map_or(FAILED, UploadError::code))));
                }
            }
        });
        xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
        on_end.forget();
        if xhr.send_with_opt_form_data(Some(&data)).is_err() {
            progress.set(None);
            error.set(Some(message(FAILED)));
        }
    };

    let described = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    view! {
        <form method="post" enctype="multipart/form-data" action=action on:submit=on_submit class="flex flex-wrap items-end gap-3"
            data-hydrated=move || hydrated.get().then_some("true")>
            <div>
                <label for=input_id.clone() class="field-label">{label}</label>
                {move || error.get().map(|e| view! { <span id=error_id.clone() class="field-error" role="alert">{e}</span> })}
                <input id=input_id name="file" type="file" required accept=MediaType::accept_attribute() class="block max-w-full"
                    node_ref=input_ref aria-describedby=described aria-invalid=move || error.with(Option::is_some).to_string()/>
            </div>
            <button type="submit" class="btn-secondary" disabled=move || progress.get().is_some()>{button}</button>
            {move || progress.get().map(|p| view! {
                <div class="w-full" role="status">
                    <progress class="w-full max-w-xl" max="100" value=p.to_string()></progress>
                    <span>{crate::domain::text::fill_template(&progress_template, &[("percent", p.to_string())])}</span>
                </div>
            })}
        </form>
    }
}

/// The message code for an upload that did not finish (no answer, or not ours).
pub const FAILED: &str = "failed";

/// Every message code the island may show: each `UploadError`, and [`FAILED`].
pub fn message_codes() -> impl Iterator<Item = &'static str> {
    UploadError::ALL.into_iter().map(UploadError::code).chain([FAILED])
}
