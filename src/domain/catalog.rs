//! The catalog of service items (政务服务事项清单) and their guides (办事指南).
//! The catalog is data under `catalog/`; these types are its schema, and
//! [`ServiceItem::check`] is the one place that says what a valid item is.

use super::form::{APPLICANT_NAME, APPLICANT_PHONE, FieldDefinition, FieldKind, FormDefinition};
use super::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A department that delivers services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub code: String,
    pub name: Text,
    pub phone: String,
}

/// Who a service is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Individual,
    Enterprise,
}

impl Audience {
    pub const ALL: [Audience; 2] = [Audience::Individual, Audience::Enterprise];
    pub fn code(self) -> &'static str {
        match self {
            Audience::Individual => "individual",
            Audience::Enterprise => "enterprise",
        }
    }
    pub fn from_code(code: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// 办理深度: how far a service can be handled online.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlingDepth {
    /// 网上申请、现场核验: apply online, come once to show originals or collect.
    OnlineApplication,
    /// 全程网办: apply, decide and deliver without a visit.
    FullyOnline,
}

impl HandlingDepth {
    pub const ALL: [HandlingDepth; 2] = [HandlingDepth::OnlineApplication, HandlingDepth::FullyOnline];
    pub fn code(self) -> &'static str {
        match self {
            HandlingDepth::OnlineApplication => "online_application",
            HandlingDepth::FullyOnline => "fully_online",
        }
    }
    pub fn from_code(code: &str) -> Option<HandlingDepth> {
        HandlingDepth::ALL.into_iter().find(|d| d.code() == code)
    }
}

/// A document the guide asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    /// Stable key within the item: lowercase letters, digits and `_`.
    pub code: String,
    pub name: Text,
    pub required: bool,
    #[serde(default)]
    pub note: Option<Text>,
    /// Items whose issued e-licences stand in for this material (数据代替跑腿).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reusable_licences: Vec<String>,
    /// May be sent after acceptance (容缺受理).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deferrable: bool,
    /// A key material (核心要件): never deferred, not even on the red list's fast lane.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key: bool,
    /// The commitment the applicant may sign instead of sending this proof (告知承诺).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<Text>,
}

/// 办事指南: everything a citizen should know before applying.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub conditions: Vec<Text>,
    pub legal_basis: Vec<Text>,
    pub fee: Text,
    /// 法定时限, in working days.
    pub statutory_days: u32,
    /// 承诺时限, in working days; 0 means handled immediately.
    pub promised_days: u32,
    /// How many times the applicant must come in person (0 for 全程网办).
    pub onsite_visits: u32,
    pub result: Text,
    pub consultation_phone: String,
    pub complaint_phone: String,
}

/// 政务服务事项: one service a department delivers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceItem {
    /// Stable item code, e.g. `MKT-0001`.
    pub code: String,
    pub department: String,
    pub audience: Vec<Audience>,
    pub handling_depth: HandlingDepth,
    #[serde(default)]
    pub popular: bool,
    pub name: Text,
    pub summary: Text,
    pub guide: Guide,
    #[serde(default)]
    pub materials: Vec<Material>,
    pub form: FormDefinition,
    /// The departments that review a case (并联审批 when more than one); by default
    /// the item's own department alone.
    #[serde(default)]
    pub reviewing_departments: Vec<String>,
    /// The e-licence an approved case issues, if any.
    #[serde(default)]
    pub licence: Option<super::licence::LicenceSpec>,
    /// What the item charges, paid online (or waived); free when absent.
    #[serde(default)]
    pub charge: Option<super::fee::Charge>,
    /// Working days a deferred material (容缺) may take after submission.
    #[serde(default = "default_deferral_days")]
    pub deferral_days: u32,
    /// Rules that approve a case at submission (秒批); handled by people when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instant_approval: Option<super::instant::InstantApproval>,
}

fn default_deferral_days() -> u32 {
    super::provision::DEFAULT_DEFERRAL_DAYS
}

/// What is wrong with a catalog entry, naming the field as a path
/// (`materials[2].name.zh`) so the person editing the file can find it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogProblem {
    pub field: String,
    pub problem: String,
}

impl std::fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

fn is_key(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z')) && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_')) && s.len() <= 40
}

