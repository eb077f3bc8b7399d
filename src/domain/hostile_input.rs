//! Hostile input (issue 15): every parser of the domain, the form rules and the
//! catalog schema take generated text (any Unicode, and text shaped like what they
//! expect: digits with an X, dates, full-width digits, control and direction
//! characters) and must answer Ok or Err, never panic.

use super::calendar::{Date, WorkCalendar};
use super::catalog::ServiceItem;
use super::form::*;
use super::ids::{CreditCode, MobilePhone, ResidentId, TrackingNumber};
use super::text::Text;
use proptest::prelude::*;

/// Text that looks like what the parsers expect, spiced with what breaks naive code.
fn shaped() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9Xx\\-\\s]{0,30}",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,3}",
        "[０-９0-9 +\u{3000}]{0,20}",
        "[\u{0}\u{202e}\u{200b}\u{feff}<>\"'&;%0-9A-Za-z\u{4e00}-\u{4e20}\u{1f600}]{0,40}",
    ]
}

fn field(name: &str, kind: FieldKind) -> FieldDefinition {
    FieldDefinition {
        name: name.into(),
        label: Text { zh: name.into(), en: name.into() },
        hint: None,
        kind,
        required: true,
        min_length: Some(2),
        max_length: Some(20),
        min: Some(1),
        max: Some(3),
        date_range: DateRange::PastOrToday,
        options: vec![FieldOption { value: "a".into(), label: Text::default() }, FieldOption { value: "other".into(), label: Text::default() }],
        show_when: None,
        fields: vec![],
    }
}

/// A form with every kind of question, a condition, a group and every rule kind.
fn every_feature() -> FormDefinition {
    let kinds = [FieldKind::Text, FieldKind::LongText, FieldKind::ResidentId, FieldKind::CreditCode, FieldKind::Mobile, FieldKind::Date, FieldKind::Integer, FieldKind::Select];
    let mut fields: Vec<FieldDefinition> = kinds.iter().enumerate().map(|(i, k)| field(&format!("f{i}"), *k)).collect();
    fields.push(FieldDefinition { show_when: Some(Condition { field: "f7".into(), any_of: vec!["other".into()] }), ..field("why", FieldKind::Text) });
    let mut group = field("members", FieldKind::Group);
    group.fields = vec![field("name", FieldKind::Text), FieldDefinition { show_when: Some(Condition { field: "kind".into(), any_of: vec!["a".into()] }), ..field("id", FieldKind::ResidentId) }, field("kind", FieldKind::Select)];
    fields.push(group);
    fields.push(FieldDefinition { date_range: DateRange::Any, ..field("end", FieldKind::Date) });
    let rule = |kind, field: &str, other: &str| FormRule { kind, field: field.into(), other: other.into(), message: Text::default() };
    FormDefinition { fields, rules: vec![rule(RuleKind::After, "end", "f5"), rule(RuleKind::NotBefore, "end", "f5"), rule(RuleKind::BirthDateOf, "f5", "f2")] }
}

fn today() -> Date {
    Date::new(2026, 12, 3).expect("a date")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_id_parsers_never_panic_and_what_they_accept_reads_back(s in shaped()) {
        if let Ok(id) = ResidentId::parse(&s) {
            prop_assert_eq!(ResidentId::parse(id.as_str()).ok(), Some(id.clone()));
            prop_assert!(id.birth_date() <= Date::new(2100, 1, 1).expect("a date"));
        }
        if let Ok(code) = CreditCode::parse(&s) {
            prop_assert_eq!(CreditCode::parse(code.as_str()).ok(), Some(code.clone()));
        }
        if let Ok(phone) = MobilePhone::parse(&s) {
            prop_assert_eq!(phone.as_str().len(), 11);
            let _ = phone.masked();
        }
        if let Ok(n) = TrackingNumber::parse(&s) {
            prop_assert_eq!(TrackingNumber::parse(&n.to_string()).ok(), Some(n.clone()));
        }
        let _ = super::credit::CreditSubject::parse(&s);
        let _ = super::one_time_code::OneTimeCode::parse(&s);
        let _ = super::deadline::YellowShare::parse(&s);
        let _ = super::fee::PaymentOutcome::parse(&s);
    }

    #[test]
    fn dates_parse_or_refuse_and_round_trip(s in shaped()) {
        if let Some(d) = Date::parse_iso(&s) {
            prop_assert_eq!(Date::parse_iso(&d.to_string()), Some(d));
        }
        let _ = Date::parse_compact(&s);
    }

    #[test]
    fn the_form_rules_judge_any_answers_without_panicking(
        answers in proptest::collection::btree_map(
            prop_oneof![Just("f0".to_owned()), Just("f2".to_owned()), Just("f5".to_owned()), Just("f6".to_owned()), Just("f7".to_owned()), Just("members".to_owned()),
                        Just("members.1.kind".to_owned()), Just("members.2.id".to_owned()), Just("end".to_owned()), "[a-z.0-9]{0,12}"],
            shaped(), 0..12),
        n in 0usize..14,
        remove in 0usize..25,
    ) {
        let form = every_feature();
        let mut raw: RawAnswers = answers;
        let judged = validate_answers(&form, &raw, today());
        if let Ok(valid) = &judged {
            // What passes passes again: normalised answers are stable.
            let again: RawAnswers = valid.0.clone();
            prop_assert!(validate_answers(&form, &again, today()).is_ok());
        }
        let _ = after_question(&form, &raw, n, today());
        let _ = shown_questions(&form, &raw);
        let _ = add_entry(&form, &mut raw, "members");
        let _ = remove_entry(&form, &mut raw, "members", remove);
        prop_assert!(shown_slots(&form, &raw).len() <= all_slots(&form).len());
    }

    #[test]
    fn the_catalog_schema_refuses_or_checks_any_text(s in any::<String>(), year in any::<String>()) {
        if let Ok(item) = toml::from_str::<ServiceItem>(&s) {
            let _ = item.check(&[]);
        }
        let _ = super::credit::parse_credit_file(&s);
        let _ = super::proactive::parse_proactive_file(&s, &["MKT-0001"]);
        let _ = WorkCalendar::from_toml_texts(&[&year]);
    }
}

/// A field name that only looks like a group entry, or a group count far past
/// its bound, is answered like anything else: bounded, never an index out of range.
#[test]
fn forged_entry_counts_and_keys_are_bounded() {
    let form = every_feature();
    let mut raw = RawAnswers::new();
    raw.insert("members".into(), "18446744073709551616".into());
    raw.insert("members.999999.name".into(), "x".into());
    assert!(shown_slots(&form, &raw).iter().filter(|s| s.entry.is_some()).count() <= 3 * 3);
    assert!(!remove_entry(&form, &mut raw, "members", usize::MAX));
    let valid = validate_answers(&form, &raw, today()).err().map(|e| e.0.len());
    assert!(valid.is_some());
}
