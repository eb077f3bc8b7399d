//! Server-side helpers of e-licences: unguessable verification codes and QR codes.

/// Letters and digits that cannot be mistaken for one another when read aloud or
/// typed from paper (no 0/O, 1/I).
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A verification code: 20 characters from a 32-letter alphabet, 100 bits from the
/// operating system's generator, so codes cannot be guessed or enumerated.
pub fn verification_code() -> String {
    let mut bytes = [0u8; 20];
    getrandom::getrandom(&mut bytes).expect("the operating system's random generator is unavailable");
    bytes.iter().map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect()
}

/// An SVG QR code of `url`.
pub fn qr_svg(url: &str) -> Result<String, String> {
    qrcode::QrCode::new(url.as_bytes())
        .map(|q| q.render::<qrcode::render::svg::Color>().min_dimensions(160, 160).quiet_zone(true).build())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_shape_the_verify_page_accepts_and_differ() {
        let a = verification_code();
        assert!(crate::domain::licence::is_verification_code(&a), "{a}");
        assert_ne!(a, verification_code());
    }
}