pub(crate) fn is_item_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// A condition names an earlier question (or an earlier field of the same group
/// entry) and at least one answer; a select's answers are among its options.
fn check_condition(p: &mut Vec<CatalogProblem>, at: &str, condition: Option<&super::form::Condition>, earlier: &[FieldDefinition], in_entry: &[FieldDefinition]) {
    let Some(c) = condition else { return };
    match in_entry.iter().chain(earlier).find(|f| f.name == c.field) {
        None => p.push(CatalogProblem { field: format!("{at}.show_when.field"), problem: format!("`{}` is not an earlier question", c.field) }),
        Some(f) if f.kind == FieldKind::Select && c.any_of.iter().any(|a| !f.options.iter().any(|o| &o.value == a)) => {
            p.push(CatalogProblem { field: format!("{at}.show_when.is"), problem: format!("names an answer `{}` does not offer", c.field) })
        }
        Some(_) if c.any_of.is_empty() => p.push(CatalogProblem { field: format!("{at}.show_when.is"), problem: "needs at least one answer".into() }),
        Some(_) => {}
    }
}

fn check_text(problems: &mut Vec<CatalogProblem>, field: &str, text: &Text) {
    if text.zh.trim().is_empty() {
        problems.push(CatalogProblem { field: format!("{field}.zh"), problem: "must not be empty".into() });
    }
    if text.en.trim().is_empty() {
        problems.push(CatalogProblem { field: format!("{field}.en"), problem: "must not be empty".into() });
    }
}

