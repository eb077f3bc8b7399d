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
