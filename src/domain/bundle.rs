//! 一件事一次办: one life or business event (opening a business, retiring, a newborn)
//! filed once. A bundle is data in `catalog/bundles/`: the service items it files
//! (its parts), which questions of different items ask the same fact, and which parts
//! wait for an earlier part's licence (the business licence's credit code). One
//! combined form asks each fact once; each part becomes its own case in its own
//! department, all at once where nothing is awaited.

use super::calendar::Date;
use super::case::CaseStatus;
use super::catalog::{CatalogProblem, ServiceItem, is_item_code};
use super::form::{DateRange, FieldDefinition, FieldKind, FormDefinition, RawAnswers, all_slots};
use super::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What of an issued licence a later part's answer is filled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceFact {
    /// The unified social credit code the registration assigned.
    CreditCode,
    /// The day the licence was issued (the day a company was established).
    IssuedOn,
    /// The holder the licence names (the company).
    Holder,
    /// The licence's number.
    Number,
}

/// One service item a bundle files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundlePart {
    pub service: String,
    /// The earlier part whose issued licence this part needs: it is filed the moment
    /// that licence is issued, with the answers and materials the licence provides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Answers taken from that licence instead of asked: field → what of the licence.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub from_licence: BTreeMap<String, LicenceFact>,
    /// Materials that licence stands in for (the business licence itself).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licence_materials: Vec<String>,
}

/// 一件事: a bundle of service items filed with one form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Stable code, e.g. `BND-0001`.
    pub code: String,
    pub name: Text,
    pub summary: Text,
    pub audience: Vec<super::catalog::Audience>,
    pub parts: Vec<BundlePart>,
    /// Questions that ask a fact another item asks under another name: an item's
    /// field name → the name the combined form asks it under.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub same_as: BTreeMap<String, String>,
}

/// A bundle part as it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartState {
    /// Waiting for the earlier part's licence.
    Waiting,
    /// Filed as a case, which stands at this status.
    Filed(CaseStatus),
    /// Not filed: the part it waited for ended without a licence.
    Cancelled,
}

impl PartState {
    pub fn is_final(self) -> bool {
        match self {
            PartState::Waiting => false,
            PartState::Filed(s) => s.is_final(),
            PartState::Cancelled => true,
        }
    }
}

/// Where a whole bundle stands: complete when every part has ended, in whatever
/// order; `issued` of `total` parts gave their result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleProgress {
    pub total: usize,
    pub ended: usize,
    pub issued: usize,
    pub complete: bool,
}

pub fn progress(parts: &[PartState]) -> BundleProgress {
    let ended = parts.iter().filter(|p| p.is_final()).count();
    let issued = parts.iter().filter(|p| matches!(p, PartState::Filed(CaseStatus::Issued))).count();
    BundleProgress { total: parts.len(), ended, issued, complete: !parts.is_empty() && ended == parts.len() }
}

/// A document a bundle asks for once, for every part in `parts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskedMaterial {
    /// The first part asking it: with the material's code, the document's key.
    pub service: String,
    pub material: super::catalog::Material,
    pub parts: Vec<String>,
}

/// What an issued licence tells a later part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedLicence {
    pub number: String,
    pub holder: String,
    pub issued_on: Date,
    pub credit_code: Option<String>,
}

impl Bundle {
    /// The name a field of any part is asked under in the combined form.
    pub fn question_name<'a>(&'a self, field: &'a str) -> &'a str {
        self.same_as.get(field).map(String::as_str).unwrap_or(field)
    }

    pub fn part(&self, service: &str) -> Option<&BundlePart> {
        self.parts.iter().find(|p| p.service == service)
    }

    /// The parts filed at once, not waiting for another's licence.
    pub fn first_parts(&self) -> impl Iterator<Item = &BundlePart> {
        self.parts.iter().filter(|p| p.after.is_none())
    }

