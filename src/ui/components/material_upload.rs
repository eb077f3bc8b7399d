//! Uploading one material. Rendered as a plain multipart `<form>` that works without
//! JavaScript; as an island it checks the size before sending (a 12 MB photo is not
//! pushed over a slow network only to be refused) and shows upload progress.
//! XMLHttpRequest rather than fetch: only it reports upload progress.

use crate::domain::material::{MediaType, PHOTO_MAX_EDGE, UploadAnswer, UploadError, check_size, scaled_size};
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

    let sender = Sender { action: StoredValue::new(action_url), done, progress, error, messages, max_bytes };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(input) = input_ref.get_untracked() else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        // Photos are scaled first, so their size is judged after; other files now.
        let photo = matches!(file.type_().as_str(), "image/jpeg" | "image/png");
        if !photo {
            if let Err(e) = check_size(file.size() as u64, max_bytes) {
                ev.prevent_default();
                error.set(Some(message(e.code())));
                return;
            }
        }
        // From here on the browser sends it; without XMLHttpRequest the plain form does.
        if web_sys::XmlHttpRequest::new().is_err() {
            return;
        }
        ev.prevent_default();
        error.set(None);
        progress.set(Some(0));
        let name = file.name();
        if photo {
            scale_photo(file, move |blob, name| sender.send(blob, name, 0));
        } else {
            sender.send(file.into(), name, 0);
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

/// Sends a file and reports how it went, retrying when the network dropped it.
#[derive(Clone, Copy)]
struct Sender {
    action: StoredValue<String>,
    done: StoredValue<String>,
    progress: RwSignal<Option<u32>>,
    error: RwSignal<Option<String>>,
    messages: StoredValue<Vec<(String, String)>>,
    max_bytes: u64,
}

/// How many times a send the network dropped is tried again (after 1 s, then 3 s):
/// a village connection drops a request now and then and is back a moment later.
const RETRIES: u32 = 2;

impl Sender {
    fn fail(self, code: &str) {
        self.progress.set(None);
        let text = self.messages.with_value(|m| m.iter().find(|(c, _)| c == code).map(|(_, t)| t.clone()).unwrap_or_default());
        self.error.set(Some(text));
    }

    fn send(self, blob: web_sys::Blob, name: String, attempt: u32) {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        if let Err(e) = check_size(blob.size() as u64, self.max_bytes) {
            return self.fail(e.code());
        }
        let (Ok(xhr), Ok(data)) = (web_sys::XmlHttpRequest::new(), web_sys::FormData::new()) else { return self.fail(FAILED) };
        if data.append_with_blob_and_filename("file", &blob, &name).is_err() || self.action.with_value(|a| xhr.open("POST", a)).is_err() {
            return self.fail(FAILED);
        }
        let _ = xhr.set_request_header("Accept", "application/json");
        let progress = self.progress;
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
        let on_end = Closure::once_into_js(move || match request.status().unwrap_or(0) {
            200 => {
                let _ = window().location().assign(&self.done.get_value());
            }
            // No answer at all: the connection dropped. Try again shortly.
            0 if attempt < RETRIES => {
                let wait = std::time::Duration::from_secs(u64::from(1 + 2 * attempt));
                set_timeout(move || self.send(blob, name, attempt + 1), wait);
            }
            _ => {
                let body = request.response_text().ok().flatten().unwrap_or_default();
                let refused = serde_json::from_str::<UploadAnswer>(&body).ok().and_then(|a| a.error);
                self.fail(refused.map_or(FAILED, UploadError::code));
            }
        });
        xhr.set_onloadend(Some(on_end.unchecked_ref()));
        if xhr.send_with_opt_form_data(Some(&data)).is_err() {
            self.fail(FAILED);
        }
    }
}

/// Scales a photo in the browser so its long edge is at most `PHOTO_MAX_EDGE`
/// (a 4 MB camera photo becomes a few hundred KB of JPEG) and hands it on; a photo
/// small enough already, or one the browser cannot draw, is handed on as it is.
fn scale_photo(file: web_sys::File, then: impl FnOnce(web_sys::Blob, String) + 'static) {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    let name = file.name();
    let then: Rc<RefCell<Option<Box<dyn FnOnce(web_sys::Blob, String)>>>> = Rc::new(RefCell::new(Some(Box::new(then))));
    let hand_on = {
        let then = then.clone();
        move |blob: web_sys::Blob, name: String| {
            if let Some(f) = then.borrow_mut().take() {
                f(blob, name);
            }
        }
    };
    let (Ok(url), Ok(img)) = (web_sys::Url::create_object_url_with_blob(&file), web_sys::HtmlImageElement::new()) else {
        return hand_on(file.into(), name);
    };
    let as_is = (file.clone(), name.clone());
    let on_error = {
        let hand_on = hand_on.clone();
        let (file, name) = as_is.clone();
        Closure::once_into_js(move || hand_on(file.into(), name))
    };
    let image = img.clone();
    let object_url = url.clone();
    let on_load = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&object_url);
        let (file, name) = as_is;
        let Some((w, h)) = scaled_size(image.natural_width(), image.natural_height(), PHOTO_MAX_EDGE) else {
            return hand_on(file.into(), name);
        };
        let canvas = window().document().and_then(|d| d.create_element("canvas").ok()).and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let Some(canvas) = canvas else { return hand_on(file.into(), name) };
        canvas.set_width(w);
        canvas.set_height(h);
        let context = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
        let Some(context) = context else { return hand_on(file.into(), name) };
        if context.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, f64::from(w), f64::from(h)).is_err() {
            return hand_on(file.into(), name);
        }
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s).to_owned();
        let (fallback, original, original_name) = (hand_on.clone(), file.clone(), name.clone());
        let on_blob = Closure::once_into_js(move |blob: JsValue| match blob.dyn_into::<web_sys::Blob>() {
            Ok(jpeg) => hand_on(jpeg, format!("{stem}.jpg")),
            Err(_) => hand_on(file.into(), name),
        });
        if canvas.to_blob_with_type_and_encoder_options(on_blob.unchecked_ref(), "image/jpeg", &JsValue::from_f64(0.85)).is_err() {
            fallback(original.into(), original_name);
        }
    });
    img.set_onload(Some(on_load.unchecked_ref()));
    img.set_onerror(Some(on_error.unchecked_ref()));
    img.set_src(&url);
}

/// The message code for an upload that did not finish (no answer, or not ours).
pub const FAILED: &str = "failed";

/// Every message code the island may show: each `UploadError`, and [`FAILED`].
pub fn message_codes() -> impl Iterator<Item = &'static str> {
    UploadError::ALL.into_iter().map(UploadError::code).chain([FAILED])
}
