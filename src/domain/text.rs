//! Text normalisation shared by every parser: citizens type on phones with Chinese
//! input methods, which produce full-width digits and letters and ideographic spaces.

/// Maps full-width ASCII forms (U+FF01–U+FF5E) to ASCII and drops every kind of
/// white space, including the ideographic space U+3000.
pub fn fold_to_ascii_compact(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(fold_char)
        .collect()
}

/// Maps one full-width ASCII form to its ASCII twin; anything else is returned as is.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

/// Why a piece of free text a person wrote (a clerk's note, a reason for a change, a
/// postal address, an answer) was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeTextError {
    /// Nothing but white space, where something must be written.
    Missing,
    TooLong { max: usize },
    /// An invisible control character other than a line break or a tab. Nobody types
    /// one; it comes pasted from elsewhere or forged, PostgreSQL text cannot hold NUL,
    /// and a terminal or a printer may act on the others.
    ControlCharacter,
}

/// Whether `c` may stand in free text: everything but control characters, except
/// line breaks and tabs. Markup, quotes, direction marks and emoji are text.
pub fn allowed_in_free_text(c: char) -> bool {
    !c.is_control() || matches!(c, '\n' | '\r' | '\t')
}

/// Checks free text and returns it trimmed (empty when nothing was written: whether
/// that is allowed is the caller's rule). Length is counted in characters, as a
/// citizen counts 汉字.
pub fn free_text(raw: &str, max_chars: usize) -> Result<&str, FreeTextError> {
    let text = raw.trim();
    if !text.chars().all(allowed_in_free_text) {
        return Err(FreeTextError::ControlCharacter);
    }
    if text.chars().count() > max_chars {
        return Err(FreeTextError::TooLong { max: max_chars });
    }
    Ok(text)
}

/// [`free_text`] where something must be written.
pub fn required_free_text(raw: &str, max_chars: usize) -> Result<&str, FreeTextError> {
    free_text(raw, max_chars).and_then(|t| if t.is_empty() { Err(FreeTextError::Missing) } else { Ok(t) })
}

/// The longest reason an administrator may give for a change to a calendar or a
/// credit list (recorded in the audit chain).
pub const CHANGE_REASON_MAX_CHARS: usize = 500;

/// A piece of catalog text in each language the portal speaks.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

/// The languages of catalog data. UI strings use the i18n module; catalog data
/// (written by departments, not developers) carries both languages itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language of a stored locale code (a case's, a message's): English for
    /// `en`, Chinese for anything else.
    pub fn of_locale(code: &str) -> Lang {
        if code == "en" { Lang::En } else { Lang::Zh }
    }
}

impl Text {
    /// The text in `lang`, falling back to Chinese (the authoritative version) when
    /// a translation is missing.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.trim().is_empty() => &self.en,
            _ => &self.zh,
        }
    }
}

/// Fills `{name}` placeholders in a message template. Templates come from the i18n
/// files; the same function renders a message on the server and in the browser.
pub fn fill_template(template: &str, args: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_ideographic_spaces_are_folded() {
        assert_eq!(fold_to_ascii_compact("１３８\u{3000}0013 8000"), "13800138000");
        assert_eq!(fold_to_ascii_compact("ｘＸ"), "xX");
    }

    #[test]
    fn free_text_is_trimmed_and_keeps_markup_but_not_control_characters() {
        assert_eq!(free_text("  <script>alert(1)</script> 'OR 1=1 \u{202e}😀\n第二行\t ", 100), Ok("<script>alert(1)</script> 'OR 1=1 \u{202e}😀\n第二行"));
        assert_eq!(free_text("   ", 10), Ok(""));
        assert_eq!(required_free_text(" \n ", 10), Err(FreeTextError::Missing));
        assert_eq!(required_free_text(" 节假日调整 ", 10), Ok("节假日调整"));
        assert_eq!(free_text("五个汉字啊", 5), Ok("五个汉字啊"));
        assert_eq!(free_text("六个汉字啊啊", 5), Err(FreeTextError::TooLong { max: 5 }));
        for bad in ["林\0晓", "a\u{7}b", "a\u{1b}[31mb", "a\u{7f}b", "a\u{85}b", "a\u{9b}b"] {
            assert_eq!(free_text(bad, 100), Err(FreeTextError::ControlCharacter), "{bad:?}");
        }
    }

    #[test]
    fn missing_english_falls_back_to_chinese() {
        let t = Text { zh: "营业执照".into(), en: " ".into() };
        assert_eq!(t.get(Lang::En), "营业执照");
    }

    #[test]
    fn templates_fill_every_named_placeholder() {
        assert_eq!(
            fill_template("至少 {min} 个字，最多 {max} 个字", &[("min", "2".into()), ("max", "5".into())]),
            "至少 2 个字，最多 5 个字"
        );
    }
}
