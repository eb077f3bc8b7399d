//! Catalog search as people type it: Chinese characters, full pinyin ("shengyu")
//! or pinyin initials ("sydj") all find 生育登记. The readings of the characters
//! come from a dictionary on the server when the catalog is loaded; these rules
//! turn them into search keys and a typed query into something to match, and are
//! the same wherever they run.

use super::text::fold_char;

/// How one character of a name reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading<'a> {
    /// A Chinese character's toneless syllable, e.g. "sheng".
    Syllable(&'a str),
    /// Anything else: letters and digits are kept, the rest separate words.
    Other(char),
}

/// The pinyin search keys of a name, as one text: the full pinyin run together and
/// the initials, e.g. `shengyudengji sydj` for 生育登记. Letters and digits inside
/// the name (B超, 110) are kept in both; punctuation and spaces are dropped, so a
/// query may run across them.
pub fn pinyin_keys<'a>(readings: impl IntoIterator<Item = Reading<'a>>) -> String {
    let mut full = String::new();
    let mut initials = String::new();
    for r in readings {
        match r {
            Reading::Syllable(s) => {
                let s = s.to_ascii_lowercase();
                if let Some(first) = s.chars().next() {
                    initials.push(first);
                }
                full.push_str(&s);
            }
            Reading::Other(c) => {
                let c = fold_char(c);
                if c.is_ascii_alphanumeric() {
                    let c = c.to_ascii_lowercase();
                    full.push(c);
                    initials.push(c);
                }
            }
        }
    }
    if full.is_empty() { String::new() } else { format!("{full} {initials}") }
}

/// A typed query as pinyin to look for in the keys: lower case, without the spaces
/// and apostrophes people put between syllables ("Sheng Yu", "xi'an"), full-width
/// letters folded. `None` when the query has anything but Latin letters, digits,
/// spaces and apostrophes (then it is Chinese or something else, not pinyin), or
/// has no letter at all (digits alone are not pinyin).
pub fn pinyin_query(typed: &str) -> Option<String> {
    let mut out = String::new();
    for c in typed.chars().map(fold_char) {
        match c {
            c if c.is_whitespace() || c == '\'' || c == '’' => {}
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            // ü is typed as v on every pinyin keyboard; the keys use v too.
            'ü' | 'Ü' => out.push('v'),
            _ => return None,
        }
    }
    out.bytes().any(|b| b.is_ascii_alphabetic()).then_some(out)
}

/// Whether a query (from `pinyin_query`) matches an item's keys (from `pinyin_keys`):
/// a run of the full pinyin or of the initials. The store does the same with LIKE;
/// this is the rule it follows, for places that match in memory.
pub fn pinyin_matches(keys: &str, query: &str) -> bool {
    !query.is_empty() && keys.split(' ').any(|k| k.contains(query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Reading::*;

    fn shengyu_dengji() -> String {
        pinyin_keys([Syllable("sheng"), Syllable("yu"), Syllable("deng"), Syllable("ji")])
    }

    #[test]
    fn keys_hold_the_full_pinyin_and_the_initials() {
        assert_eq!(shengyu_dengji(), "shengyudengji sydj");
    }

    #[test]
    fn full_pinyin_initials_and_parts_of_them_match() {
        let keys = shengyu_dengji();
        for typed in ["shengyu", "sydj", "SYDJ", "sheng yu deng ji", "dengji", "sy", "ｓｙｄｊ"] {
            let q = pinyin_query(typed).unwrap_or_else(|| panic!("{typed} is pinyin"));
            assert!(pinyin_matches(&keys, &q), "{typed} finds 生育登记");
        }
        for typed in ["shengri", "sydk", "hunyin"] {
            assert!(!pinyin_matches(&keys, &pinyin_query(typed).unwrap()), "{typed} does not find 生育登记");
        }
    }

    #[test]
    fn a_query_never_matches_across_the_two_keys() {
        // "jisy" would only be found by running the full pinyin into the initials.
        assert!(!pinyin_matches(&shengyu_dengji(), "jisy"));
    }

    #[test]
    fn chinese_and_digit_only_queries_are_not_pinyin() {
        assert_eq!(pinyin_query("生育"), None);
        assert_eq!(pinyin_query("sheng育"), None);
        assert_eq!(pinyin_query("12345"), None);
        assert_eq!(pinyin_query("   "), None);
        assert_eq!(pinyin_query("%"), None);
        assert_eq!(pinyin_query("xi'an"), Some("xian".into()));
        assert_eq!(pinyin_query("lü"), Some("lv".into()));
    }

    #[test]
    fn letters_and_digits_in_a_name_are_kept_and_punctuation_dropped() {
        let keys = pinyin_keys([Other('Ｂ'), Other('超'), Other('（'), Syllable("chan"), Other('）'), Other('1')]);
        // (超 given as Other: a character the dictionary did not know is left out.)
        assert_eq!(keys, "bchan1 bc1");
        assert_eq!(pinyin_keys([Other('（'), Other(' ')]), "");
    }
}