    /// The combined form: every part's questions in part order, each fact once (by
    /// its question name), without the answers a licence will provide. Conditions
    /// and rules follow the renaming.
    pub fn combined_form(&self, items: &[ServiceItem]) -> FormDefinition {
        let mut form = FormDefinition::default();
        for part in &self.parts {
            let Some(item) = items.iter().find(|i| i.code == part.service) else { continue };
            for f in &item.form.fields {
                if part.from_licence.contains_key(&f.name) {
                    continue;
                }
                let name = self.question_name(&f.name);
                if form.fields.iter().any(|g| g.name == name) {
                    continue;
                }
                let mut f = f.clone();
                f.name = name.to_owned();
                if let Some(c) = f.show_when.as_mut() {
                    c.field = self.question_name(&c.field).to_owned();
                }
                form.fields.push(f);
            }
            for r in &item.form.rules {
                if part.from_licence.contains_key(&r.field) || part.from_licence.contains_key(&r.other) {
                    continue;
                }
                let mut r = r.clone();
                r.field = self.question_name(&r.field).to_owned();
                r.other = self.question_name(&r.other).to_owned();
                if !form.rules.iter().any(|x| x.kind == r.kind && x.field == r.field && x.other == r.other) {
                    form.rules.push(r);
                }
            }
        }
        form
    }

    /// A part's own answers out of the combined form's (every entry a group holds),
    /// under the names its item asks them.
    pub fn part_answers(&self, item: &ServiceItem, combined: &RawAnswers) -> RawAnswers {
        all_slots(&item.form)
            .iter()
            .filter_map(|slot| {
                let key = slot.key();
                let asked_as = match key.split_once('.') {
                    Some((group, rest)) => format!("{}.{rest}", self.question_name(group)),
                    None => self.question_name(&key).to_owned(),
                };
                combined.get(&asked_as).map(|v| (key, v.clone()))
            })
            .collect()
    }

    /// The answers a waiting part takes from the licence it waited for.
    pub fn licence_answers(part: &BundlePart, licence: &IssuedLicence) -> Vec<(String, String)> {
        part.from_licence
            .iter()
            .filter_map(|(field, fact)| {
                let value = match fact {
                    LicenceFact::CreditCode => licence.credit_code.clone()?,
                    LicenceFact::IssuedOn => licence.issued_on.to_string(),
                    LicenceFact::Holder => licence.holder.clone(),
                    LicenceFact::Number => licence.number.clone(),
                };
                Some((field.clone(), value))
            })
            .collect()
    }

    /// The documents the bundle asks for, each once: parts asking a document with the
    /// same code and name share one upload. A document a part takes from the licence
    /// it waits for is not asked of that part.
    pub fn asked_materials(&self, items: &[ServiceItem]) -> Vec<AskedMaterial> {
        let mut asked: Vec<AskedMaterial> = Vec::new();
        for part in &self.parts {
            let Some(item) = items.iter().find(|i| i.code == part.service) else { continue };
            for m in item.materials.iter().filter(|m| !part.licence_materials.contains(&m.code)) {
                match asked.iter_mut().find(|a| a.material.code == m.code && a.material.name == m.name) {
                    Some(a) => {
                        a.parts.push(part.service.clone());
                        a.material.required |= m.required;
                    }
                    None => asked.push(AskedMaterial { service: part.service.clone(), material: m.clone(), parts: vec![part.service.clone()] }),
                }
            }
        }
        asked
    }

