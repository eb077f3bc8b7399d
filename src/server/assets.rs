//! The client code and stylesheet under content-hashed names, so browsers keep them
//! for a year without asking again (`immutable`) and a new build is fetched at once
//! because its names change. Read once at start-up from the built site; each page
//! names them through [`ClientAssets::stylesheet`] and [`ClientAssets::loader`].
//!
//! The island loader (`islands.js`) names the client code it imports, so it is
//! rewritten to the hashed names first and then hashed itself.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// Where hashed files are served.
pub const ASSETS_PATH: &str = "/assets";

struct Asset {
    content_type: &'static str,
    raw: Bytes,
    /// The build's brotli copy (`.br`), when there is one.
    brotli: Option<Bytes>,
}

/// The hashed files, by name (`portal.3f9a1c2b7d.wasm`).
#[derive(Clone, Default)]
pub struct ClientAssets {
    files: Arc<HashMap<String, Asset>>,
    stylesheet: String,
    loader: String,
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `portal.js` + bytes → `portal.0123456789.js`.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = crate::server::clock::hex(&Sha256::digest(bytes));
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{}.{ext}", &digest[..10]),
        None => format!("{name}.{}", &digest[..10]),
    }
}

impl ClientAssets {
    /// Reads `site_root/pkg/portal.{css,js,wasm}` (with their `.br` copies) and
    /// `site_root/islands.js`. A missing file is an error: a portal without its client
    /// code would serve pages that look broken.
    pub fn load(site_root: &std::path::Path, pkg_dir: &str) -> Result<ClientAssets, String> {
        let read = |path: std::path::PathBuf| std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()));
        let mut files = HashMap::new();
        let mut url_of = HashMap::new();
        for name in ["portal.css", "portal.js", "portal.wasm"] {
            let raw = read(site_root.join(pkg_dir).join(name))?;
            let brotli = std::fs::read(site_root.join(pkg_dir).join(format!("{name}.br"))).ok();
            let hashed = hashed_name(name, &raw);
            url_of.insert(name, format!("{ASSETS_PATH}/{hashed}"));
            files.insert(hashed, Asset { content_type: content_type(name), raw: raw.into(), brotli: brotli.map(Bytes::from) });
        }
        let loader = String::from_utf8(read(site_root.join("islands.js"))?).map_err(|e| format!("islands.js: {e}"))?;
        let mut rewritten = loader.clone();
        for name in ["portal.js", "portal.wasm"] {
            let plain = format!("/{pkg_dir}/{name}");
            if !rewritten.contains(&plain) {
                return Err(format!("islands.js does not import {plain}; it must, to be given the hashed name"));
            }
            rewritten = rewritten.replace(&plain, &url_of[name]);
        }
        let loader_name = hashed_name("islands.js", rewritten.as_bytes());
        files.insert(loader_name.clone(), Asset { content_type: content_type("islands.js"), raw: rewritten.into_bytes().into(), brotli: None });
        Ok(ClientAssets { files: Arc::new(files), stylesheet: url_of["portal.css"].clone(), loader: format!("{ASSETS_PATH}/{loader_name}") })
    }

    /// The stylesheet's hashed address.
    pub fn stylesheet(&self) -> &str {
        &self.stylesheet
    }

    /// The island loader's hashed address.
    pub fn loader(&self) -> &str {
        &self.loader
    }
}

/// `GET /assets/{name}`: a hashed file, cached for a year; brotli when the build
/// made a copy and the browser accepts it.
pub async fn serve(State(assets): State<ClientAssets>, Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = assets.files.get(&name) else { return StatusCode::NOT_FOUND.into_response() };
    let accepts_brotli = crate::server::page_cache::Encoding::of(&headers) == crate::server::page_cache::Encoding::Brotli;
    let mut response = Response::new(Body::empty());
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let body = match (&asset.brotli, accepts_brotli) {
        (Some(br), true) => {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            br.clone()
        }
        _ => asset.raw.clone(),
    };
    *response.body_mut() = Body::from(body);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_change_with_content_and_the_loader_imports_the_hashed_client() {
        let dir = std::env::temp_dir().join(format!("portal-assets-test-{}", crate::server::clock::random_token()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("pkg/portal.css"), "body{}").unwrap();
        std::fs::write(dir.join("pkg/portal.js"), "export default 1").unwrap();
        std::fs::write(dir.join("pkg/portal.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.join("pkg/portal.wasm.br"), b"compressed").unwrap();
        std::fs::write(dir.join("islands.js"), r#"await import("/pkg/portal.js"); init({ module_or_path: "/pkg/portal.wasm" });"#).unwrap();
        let assets = ClientAssets::load(&dir, "pkg").unwrap();
        assert!(assets.stylesheet().starts_with("/assets/portal.") && assets.stylesheet().ends_with(".css"));
        let loader = &assets.files[assets.loader().trim_start_matches("/assets/")];
        let loader = std::str::from_utf8(&loader.raw).unwrap();
        assert!(!loader.contains("/pkg/"), "{loader}");
        let wasm = assets.files.keys().find(|k| k.ends_with(".wasm")).unwrap();
        assert!(loader.contains(&format!("/assets/{wasm}")), "{loader}");
        assert_eq!(assets.files[wasm].brotli.as_deref(), Some(&b"compressed"[..]));
        // Another build of the stylesheet gets another name.
        std::fs::write(dir.join("pkg/portal.css"), "body{color:red}").unwrap();
        assert_ne!(ClientAssets::load(&dir, "pkg").unwrap().stylesheet(), assets.stylesheet());
        // A loader that no longer names the client code is refused.
        std::fs::write(dir.join("islands.js"), "console.log(1)").unwrap();
        assert!(ClientAssets::load(&dir, "pkg").is_err());
    }
}
