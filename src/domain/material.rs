//! Uploaded materials: what the portal accepts, recognised by content, never by the
//! file's name or the type the browser claims.

use serde::{Deserialize, Serialize};

/// The file types a material may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
}

impl MediaType {
    pub const ALL: [MediaType; 3] = [MediaType::Pdf, MediaType::Jpeg, MediaType::Png];

    /// Recognises a file by its first bytes (magic numbers).
    pub fn sniff(head: &[u8]) -> Option<MediaType> {
        if head.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(MediaType::Png)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpeg",
            MediaType::Png => "png",
        }
    }

    pub fn from_code(code: &str) -> Option<MediaType> {
        MediaType::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The `accept` attribute for file inputs: a hint to the picker, not a check.
    pub fn accept_attribute() -> &'static str {
        "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
    }
}

/// Why an upload was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadError {
    /// No file was chosen, or it was empty.
    Empty,
    /// Larger than the configured limit.
    TooLarge,
    /// Not a PDF, JPEG or PNG, whatever its name says.
    UnsupportedType,
    /// Starts like a PDF, JPEG or PNG but carries web-page markup where a browser
    /// sniffing the file would look: a polyglot made to run as a page.
    Disguised,
}

impl UploadError {
    /// The i18n key under `upload.`.
    pub fn code(self) -> &'static str {
        match self {
            UploadError::Empty => "empty",
            UploadError::TooLarge => "too_large",
            UploadError::UnsupportedType => "unsupported_type",
            UploadError::Disguised => "disguised",
        }
    }

    pub const ALL: [UploadError; 4] = [UploadError::Empty, UploadError::TooLarge, UploadError::UnsupportedType, UploadError::Disguised];

    pub fn from_code(code: &str) -> Option<UploadError> {
        UploadError::ALL.into_iter().find(|e| e.code() == code)
    }
}

/// The server's answer to an upload sent by script (`Accept: application/json`);
/// a plain form post gets a redirect instead. One type for both ends of the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadAnswer {
    pub error: Option<UploadError>,
}

/// Checks a file's size: the browser calls it before sending a file over a slow
/// network, the server again on what actually arrived.
pub fn check_size(size: u64, max_bytes: u64) -> Result<(), UploadError> {
    match size {
        0 => Err(UploadError::Empty),
        s if s > max_bytes => Err(UploadError::TooLarge),
        _ => Ok(()),
    }
}

/// The long edge, in pixels, a photo is scaled to in the browser before it is sent:
/// enough to read an ID card or a certificate, a fraction of a phone camera's bytes.
pub const PHOTO_MAX_EDGE: u32 = 1600;

/// The size to scale a `width` × `height` photo to so its long edge is at most
/// `max_edge`, keeping its proportions; `None` when it is small enough already.
pub fn scaled_size(width: u32, height: u32, max_edge: u32) -> Option<(u32, u32)> {
    let long = width.max(height);
    if long <= max_edge || width == 0 || height == 0 {
        return None;
    }
    let scale = |side: u32| ((u64::from(side) * u64::from(max_edge) + u64::from(long) / 2) / u64::from(long)).max(1) as u32;
    Some((scale(width), scale(height)))
}

/// How far into a file browsers look when they sniff its type (the WHATWG MIME
/// sniffing standard reads 1,445 bytes); markup there could make a file render as
/// a page wherever it is served without `nosniff`.
const SNIFFED_BYTES: usize = 1445;

/// Tags that make a browser take bytes for a web page or an SVG image that runs
/// scripts. Scans, photos and PDFs as scanners and phones write them have none
/// of these in their first bytes (their metadata is XMP: `<?xpacket`, `<x:xmpmeta`).
const MARKUP: [&[u8]; 7] = [b"<html", b"<head", b"<body", b"<script", b"<!doctype", b"<svg", b"<iframe"];

fn carries_markup(head: &[u8]) -> bool {
    let head: Vec<u8> = head.iter().take(SNIFFED_BYTES).map(u8::to_ascii_lowercase).collect();
    MARKUP.iter().any(|tag| head.windows(tag.len()).any(|w| w == *tag))
}