    /// Every problem of this bundle against the catalog; empty when it may be published.
    pub fn check(&self, items: &[ServiceItem]) -> Vec<CatalogProblem> {
        let mut p = Vec::new();
        let mut problem = |field: String, problem: String| p.push(CatalogProblem { field, problem });
        if !is_item_code(&self.code) {
            problem("code".into(), "must be 1–32 characters of A–Z, 0–9 and -".into());
        }
        for (field, text) in [("name", &self.name), ("summary", &self.summary)] {
            if text.zh.trim().is_empty() || text.en.trim().is_empty() {
                problem(field.into(), "must not be empty in either language".into());
            }
        }
        if self.audience.is_empty() {
            problem("audience".into(), "must name at least one of individual, enterprise".into());
        }
        if self.parts.len() < 2 {
            problem("parts".into(), "a bundle files at least two items".into());
        }
        for (i, part) in self.parts.iter().enumerate() {
            let at = format!("parts[{i}]");
            let Some(item) = items.iter().find(|x| x.code == part.service) else {
                problem(format!("{at}.service"), format!("`{}` is no item of the catalog", part.service));
                continue;
            };
            if !item.can_apply_online() {
                problem(format!("{at}.service"), format!("`{}` cannot be applied for online", part.service));
            }
            if self.parts[..i].iter().any(|q| q.service == part.service) {
                problem(format!("{at}.service"), "is listed twice".into());
            }
            match &part.after {
                None => {
                    if !part.from_licence.is_empty() || !part.licence_materials.is_empty() {
                        problem(format!("{at}.from_licence"), "needs `after`: the part whose licence provides it".into());
                    }
                }
                Some(after) => {
                    let earlier = self.parts[..i].iter().find(|q| &q.service == after);
                    let licence = items.iter().find(|x| &x.code == after).and_then(|x| x.licence.as_ref());
                    match (earlier, licence) {
                        (None, _) => problem(format!("{at}.after"), format!("`{after}` is not an earlier part")),
                        (Some(q), _) if q.after.is_some() => problem(format!("{at}.after"), format!("`{after}` waits itself; a part waits for a first part")),
                        (Some(_), None) => problem(format!("{at}.after"), format!("`{after}` issues no licence")),
                        (Some(_), Some(spec)) => {
                            for (field, fact) in &part.from_licence {
                                match item.form.fields.iter().find(|f| &f.name == field) {
                                    None => problem(format!("{at}.from_licence.{field}"), "names no question of the item".into()),
                                    Some(f) if f.show_when.is_some() => problem(format!("{at}.from_licence.{field}"), "cannot fill a conditional question".into()),
                                    Some(_) => {}
                                }
                                if *fact == LicenceFact::CreditCode && !spec.assigns_credit_code {
                                    problem(format!("{at}.from_licence.{field}"), format!("`{after}`'s licence assigns no credit code"));
                                }
                            }
                            for code in &part.licence_materials {
                                if item.material(code).is_none() {
                                    problem(format!("{at}.licence_materials"), format!("`{code}` is no material of the item"));
                                }
                            }
                        }
                    }
                }
            }
            // A fact asked once must be the same question everywhere it is asked.
            for f in &item.form.fields {
                if part.from_licence.contains_key(&f.name) {
                    continue;
                }
                let name = self.question_name(&f.name);
                let first = self.parts[..i]
                    .iter()
                    .filter_map(|q| items.iter().find(|x| x.code == q.service).map(|x| (q, x)))
                    .find_map(|(q, x)| x.form.fields.iter().find(|g| !q.from_licence.contains_key(&g.name) && self.question_name(&g.name) == name));
                if let Some(g) = first {
                    if !same_question(f, g) {
                        problem(format!("{at}.{}", f.name), format!("would take an answer to `{name}` (as an earlier part asks it) that this item refuses: kind, required, bounds or options"));
                    }
                }
            }
        }
        p
    }
}