impl ServiceItem {
    /// Every problem of this item; empty when it may be published.
    pub fn check(&self, departments: &[Department]) -> Vec<CatalogProblem> {
        let mut p = Vec::new();
        let mut problem = |field: &str, problem: &str| {
            p.push(CatalogProblem { field: field.to_owned(), problem: problem.to_owned() });
        };
        if !is_item_code(&self.code) {
            problem("code", "must be 1–32 characters of A–Z, 0–9 and -");
        }
        if !departments.iter().any(|d| d.code == self.department) {
            problem("department", "names no department in departments.toml");
        }
        if self.audience.is_empty() {
            problem("audience", "must name at least one of individual, enterprise");
        }
        if self.guide.promised_days > self.guide.statutory_days {
            problem("guide.promised_days", "must not exceed guide.statutory_days");
        }
        if self.handling_depth == HandlingDepth::FullyOnline && self.guide.onsite_visits > 0 {
            problem("guide.onsite_visits", "must be 0 for a fully online item");
        }
        if self.charge.as_ref().is_some_and(|c| c.amount_fen == 0) {
            problem("charge.amount_fen", "must be more than 0 (leave [charge] out for a free item)");
        }
        if self.guide.conditions.is_empty() {
            problem("guide.conditions", "must list at least one condition");
        }
        if self.guide.legal_basis.is_empty() {
            problem("guide.legal_basis", "must cite at least one legal basis");
        }
        let mut p2 = Vec::new();
        for (i, d) in self.reviewing_departments.iter().enumerate() {
            if !departments.iter().any(|x| &x.code == d) {
                p2.push(CatalogProblem { field: format!("reviewing_departments[{i}]"), problem: "names no department in departments.toml".into() });
            }
            if self.reviewing_departments[..i].contains(d) {
                p2.push(CatalogProblem { field: format!("reviewing_departments[{i}]"), problem: "is listed twice".into() });
            }
        }
        if let Some(licence) = &self.licence {
            if let Some(field) = &licence.holder_field {
                if !self.form.fields.iter().any(|f| &f.name == field) {
                    p2.push(CatalogProblem { field: "licence.holder_field".into(), problem: format!("names no form field `{field}`") });
                }
            }
            if licence.name.zh.trim().is_empty() || licence.name.en.trim().is_empty() {
                p2.push(CatalogProblem { field: "licence.name".into(), problem: "must not be empty".into() });
            }
        }
        check_text(&mut p2, "name", &self.name);
        check_text(&mut p2, "summary", &self.summary);
        check_text(&mut p2, "guide.fee", &self.guide.fee);
        check_text(&mut p2, "guide.result", &self.guide.result);
        for (i, t) in self.guide.conditions.iter().enumerate() {
            check_text(&mut p2, &format!("guide.conditions[{i}]"), t);
        }
        for (i, t) in self.guide.legal_basis.iter().enumerate() {
            check_text(&mut p2, &format!("guide.legal_basis[{i}]"), t);
        }
        let mut seen = HashSet::new();
        for (i, m) in self.materials.iter().enumerate() {
            if !is_key(&m.code) {
                p2.push(CatalogProblem { field: format!("materials[{i}].code"), problem: "must be a lowercase key".into() });
            }
            if !seen.insert(m.code.as_str()) {
                p2.push(CatalogProblem { field: format!("materials[{i}].code"), problem: "is used twice".into() });
            }
            check_text(&mut p2, &format!("materials[{i}].name"), &m.name);
            if m.deferrable && m.key {
                p2.push(CatalogProblem { field: format!("materials[{i}].deferrable"), problem: "a key material cannot be deferred".into() });
            }
            if let Some(c) = &m.commitment {
                check_text(&mut p2, &format!("materials[{i}].commitment"), c);
            }
            for (j, code) in m.reusable_licences.iter().enumerate() {
                if !is_item_code(code) {
                    p2.push(CatalogProblem { field: format!("materials[{i}].reusable_licences[{j}]"), problem: "must be an item code".into() });
                }
            }
        }
        let mut seen = HashSet::new();
        for (i, f) in self.form.fields.iter().enumerate() {
            let at = format!("form.fields[{i}]");
            if !is_key(&f.name) {
                p2.push(CatalogProblem { field: format!("{at}.name"), problem: "must be a lowercase key".into() });
            }
            if !seen.insert(f.name.as_str()) {
                p2.push(CatalogProblem { field: format!("{at}.name"), problem: "is used twice".into() });
            }
            check_text(&mut p2, &format!("{at}.label"), &f.label);
            if f.kind == FieldKind::Select && f.options.is_empty() {
                p2.push(CatalogProblem { field: format!("{at}.options"), problem: "a select needs options".into() });
            }
            if let (Some(min), Some(max)) = (f.min_length, f.max_length) {
                if min > max {
                    p2.push(CatalogProblem { field: format!("{at}.min_length"), problem: "exceeds max_length".into() });
                }
            }
            // A condition looks back: at an earlier question, or in a group entry at an
            // earlier field of the same entry.
            let earlier = &self.form.fields[..i];
            check_condition(&mut p2, &at, f.show_when.as_ref(), earlier, &[]);
            if matches!(f.name.as_str(), APPLICANT_NAME | APPLICANT_PHONE) && f.show_when.is_some() {
                p2.push(CatalogProblem { field: format!("{at}.show_when"), problem: "the applicant's name and phone are always asked".into() });
            }
            match f.kind {
                FieldKind::Group => {
                    if f.fields.is_empty() {
                        p2.push(CatalogProblem { field: format!("{at}.fields"), problem: "a group needs fields".into() });
                    }
                    if f.max.is_some_and(|m| m < 1 || m as usize > super::form::MAX_ENTRIES) || f.min.is_some_and(|m| m < 0 || Some(m) > f.max) {
                        p2.push(CatalogProblem { field: format!("{at}.max"), problem: format!("entries must be between 0 and {}, min ≤ max", super::form::MAX_ENTRIES) });
                    }
                    let mut names = HashSet::new();
                    for (j, sub) in f.fields.iter().enumerate() {
                        let sat = format!("{at}.fields[{j}]");
                        if !is_key(&sub.name) || !names.insert(sub.name.as_str()) {
                            p2.push(CatalogProblem { field: format!("{sat}.name"), problem: "must be a lowercase key, once per group".into() });
                        }
                        check_text(&mut p2, &format!("{sat}.label"), &sub.label);
                        if sub.kind == FieldKind::Group || !sub.fields.is_empty() {
                            p2.push(CatalogProblem { field: sat.clone(), problem: "groups do not nest".into() });
                        }
                        if sub.kind == FieldKind::Select && sub.options.is_empty() {
                            p2.push(CatalogProblem { field: format!("{sat}.options"), problem: "a select needs options".into() });
                        }
                        check_condition(&mut p2, &sat, sub.show_when.as_ref(), earlier, &f.fields[..j]);
                    }
                }
                _ if !f.fields.is_empty() => p2.push(CatalogProblem { field: format!("{at}.fields"), problem: "only a group has fields".into() }),
                _ => {}
            }
        }
        for (i, rule) in self.form.rules.iter().enumerate() {
            use super::form::RuleKind;
            let at = format!("form.rules[{i}]");
            check_text(&mut p2, &format!("{at}.message"), &rule.message);
            let kind_of = |name: &str| self.form.fields.iter().find(|f| f.name == name).map(|f| f.kind);
            let other = match rule.kind {
                RuleKind::After | RuleKind::NotBefore => FieldKind::Date,
                RuleKind::BirthDateOf => FieldKind::ResidentId,
            };
            if kind_of(&rule.field) != Some(FieldKind::Date) {
                p2.push(CatalogProblem { field: format!("{at}.field"), problem: "must name a date field of the form".into() });
            }
            if kind_of(&rule.other) != Some(other) {
                p2.push(CatalogProblem { field: format!("{at}.other"), problem: format!("must name a {other:?} field of the form") });
            }
        }
        if let Some(spec) = &self.instant_approval {
            for field in super::instant::fields_named(spec) {
                if !self.form.fields.iter().any(|f| f.name == field) {
                    p2.push(CatalogProblem { field: "instant_approval.rules".into(), problem: format!("names no form field `{field}`") });
                }
            }
        }
        let kind_of = |name: &str| self.form.fields.iter().find(|f| f.name == name).map(|f| (f.kind, f.required));
        if kind_of(APPLICANT_NAME) != Some((FieldKind::Text, true)) {
            p2.push(CatalogProblem { field: "form.fields".into(), problem: format!("needs a required text field `{APPLICANT_NAME}`") });
        }
        if kind_of(APPLICANT_PHONE) != Some((FieldKind::Mobile, true)) {
            p2.push(CatalogProblem { field: "form.fields".into(), problem: format!("needs a required mobile field `{APPLICANT_PHONE}`") });
        }
        p.extend(p2);
        p
    }