/// Checks a complete upload: not empty, within `max_bytes`, of an accepted type,
/// and not a polyglot that is also a web page. (The portal serves materials with
/// `nosniff` and a sandboxing policy too; refusing them keeps them off clerks'
/// machines altogether.)
pub fn check_upload(bytes: &[u8], max_bytes: u64) -> Result<MediaType, UploadError> {
    check_size(bytes.len() as u64, max_bytes)?;
    let kind = MediaType::sniff(bytes).ok_or(UploadError::UnsupportedType)?;
    if carries_markup(bytes) {
        return Err(UploadError::Disguised);
    }
    Ok(kind)
}

/// A file size for people: `834 KB`, `2.4 MB`.
pub fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        // Tenths of a MB, rounded, in integers: formatting a float would bring the
        // float printer (some 7 KB) into the browser's code for one decimal.
        let tenths = (bytes.saturating_mul(10) + 512 * 1024) / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polyglots_that_are_also_web_pages_are_refused() {
        assert_eq!(check_upload(b"%PDF-1.4\n<html><script>alert(1)</script>", 1000), Err(UploadError::Disguised));
        assert_eq!(check_upload(b"%PDF-1.4\n<SCRIPT>alert(1)</SCRIPT>", 1000), Err(UploadError::Disguised));
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend_from_slice(b"<svg onload=alert(1)>");
        assert_eq!(check_upload(&png, 1000), Err(UploadError::Disguised));
        // Past where browsers sniff, bytes are the file's own business.
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.resize(SNIFFED_BYTES + 10, b' ');
        pdf.extend_from_slice(b"<html>");
        assert_eq!(check_upload(&pdf, 10_000), Ok(MediaType::Pdf));
        // A PDF's own syntax (dictionaries, `<<` and hex strings) is not markup.
        assert_eq!(check_upload(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> <48656c6c6f>", 1000), Ok(MediaType::Pdf));
    }

    #[test]
    fn files_are_recognised_by_content_not_name() {
        assert_eq!(check_upload(b"%PDF-1.7\n...", 100), Ok(MediaType::Pdf));
        assert_eq!(check_upload(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], 100), Ok(MediaType::Jpeg));
        assert_eq!(check_upload(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 100), Ok(MediaType::Png));
        // An executable renamed to .pdf, an HTML page, a ZIP: all refused.
        assert_eq!(check_upload(b"MZ\x90\0", 100), Err(UploadError::UnsupportedType));
        assert_eq!(check_upload(b"<html><script>", 100), Err(UploadError::UnsupportedType));
        assert_eq!(check_upload(b"PK\x03\x04", 100), Err(UploadError::UnsupportedType));
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        assert_eq!(check_upload(b"", 100), Err(UploadError::Empty));
        assert_eq!(check_upload(&[b'%'; 101], 100), Err(UploadError::TooLarge));
    }

    #[test]
    fn upload_answers_round_trip_as_json() {
        for answer in [UploadAnswer { error: None }, UploadAnswer { error: Some(UploadError::TooLarge) }] {
            let json = serde_json::to_string(&answer).unwrap();
            assert_eq!(serde_json::from_str::<UploadAnswer>(&json).unwrap(), answer);
        }
        for e in UploadError::ALL {
            assert_eq!(UploadError::from_code(e.code()), Some(e));
        }
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(900), "900 B");
        assert_eq!(human_size(834 * 1024), "834 KB");
        assert_eq!(human_size(2_516_582), "2.4 MB");
    }

    #[test]
    fn photos_are_scaled_to_their_long_edge_keeping_proportions() {
        assert_eq!(scaled_size(4000, 3000, 1600), Some((1600, 1200)));
        assert_eq!(scaled_size(3000, 4000, 1600), Some((1200, 1600)));
        assert_eq!(scaled_size(3001, 2000, 1600), Some((1600, 1066)));
        assert_eq!(scaled_size(1600, 900, 1600), None);
        assert_eq!(scaled_size(800, 600, 1600), None);
        assert_eq!(scaled_size(100_000, 1, 1600), Some((1600, 1)));
        assert_eq!(scaled_size(0, 5000, 1600), None);
    }
}
