//! Service sites (政务服务中心/站/点) at three levels: district (区), town or street
//! (镇街) and village or community (村居). Cases and staff belong to a site; a site
//! sees the cases of the sites below it. Sites are data in `catalog/sites.toml`.

use super::text::Text;
use serde::{Deserialize, Serialize};

/// The three levels of the service network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteLevel {
    District,
    Town,
    Village,
}

impl SiteLevel {
    pub fn code(self) -> &'static str {
        match self {
            SiteLevel::District => "district",
            SiteLevel::Town => "town",
            SiteLevel::Village => "village",
        }
    }

    /// The level a site directly under this one must have.
    fn child(self) -> Option<SiteLevel> {
        match self {
            SiteLevel::District => Some(SiteLevel::Town),
            SiteLevel::Town => Some(SiteLevel::Village),
            SiteLevel::Village => None,
        }
    }
}

/// One service site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Stable key: lowercase letters, digits and `-`.
    pub code: String,
    pub level: SiteLevel,
    /// The site one level up; none for a district centre.
    #[serde(default)]
    pub parent: Option<String>,
    pub name: Text,
    pub address: Text,
    pub phone: String,
    /// Whether results can be collected here (出件窗口).
    #[serde(default)]
    pub issues_results: bool,
}

/// The checked set of sites, each with its path from the district down
/// (`/gulou/dongjie/sanfang/`), so "this site or below" is a prefix test.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sites {
    sites: Vec<(Site, String)>,
}

impl Sites {
    /// Checks the levels nest (district → town → village), codes are unique and
    /// every parent exists. Returns every problem, naming the site.
    pub fn new(list: Vec<Site>) -> Result<Sites, Vec<String>> {
        let mut problems = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let valid_code = !s.code.is_empty() && s.code.len() <= 40 && s.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid_code {
                problems.push(format!("sites[{i}].code: `{}` must be lowercase letters, digits and -", s.code));
            }
            if list[..i].iter().any(|o| o.code == s.code) {
                problems.push(format!("sites[{i}].code: `{}` is used twice", s.code));
            }
            match (&s.parent, s.level) {
                (None, SiteLevel::District) => {}
                (None, _) => problems.push(format!("sites[{i}].parent: a {} site needs a parent", s.level.code())),
                (Some(p), level) => match list.iter().find(|o| &o.code == p) {
                    None => problems.push(format!("sites[{i}].parent: no site `{p}`")),
                    Some(parent) if parent.level.child() != Some(level) => {
                        problems.push(format!("sites[{i}].level: a {} site cannot sit under a {} site", level.code(), parent.level.code()))
                    }
                    Some(_) => {}
                },
            }
        }
        if !list.iter().any(|s| s.level == SiteLevel::District) {
            problems.push("sites: there must be a district centre".into());
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let path_of = |site: &Site| {
            let mut codes = vec![site.code.clone()];
            let mut at = site;
            while let Some(parent) = at.parent.as_ref().and_then(|p| list.iter().find(|o| &o.code == p)) {
                codes.push(parent.code.clone());
                at = parent;
            }
            codes.reverse();
            format!("/{}/", codes.join("/"))
        };
        let sites = list.iter().map(|s| (s.clone(), path_of(s))).collect();
        Ok(Sites { sites })
    }

    pub fn all(&self) -> impl Iterator<Item = &Site> {
        self.sites.iter().map(|(s, _)| s)
    }

    pub fn get(&self, code: &str) -> Option<&Site> {
        self.sites.iter().find(|(s, _)| s.code == code).map(|(s, _)| s)
    }

    /// `/district/town/village/` for the site `code`.
    pub fn path(&self, code: &str) -> Option<&str> {
        self.sites.iter().find(|(s, _)| s.code == code).map(|(_, p)| p.as_str())
    }

    /// The paths of the site at `path` and of every site below it: "this site or
    /// below" as a list of exact values a database index can use.
    pub fn paths_within(&self, path: &str) -> Vec<String> {
        self.sites.iter().filter(|(_, p)| within(p, path)).map(|(_, p)| p.clone()).collect()
    }

    /// The district centre, where cases filed online are handled unless the applicant
    /// chose another site to collect the result.
    pub fn centre(&self) -> Option<&Site> {
        self.all().find(|s| s.level == SiteLevel::District)
    }

    /// Sites where results can be collected.
    pub fn issuing(&self) -> impl Iterator<Item = &Site> {
        self.all().filter(|s| s.issues_results)
    }
}

/// Whether a case at `case_site_path` lies within `staff_site_path` (the site itself or below).
pub fn within(case_site_path: &str, staff_site_path: &str) -> bool {
    !staff_site_path.is_empty() && case_site_path.starts_with(staff_site_path)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn site(code: &str, level: SiteLevel, parent: Option<&str>) -> Site {
        let t = Text { zh: code.into(), en: code.into() };
        Site { code: code.into(), level, parent: parent.map(Into::into), name: t.clone(), address: t, phone: "12345".into(), issues_results: true }
    }

    pub(crate) fn sample_sites() -> Sites {
        Sites::new(vec![
            site("gulou", SiteLevel::District, None),
            site("dongjie", SiteLevel::Town, Some("gulou")),
            site("sanfang", SiteLevel::Village, Some("dongjie")),
            site("wenquan", SiteLevel::Town, Some("gulou")),
        ])
        .unwrap()
    }

    #[test]
    fn paths_run_from_the_district_down() {
        let sites = sample_sites();
        assert_eq!(sites.path("sanfang"), Some("/gulou/dongjie/sanfang/"));
        assert!(within("/gulou/dongjie/sanfang/", "/gulou/"));
        assert!(within("/gulou/dongjie/sanfang/", "/gulou/dongjie/"));
        assert!(!within("/gulou/wenquan/", "/gulou/dongjie/"));
        assert!(!within("/gulou/", ""), "no site sees nothing");
        assert_eq!(sites.centre().unwrap().code, "gulou");
        assert_eq!(sites.paths_within("/gulou/dongjie/"), vec!["/gulou/dongjie/", "/gulou/dongjie/sanfang/"]);
        assert_eq!(sites.paths_within("/gulou/").len(), 4);
    }

    #[test]
    fn levels_must_nest() {
        let err = Sites::new(vec![
            site("gulou", SiteLevel::District, None),
            site("sanfang", SiteLevel::Village, Some("gulou")),
            site("lost", SiteLevel::Town, Some("nowhere")),
            site("orphan", SiteLevel::Town, None),
        ])
        .unwrap_err();
        assert_eq!(err.len(), 3, "{err:?}");
        assert!(err[0].contains("cannot sit under"), "{err:?}");
    }

    #[test]
    fn the_shipped_sites_are_valid() {
        #[derive(Deserialize)]
        struct File {
            sites: Vec<Site>,
        }
        let file: File = toml::from_str(include_str!("../../catalog/sites.toml")).unwrap();
        let sites = Sites::new(file.sites).unwrap();
        for level in [SiteLevel::District, SiteLevel::Town, SiteLevel::Village] {
            assert!(sites.all().any(|s| s.level == level), "{level:?}");
        }
    }
}