/// Every answer the combined form's question `asked` accepts is one the part's own
/// question `own` accepts too: the part's case never holds an answer its item refuses.
fn same_question(own: &FieldDefinition, asked: &FieldDefinition) -> bool {
    let options = |f: &FieldDefinition| f.options.iter().map(|o| o.value.clone()).collect::<Vec<_>>();
    let at_least = |own: Option<i64>, asked: Option<i64>| own.is_none_or(|o| asked.is_some_and(|a| a >= o));
    let at_most = |own: Option<i64>, asked: Option<i64>| own.is_none_or(|o| asked.is_some_and(|a| a <= o));
    let len = |v: Option<u32>| v.map(i64::from);
    own.kind == asked.kind
        && (asked.required || !own.required)
        && at_least(len(own.min_length), len(asked.min_length))
        && at_most(len(own.max_length), len(asked.max_length))
        && at_least(own.min, asked.min)
        && at_most(own.max, asked.max)
        && (own.date_range == DateRange::Any || own.date_range == asked.date_range)
        && options(asked).iter().all(|o| options(own).contains(o))
        && (own.kind != FieldKind::Group
            || own.fields.len() == asked.fields.len() && own.fields.iter().zip(&asked.fields).all(|(x, y)| x.name == y.name && same_question(x, y)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::validate_answers;

    fn field(name: &str, kind: &str) -> String {
        format!("[[form.fields]]\nname = \"{name}\"\nlabel = {{ zh = \"{name}\", en = \"{name}\" }}\nkind = \"{kind}\"\nrequired = true\n")
    }

    fn item(code: &str, licence: &str, fields: &[(&str, &str)], materials: &[&str]) -> ServiceItem {
        let mut toml = format!(
            "code = \"{code}\"\ndepartment = \"d\"\naudience = [\"enterprise\"]\nhandling_depth = \"fully_online\"\n\
             name = {{ zh = \"{code}\", en = \"{code}\" }}\nsummary = {{ zh = \"s\", en = \"s\" }}\n{licence}\n\
             [guide]\nconditions = []\nlegal_basis = []\nfee = {{ zh = \"f\", en = \"f\" }}\nstatutory_days = 5\npromised_days = 1\n\
             onsite_visits = 0\nresult = {{ zh = \"r\", en = \"r\" }}\nconsultation_phone = \"1\"\ncomplaint_phone = \"12345\"\n"
        );
        for m in materials {
            toml += &format!("[[materials]]\ncode = \"{m}\"\nname = {{ zh = \"{m}\", en = \"{m}\" }}\nrequired = true\n");
        }
        toml += "[form]\n";
        for (name, kind) in [("applicant_name", "text"), ("applicant_phone", "mobile")].iter().chain(fields) {
            toml += &field(name, kind);
        }
        toml::from_str(&toml).unwrap()
    }

    fn opening() -> (Bundle, Vec<ServiceItem>) {
        let items = vec![
            item("REG-1", "[licence]\nname = { zh = \"营业执照\", en = \"Business licence\" }\nholder_field = \"company_name\"\nassigns_credit_code = true", &[("company_name", "text")], &["articles"]),
            item("TAX-1", "", &[("taxpayer_credit_code", "credit_code"), ("employer_name", "text"), ("staff", "integer")], &["business_licence", "articles"]),
            item("INS-1", "", &[("employer_credit_code", "credit_code"), ("employer_name", "text"), ("staff", "integer")], &["business_licence"]),
        ];
        let bundle: Bundle = toml::from_str(
            "code = \"BND-1\"\nname = { zh = \"开办\", en = \"Opening\" }\nsummary = { zh = \"s\", en = \"s\" }\naudience = [\"enterprise\"]\n\
             same_as = { employer_name = \"company_name\" }\n\
             [[parts]]\nservice = \"REG-1\"\n\
             [[parts]]\nservice = \"TAX-1\"\nafter = \"REG-1\"\nfrom_licence = { taxpayer_credit_code = \"credit_code\" }\nlicence_materials = [\"business_licence\"]\n\
             [[parts]]\nservice = \"INS-1\"\nafter = \"REG-1\"\nfrom_licence = { employer_credit_code = \"credit_code\" }\nlicence_materials = [\"business_licence\"]\n",
        )
        .unwrap();
        (bundle, items)
    }

    fn answers(pairs: &[(&str, &str)]) -> RawAnswers {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn the_combined_form_asks_each_fact_once_and_not_what_a_licence_provides() {
        let (bundle, items) = opening();
        assert!(bundle.check(&items).is_empty(), "{:?}", bundle.check(&items));
        let form = bundle.combined_form(&items);
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["applicant_name", "applicant_phone", "company_name", "staff"]);
        let combined = answers(&[("applicant_name", "王小明"), ("applicant_phone", "13800138000"), ("company_name", "福州某某科技有限公司"), ("staff", "5")]);
        assert!(validate_answers(&form, &combined, Date::parse_iso("2026-12-03").unwrap()).is_ok());
        // Each part receives its own answers under its own names.
        let tax = bundle.part_answers(&items[1], &combined);
        assert_eq!(tax.get("employer_name").map(String::as_str), Some("福州某某科技有限公司"));
        assert_eq!(tax.get("staff").map(String::as_str), Some("5"));
        assert!(!tax.contains_key("company_name") && !tax.contains_key("taxpayer_credit_code"));
        let reg = bundle.part_answers(&items[0], &combined);
        assert!(!reg.contains_key("staff"));
        // The licence fills what was not asked.
        let licence = IssuedLicence { number: "REG-1-20261203-000001".into(), holder: "福州某某科技有限公司".into(), issued_on: Date::parse_iso("2026-12-03").unwrap(), credit_code: Some("91350102MA2Y0000X1".into()) };
        assert_eq!(Bundle::licence_answers(&bundle.parts[1], &licence), vec![("taxpayer_credit_code".to_owned(), "91350102MA2Y0000X1".to_owned())]);
        assert!(Bundle::licence_answers(&bundle.parts[0], &licence).is_empty());
    }

    #[test]
    fn a_document_asked_by_several_parts_is_asked_once() {
        let (bundle, items) = opening();
        let asked = bundle.asked_materials(&items);
        // The registration's articles are asked once for it and the tax part; the
        // business licence is what the registration issues, so nobody is asked for it.
        assert_eq!(asked.len(), 1, "{asked:?}");
        assert_eq!((asked[0].service.as_str(), asked[0].material.code.as_str()), ("REG-1", "articles"));
        assert_eq!(asked[0].parts, ["REG-1", "TAX-1"]);
        let mut b = bundle.clone();
        b.parts[2].licence_materials.clear();
        b.parts[2].from_licence.clear();
        b.parts[2].after = None;
        assert!(b.asked_materials(&items).iter().any(|a| a.material.code == "business_licence" && a.parts == ["INS-1"]));
    }

    #[test]
    fn a_bundle_that_cannot_be_honoured_is_refused_at_start_up() {
        let (bundle, mut items) = opening();
        // A part that waits for a licence no one issues.
        let mut b = bundle.clone();
        b.parts[1].after = Some("INS-1".into());
        assert!(b.check(&items).iter().any(|p| p.field == "parts[1].after"));
        // A credit code from a licence that assigns none.
        let mut b = bundle.clone();
        b.parts.swap(1, 2);
        let mut no_code = items.clone();
        no_code[0].licence.as_mut().unwrap().assigns_credit_code = false;
        assert!(b.check(&no_code).iter().any(|p| p.field.ends_with("from_licence.employer_credit_code")));
        // Licence facts without a part to wait for.
        let mut b = bundle.clone();
        b.parts[1].after = None;
        assert!(b.check(&items).iter().any(|p| p.field == "parts[1].from_licence"));
        // The same fact asked two ways.
        items[2].form.fields[4].kind = FieldKind::Text;
        assert!(bundle.check(&items).iter().any(|p| p.field == "parts[2].staff"));
        // Unknown items, a single part.
        let mut b = bundle.clone();
        b.parts.truncate(1);
        b.parts[0].service = "NOPE".into();
        let problems = b.check(&items);
        assert!(problems.iter().any(|p| p.field == "parts") && problems.iter().any(|p| p.field == "parts[0].service"));
    }

    #[test]
    fn a_bundle_completes_when_every_part_has_ended_in_any_order() {
        use CaseStatus::*;
        let mut parts = [PartState::Filed(Submitted), PartState::Filed(Accepted), PartState::Waiting];
        assert!(!progress(&parts).complete);
        parts[1] = PartState::Filed(Issued);
        parts[2] = PartState::Filed(UnderReview);
        assert_eq!(progress(&parts), BundleProgress { total: 3, ended: 1, issued: 1, complete: false });
        parts[2] = PartState::Filed(Rejected);
        parts[0] = PartState::Filed(Issued);
        assert_eq!(progress(&parts), BundleProgress { total: 3, ended: 3, issued: 2, complete: true });
        assert!(progress(&[PartState::Cancelled, PartState::Filed(Issued)]).complete);
        assert!(!progress(&[]).complete);
    }
}
