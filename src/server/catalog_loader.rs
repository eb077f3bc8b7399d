//! Loads the catalog files under `catalog/` into the database at start-up. Loading
//! is idempotent (unchanged items are not rewritten), and a bad file stops start-up
//! with a message naming the file and the field.

use crate::domain::calendar::{CalendarYear, WorkCalendar};
use crate::domain::catalog::{Department, ServiceItem};
use crate::domain::site::{Site, Sites};
use crate::server::store::Store;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DepartmentsFile {
    departments: Vec<Department>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SitesFile {
    sites: Vec<Site>,
}

/// The parsed and checked catalog, before it is stored.
#[derive(Debug)]
pub struct Catalog {
    pub departments: Vec<Department>,
    pub items: Vec<(PathBuf, ServiceItem)>,
    pub sites: Sites,
    /// Each year's calendar text, as in its file.
    pub calendar_years: Vec<(i32, String)>,
    /// The credit lists' entries from `credit.toml` (none when the file is absent).
    pub credit: Vec<crate::domain::credit::CreditEntry>,
    /// The proactive service rules of `proactive.toml` (none when the file is absent).
    pub proactive: Vec<crate::domain::proactive::ProactiveRule>,
    /// The bundles (一件事一次办) of `bundles/` (none when the folder is absent).
    pub bundles: Vec<crate::domain::bundle::Bundle>,
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads and checks every catalog file. All problems of all files are reported at
/// once, so a person fixing the catalog sees the whole list.
pub fn read_catalog(dir: &Path) -> Result<Catalog, String> {
    let departments_path = dir.join("departments.toml");
    let departments = toml::from_str::<DepartmentsFile>(&read(&departments_path)?)
        .map_err(|e| format!("{}: {e}", departments_path.display()))?
        .departments;
    let mut problems = Vec::new();
    let sites_path = dir.join("sites.toml");
    let sites = match toml::from_str::<SitesFile>(&read(&sites_path)?) {
        Ok(f) => Sites::new(f.sites).unwrap_or_else(|errs| {
            problems.extend(errs.into_iter().map(|e| format!("{}: {e}", sites_path.display())));
            Sites::default()
        }),
        Err(e) => {
            problems.push(format!("{}: {e}", sites_path.display()));
            Sites::default()
        }
    };
    let calendar_years = read_calendar(&dir.join("calendar"), &mut problems)?;
    let credit_path = dir.join("credit.toml");
    let credit = if credit_path.exists() {
        crate::domain::credit::parse_credit_file(&read(&credit_path)?).unwrap_or_else(|e| {
            problems.push(format!("{}: {e}", credit_path.display()));
            Vec::new()
        })
    } else {
        Vec::new()
    };
    let services_dir = dir.join("services");
    let paths = toml_files(&services_dir)?;
    let mut items: Vec<(PathBuf, ServiceItem)> = Vec::new();
    for path in paths {
        match toml::from_str::<ServiceItem>(&read(&path)?) {
            Err(e) => problems.push(format!("{}: {e}", path.display())),
            Ok(item) => {
                for p in item.check(&departments) {
                    problems.push(format!("{}: {p}", path.display()));
                }
                if let Some((other, _)) = items.iter().find(|(_, i)| i.code == item.code) {
                    problems.push(format!("{}: code: `{}` is already used by {}", path.display(), item.code, other.display()));
                }
                items.push((path, item));
            }
        }
    }
    let proactive_path = dir.join("proactive.toml");
    let proactive = if proactive_path.exists() {
        let codes: Vec<&str> = items.iter().map(|(_, i)| i.code.as_str()).collect();
        crate::domain::proactive::parse_proactive_file(&read(&proactive_path)?, &codes).unwrap_or_else(|e| {
            problems.push(format!("{}: {e}", proactive_path.display()));
            Vec::new()
        })
    } else {
        Vec::new()
    };
    let bundles = read_bundles(&dir.join("bundles"), &items, &mut problems)?;
    if problems.is_empty() { Ok(Catalog { departments, items, sites, calendar_years, credit, proactive, bundles }) } else { Err(problems.join("\n")) }
}

/// The `.toml` files of `dir`, in name order.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Reads `bundles/*.toml`, each checked against the items it files.
fn read_bundles(dir: &Path, items: &[(PathBuf, ServiceItem)], problems: &mut Vec<String>) -> Result<Vec<crate::domain::bundle::Bundle>, String> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let paths = toml_files(dir)?;
    let items: Vec<ServiceItem> = items.iter().map(|(_, i)| i.clone()).collect();
    let mut bundles: Vec<crate::domain::bundle::Bundle> = Vec::new();
    for path in paths {
        match toml::from_str::<crate::domain::bundle::Bundle>(&read(&path)?) {
            Err(e) => problems.push(format!("{}: {e}", path.display())),
            Ok(bundle) => {
                problems.extend(bundle.check(&items).into_iter().map(|p| format!("{}: {p}", path.display())));
                if bundles.iter().any(|b| b.code == bundle.code) || items.iter().any(|i| i.code == bundle.code) {
                    problems.push(format!("{}: code: `{}` is already used", path.display(), bundle.code));
                }
                bundles.push(bundle);
            }
        }
    }
    Ok(bundles)
}

/// Reads `calendar/<year>.toml`; each file must hold the year its name says.
fn read_calendar(dir: &Path, problems: &mut Vec<String>) -> Result<Vec<(i32, String)>, String> {
    let paths = toml_files(dir)?;
    let mut years = Vec::new();
    for path in paths {
        let text = read(&path)?;
        match CalendarYear::parse(&text) {
            Err(e) => problems.push(format!("{}: {e}", path.display())),
            Ok(y) => {
                if path.file_stem().and_then(|s| s.to_str()) != Some(y.year.to_string().as_str()) {
                    problems.push(format!("{}: year: the file holds {} but is named for another year", path.display(), y.year));
                }
                if let Err(errs) = WorkCalendar::from_years(std::slice::from_ref(&y)) {
                    problems.extend(errs.into_iter().map(|e| format!("{}: {e}", path.display())));
                }
                years.push((y.year, text));
            }
        }
    }
    Ok(years)
}

/// Builds the calendar from the years stored in the database.
pub async fn load_calendar(store: &Store) -> Result<WorkCalendar, String> {
    let years = store.calendar_years().await.map_err(|e| format!("reading the calendar: {e}"))?;
    let texts: Vec<&str> = years.iter().map(|y| y.text.as_str()).collect();
    WorkCalendar::from_toml_texts(&texts).map_err(|errs| format!("the stored calendar has problems: {}", errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")))
}

/// Stores the catalog; returns how many items were new or changed.
pub async fn store_catalog(store: &Store, catalog: &Catalog, at: i64) -> Result<usize, String> {
    for d in &catalog.departments {
        store.upsert_department(d).await.map_err(|e| format!("storing department {}: {e}", d.code))?;
    }
    store.upsert_sites(&catalog.sites).await.map_err(|e| format!("storing sites: {e}"))?;
    for (year, text) in &catalog.calendar_years {
        let hash = crate::server::clock::hex(&Sha256::digest(text.as_bytes()));
        store.seed_calendar_year(*year, text, &hash, at).await.map_err(|e| format!("storing calendar {year}: {e}"))?;
    }
    for e in &catalog.credit {
        store.seed_credit_entry(e, at).await.map_err(|err| format!("storing credit entry {}: {err}", e.subject.key()))?;
    }
    let mut changed = 0;
    for (path, item) in &catalog.items {
        let json = serde_json::to_vec(item).map_err(|e| e.to_string())?;
        let hash = crate::server::clock::hex(&Sha256::digest(&json));
        let keys = pinyin_keys_of(&item.name.zh);
        if store.upsert_service_item(item, &keys, &hash, at).await.map_err(|e| format!("storing {}: {e}", path.display()))? {
            changed += 1;
        }
    }
    Ok(changed)
}

/// The pinyin search keys of a Chinese name ("shengyudengji sydj" for 生育登记), from
/// the dictionary's first reading of each character.
pub fn pinyin_keys_of(name: &str) -> String {
    use crate::domain::search::{Reading, pinyin_keys};
    use pinyin::ToPinyin;
    pinyin_keys(name.chars().map(|c| match c.to_pinyin() {
        Some(p) => Reading::Syllable(p.plain()),
        None => Reading::Other(c),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_catalog() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog")
    }

    #[test]
    fn shipped_names_get_pinyin_keys_people_type() {
        assert_eq!(pinyin_keys_of("生育登记"), "shengyudengji sydj");
        let catalog = read_catalog(&repo_catalog()).unwrap_or_else(|e| panic!("{e}"));
        for (_, item) in &catalog.items {
            let keys = pinyin_keys_of(&item.name.zh);
            // Every name is findable by its initials, which start with its first character's.
            let initials = keys.split(' ').nth(1).unwrap_or_else(|| panic!("{}: no keys for {}", item.code, item.name.zh));
            assert!(initials.chars().count() >= 2, "{}: {keys}", item.code);
        }
    }

    #[test]
    fn the_shipped_catalog_is_valid_and_covers_the_brief() {
        let catalog = read_catalog(&repo_catalog()).unwrap_or_else(|e| panic!("{e}"));
        assert!(catalog.items.len() >= 12, "at least 12 items");
        let departments: std::collections::HashSet<_> = catalog.items.iter().map(|(_, i)| &i.department).collect();
        assert!(departments.len() >= 5, "at least 5 departments deliver items");
        // The reforms as data: at least one form with each engine feature, and proactive rules.
        use crate::domain::form::FieldKind;
        let forms = || catalog.items.iter().map(|(_, i)| &i.form);
        assert!(forms().any(|f| f.fields.iter().any(|q| q.show_when.is_some())), "a conditional question");
        assert!(forms().any(|f| f.fields.iter().any(|q| q.kind == FieldKind::Group)), "a repeating group");
        assert!(forms().any(|f| !f.rules.is_empty()), "a cross-field rule");
        assert!(catalog.proactive.len() >= 2, "proactive service rules");
        let bundle = |code: &str| catalog.bundles.iter().find(|b| b.code == code).unwrap_or_else(|| panic!("bundle {code}"));
        assert!(bundle("BND-0001").parts.len() >= 5, "opening a business: registration, seal, invoices, social insurance, housing fund");
        assert!(bundle("BND-0001").parts.iter().filter(|p| p.after.is_some()).count() >= 4, "filed with the registration's credit code");
        assert!(bundle("BND-0002").parts.len() >= 2, "retirement");
        assert!(bundle("BND-0003").parts.len() >= 4, "a newborn: birth registration, hukou, medical insurance, social security card");
        use crate::domain::catalog::Audience;
        for audience in Audience::ALL {
            assert!(catalog.items.iter().any(|(_, i)| i.audience.contains(&audience)), "{audience:?}");
        }
        assert!(catalog.items.iter().filter(|(_, i)| i.is_parallel()).count() >= 2, "two items with parallel review");
        assert!(catalog.calendar_years.iter().any(|(y, _)| *y == 2025) && catalog.calendar_years.iter().any(|(y, _)| *y == 2026));
        // The real-estate "0135" classes: immediate, 1, 3 and 5 working days.
        for days in [0, 1, 3, 5] {
            assert!(
                catalog.items.iter().any(|(_, i)| i.department == "natural_resources" && i.guide.promised_days == days),
                "a real-estate item promised in {days} days"
            );
        }
    }

    #[test]
    fn a_bad_file_is_named_with_its_field() {
        let dir = std::env::temp_dir().join(format!("portal-catalog-{}", crate::server::clock::random_token()));
        std::fs::create_dir_all(dir.join("services")).unwrap();
        std::fs::copy(repo_catalog().join("departments.toml"), dir.join("departments.toml")).unwrap();
        std::fs::copy(repo_catalog().join("sites.toml"), dir.join("sites.toml")).unwrap();
        std::fs::create_dir_all(dir.join("calendar")).unwrap();
        std::fs::write(dir.join("calendar/2026.toml"), "year = 2025").unwrap();
        let good = std::fs::read_dir(repo_catalog().join("services")).unwrap().next().unwrap().unwrap().path();
        let text = std::fs::read_to_string(&good).unwrap();
        // Break one file two ways: an unknown department and a missing fee.
        let broken: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("fee"))
            .map(|l| if l.starts_with("department") { "department = \"nowhere\"".to_owned() } else { l.to_owned() })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(dir.join("services/broken.toml"), broken).unwrap();
        let err = read_catalog(&dir).unwrap_err();
        assert!(err.contains("broken.toml"), "{err}");
        assert!(err.contains("fee"), "{err}");
        assert!(err.contains("2026.toml: year"), "a calendar file named for another year: {err}");
    }
}
