//! Correction requests (补正): the clerk names exactly which answers and materials the
//! applicant must fix, the applicant changes only those, and resubmits.

use super::catalog::ServiceItem;
use super::form::{FieldErrors, RawAnswers, validate_answers};
use super::calendar::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the applicant must fix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRequest {
    /// Names of the form fields to answer again.
    pub fields: Vec<String>,
    /// Codes of the materials to upload again.
    pub materials: Vec<String>,
    /// What is wrong, in the clerk's words.
    pub note: String,
}

/// Why a correction request cannot be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CorrectionRequestError {
    /// Nothing was named: the applicant would not know what to fix.
    NothingNamed,
    /// A name that is not a field or material of the item (a forged form).
    Unknown,
}

/// Whether a clerk may name a field for correction: a plain question. Not a
/// repeating group (its entries move when one is removed), nor a question asked
/// only on another's answer, nor one other questions depend on: changing it would
/// ask questions the correction page does not show. Those are corrected by a new
/// application, which the clerk's note can ask for.
pub fn correctable_field(form: &super::form::FormDefinition, f: &super::form::FieldDefinition) -> bool {
    let depended_on = form.fields.iter().flat_map(|q| std::iter::once(q).chain(&q.fields)).any(|q| q.show_when.as_ref().is_some_and(|c| c.field == f.name));
    f.kind != super::form::FieldKind::Group && f.show_when.is_none() && !depended_on
}

impl CorrectionRequest {
    /// Builds a request from the clerk's ticked boxes, keeping the item's order.
    pub fn new(item: &ServiceItem, fields: &[String], materials: &[String], note: &str) -> Result<CorrectionRequest, CorrectionRequestError> {
        if fields.iter().any(|f| !item.form.fields.iter().any(|d| &d.name == f && correctable_field(&item.form, d))) || materials.iter().any(|m| item.material(m).is_none()) {
            return Err(CorrectionRequestError::Unknown);
        }
        if fields.is_empty() && materials.is_empty() {
            return Err(CorrectionRequestError::NothingNamed);
        }
        Ok(CorrectionRequest {
            fields: item.form.fields.iter().filter(|d| fields.contains(&d.name)).map(|d| d.name.clone()).collect(),
            materials: item.materials.iter().filter(|m| materials.contains(&m.code)).map(|m| m.code.clone()).collect(),
            note: note.trim().to_owned(),
        })
    }

    /// The case's answers with the corrected ones put in. Only the named fields change,
    /// whatever else the browser sent; the whole result is validated again, so a
    /// correction cannot leave the case with an invalid answer.
    pub fn apply(&self, item: &ServiceItem, current: &BTreeMap<String, String>, sent: &RawAnswers, today: Date) -> Result<BTreeMap<String, String>, FieldErrors> {
        let mut raw: RawAnswers = current.clone().into_iter().collect();
        for name in &self.fields {
            raw.insert(name.clone(), sent.get(name).cloned().unwrap_or_default());
        }
        validate_answers(&item.form, &raw, today).map(|a| a.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::tests::sample_item;

    #[test]
    fn a_request_must_name_something_real() {
        let item = sample_item();
        assert_eq!(CorrectionRequest::new(&item, &[], &[], "x"), Err(CorrectionRequestError::NothingNamed));
        assert_eq!(CorrectionRequest::new(&item, &["nope".into()], &[], "x"), Err(CorrectionRequestError::Unknown));
        let r = CorrectionRequest::new(&item, &["id_number".into()], &["id_card".into()], " 号码有误 ").unwrap();
        assert_eq!((r.fields, r.materials, r.note.as_str()), (vec!["id_number".to_owned()], vec!["id_card".to_owned()], "号码有误"));
    }

    #[test]
    fn only_the_named_answers_change() {
        let item = sample_item();
        let r = CorrectionRequest::new(&item, &["id_number".into()], &[], "").unwrap();
        let mut current = BTreeMap::new();
        current.insert("applicant_name".to_owned(), "王小明".to_owned());
        current.insert("applicant_phone".to_owned(), "13800138000".to_owned());
        current.insert("id_number".to_owned(), "11010519491231002X".to_owned());
        let mut sent = RawAnswers::new();
        sent.insert("id_number".into(), "110105194912310021".into());
        sent.insert("applicant_name".into(), "冒名".into());
        let today = Date::new(2026, 4, 3).unwrap();
        let err = r.apply(&item, &current, &sent, today).unwrap_err();
        assert!(err.get("id_number").is_some(), "a bad check digit is still refused");
        sent.insert("id_number".into(), "11010519491231002x".into());
        let fixed = r.apply(&item, &current, &sent, today).unwrap();
        assert_eq!(fixed["applicant_name"], "王小明", "a field not named stays as it was");
        assert_eq!(fixed["id_number"], "11010519491231002X");
    }
}