    /// Whether a citizen can start an application online.
    pub fn can_apply_online(&self) -> bool {
        matches!(self.handling_depth, HandlingDepth::OnlineApplication | HandlingDepth::FullyOnline)
    }

    /// The departments that review a case of this item, in the catalog's order.
    pub fn reviewers(&self) -> Vec<String> {
        if self.reviewing_departments.is_empty() { vec![self.department.clone()] } else { self.reviewing_departments.clone() }
    }

    /// Whether several departments review at the same time (并联审批).
    pub fn is_parallel(&self) -> bool {
        self.reviewers().len() > 1
    }

    pub fn material(&self, code: &str) -> Option<&Material> {
        self.materials.iter().find(|m| m.code == code)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::form::DateRange;

    fn t(s: &str) -> Text {
        Text { zh: s.into(), en: s.into() }
    }

    pub(crate) fn sample_item() -> ServiceItem {
        let field = |name: &str, kind| FieldDefinition {
            name: name.into(),
            label: t(name),
            hint: None,
            kind,
            required: true,
            min_length: None,
            max_length: None,
            min: None,
            max: None,
            date_range: DateRange::Any,
            options: vec![],
            show_when: None,
            fields: vec![],
        };
        ServiceItem {
            code: "CIV-0001".into(),
            department: "civil".into(),
            audience: vec![Audience::Individual],
            handling_depth: HandlingDepth::FullyOnline,
            popular: true,
            name: t("婚姻登记预约"),
            summary: t("summary"),
            guide: Guide {
                conditions: vec![t("c")],
                legal_basis: vec![t("l")],
                fee: t("free"),
                statutory_days: 5,
                promised_days: 1,
                onsite_visits: 0,
                result: t("r"),
                consultation_phone: "12345".into(),
                complaint_phone: "12345".into(),
            },
            materials: vec![Material { code: "id_card".into(), name: t("id"), required: true, ..Material::default() }],
            form: FormDefinition {
                fields: vec![
                    field(APPLICANT_NAME, FieldKind::Text),
                    field(APPLICANT_PHONE, FieldKind::Mobile),
                    field("id_number", FieldKind::ResidentId),
                ],
                rules: vec![],
            },
            reviewing_departments: vec![],
            licence: None,
            charge: None,
            deferral_days: 10,
            instant_approval: None,
        }
    }

    pub(crate) fn sample_departments() -> Vec<Department> {
        vec![Department { code: "civil".into(), name: t("民政局"), phone: "12345".into() }]
    }

    #[test]
    fn a_complete_item_has_no_problems() {
        assert_eq!(sample_item().check(&sample_departments()), vec![]);
    }

    #[test]
    fn problems_name_the_field_to_fix() {
        let mut item = sample_item();
        item.guide.promised_days = 9;
        item.materials[0].name.en.clear();
        item.form.fields.retain(|f| f.name != APPLICANT_PHONE);
        item.department = "nowhere".into();
        let fields: Vec<String> = item.check(&sample_departments()).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["department", "guide.promised_days", "materials[0].name.en", "form.fields"]);
    }

    #[test]
    fn reviewers_default_to_the_items_department_and_must_exist() {
        let mut item = sample_item();
        assert_eq!(item.reviewers(), vec!["civil".to_owned()]);
        assert!(!item.is_parallel());
        item.reviewing_departments = vec!["civil".into(), "tax".into(), "civil".into()];
        let fields: Vec<String> = item.check(&sample_departments()).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["reviewing_departments[1]", "reviewing_departments[2]"]);
    }

    #[test]
    fn material_provisions_are_checked() {
        let mut item = sample_item();
        item.materials[0].deferrable = true;
        item.materials[0].key = true;
        item.materials[0].commitment = Some(Text { zh: "本人承诺".into(), en: String::new() });
        item.materials[0].reusable_licences = vec!["mkt 1".into()];
        let fields: Vec<String> = item.check(&sample_departments()).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["materials[0].deferrable", "materials[0].commitment.en", "materials[0].reusable_licences[0]"]);
    }

    #[test]
    fn a_fully_online_item_cannot_ask_for_a_visit() {
        let mut item = sample_item();
        item.guide.onsite_visits = 1;
        assert_eq!(item.check(&sample_departments())[0].field, "guide.onsite_visits");
    }
}
