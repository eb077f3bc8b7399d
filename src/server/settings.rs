//! Runtime settings: `Leptos.toml` `[portal]`, each key overridable by an environment
//! variable. Bad settings stop start-up with a message that names the setting.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The portal's settings after the file and the environment have been merged.
#[derive(Clone, Debug)]
pub struct Settings {
    pub site_addr: std::net::SocketAddr,
    pub public_url: String,
    pub database_url: String,
    pub upload_dir: PathBuf,
    /// `s3://bucket[/prefix]`: uploads go to this S3-compatible object store instead
    /// of `upload_dir`, so that several app servers share them.
    pub object_store_url: Option<String>,
    /// The load balancers whose `X-Forwarded-For` names the client (throttling).
    pub trusted_proxies: Vec<crate::server::forwarded::TrustedProxy>,
    pub upload_max_bytes: u64,
    pub default_locale: String,
    pub region_code: String,
    pub catalog_dir: PathBuf,
    pub demo_data: bool,
    pub session_key_file: PathBuf,
    /// The share of the promised time below which a case's light turns yellow.
    pub deadline_yellow_share: crate::domain::deadline::YellowShare,
    /// How often the background sweeps (deferral reminders, proactive offers, expired drafts) run.
    pub sweep_seconds: u64,
    /// Drafts untouched for this many days that never became a case are forgotten.
    pub draft_days: u64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    site_addr: Option<String>,
    public_url: Option<String>,
    database_url: Option<String>,
    upload_dir: Option<String>,
    object_store_url: Option<String>,
    trusted_proxies: Option<String>,
    upload_max_bytes: Option<u64>,
    default_locale: Option<String>,
    region_code: Option<String>,
    catalog_dir: Option<String>,
    demo_data: Option<bool>,
    session_key_file: Option<String>,
    deadline_yellow_share: Option<String>,
    sweep_seconds: Option<u64>,
    draft_days: Option<u64>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    portal: FileSettings,
}

impl Settings {
    /// Reads `path` (if it exists) and the environment.
    pub fn load(path: &Path) -> Result<Settings, String> {
        let file = match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str::<File>(&text).map_err(|e| format!("{}: {e}", path.display()))?.portal,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileSettings::default(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        Self::merge(file, |name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    fn merge(file: FileSettings, env: impl Fn(&str) -> Option<String>) -> Result<Settings, String> {
        let pick = |var: &str, from_file: Option<String>, default: &str| env(var).or(from_file).unwrap_or_else(|| default.to_owned());
        let site_addr = pick("PORTAL_SITE_ADDR", file.site_addr, "127.0.0.1:3000");
        let site_addr = site_addr.parse().map_err(|_| format!("PORTAL_SITE_ADDR / site_addr: `{site_addr}` is not an address like 127.0.0.1:3000"))?;
        let upload_max = match env("PORTAL_UPLOAD_MAX_BYTES") {
            Some(v) => v.parse().map_err(|_| format!("PORTAL_UPLOAD_MAX_BYTES: `{v}` is not a number of bytes"))?,
            None => file.upload_max_bytes.unwrap_or(10 * 1024 * 1024),
        };
        if upload_max == 0 {
            return Err("PORTAL_UPLOAD_MAX_BYTES / upload_max_bytes: must be more than 0".into());
        }
        let demo_data = match env("PORTAL_DEMO_DATA") {
            Some(v) => matches!(v.as_str(), "1" | "true" | "yes"),
            None => file.demo_data.unwrap_or(false),
        };
        let region_code = pick("PORTAL_REGION_CODE", file.region_code, "350102");
        if region_code.len() != 6 || !region_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("PORTAL_REGION_CODE / region_code: `{region_code}` is not a 6-digit division code"));
        }
        let default_locale = pick("PORTAL_DEFAULT_LOCALE", file.default_locale, "zh-Hans");
        if !matches!(default_locale.as_str(), "zh-Hans" | "en") {
            return Err(format!("PORTAL_DEFAULT_LOCALE / default_locale: `{default_locale}` must be zh-Hans or en"));
        }
        let database_url = pick("DATABASE_URL", file.database_url, "sqlite://data/portal.db");
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err("DATABASE_URL / database_url: must start with sqlite: or postgres://".into());
        }
        let share = pick("PORTAL_DEADLINE_YELLOW_SHARE", file.deadline_yellow_share, "1/3");
        let deadline_yellow_share = crate::domain::deadline::YellowShare::parse(&share)
            .ok_or_else(|| format!("PORTAL_DEADLINE_YELLOW_SHARE / deadline_yellow_share: `{share}` is not a share such as 1/3 or 0.25"))?;
        let sweep_seconds = match env("PORTAL_SWEEP_SECONDS") {
            Some(v) => v.parse().map_err(|_| format!("PORTAL_SWEEP_SECONDS: `{v}` is not a number of seconds"))?,
            None => file.sweep_seconds.unwrap_or(60),
        };
        if !(1..=3600).contains(&sweep_seconds) {
            return Err("PORTAL_SWEEP_SECONDS / sweep_seconds: must be between 1 and 3600".into());
        }
        let draft_days = match env("PORTAL_DRAFT_DAYS") {
            Some(v) => v.parse().map_err(|_| format!("PORTAL_DRAFT_DAYS: `{v}` is not a number of days"))?,
            None => file.draft_days.unwrap_or(30),
        };
        if !(1..=3650).contains(&draft_days) {
            return Err("PORTAL_DRAFT_DAYS / draft_days: must be between 1 and 3650".into());
        }
        let object_store_url = env("PORTAL_OBJECT_STORE_URL").or(file.object_store_url);
        if let Some(url) = &object_store_url {
            object_store_parts(url)?;
        }
        let trusted_proxies = crate::server::forwarded::parse_list(&pick("PORTAL_TRUSTED_PROXIES", file.trusted_proxies, ""))?;
        let public_url = pick("PORTAL_PUBLIC_URL", file.public_url, &format!("http://{site_addr}"));
        Ok(Settings {
            site_addr,
            public_url: public_url.trim_end_matches('/').to_owned(),
            database_url,
            upload_dir: pick("PORTAL_UPLOAD_DIR", file.upload_dir, "data/uploads").into(),
            object_store_url,
            trusted_proxies,
            upload_max_bytes: upload_max,
            default_locale,
            region_code,
            catalog_dir: pick("PORTAL_CATALOG_DIR", file.catalog_dir, "catalog").into(),
            demo_data,
            session_key_file: pick("PORTAL_SESSION_KEY_FILE", file.session_key_file, "data/session.key").into(),
            deadline_yellow_share,
            sweep_seconds,
            draft_days,
        })
    }

    /// Whether cookies must carry `Secure` (the portal is reached over TLS).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The bucket and the key prefix (if any) of an `s3://bucket[/prefix]` URL.
pub fn object_store_parts(url: &str) -> Result<(&str, Option<&str>), String> {
    let bad = || format!("PORTAL_OBJECT_STORE_URL / object_store_url: `{url}` is not s3://bucket or s3://bucket/prefix");
    let rest = url.strip_prefix("s3://").ok_or_else(bad)?;
    let (bucket, prefix) = match rest.split_once('/') {
        Some((bucket, prefix)) => (bucket, Some(prefix.trim_matches('/')).filter(|p| !p.is_empty())),
        None => (rest, None),
    };
    // S3's bucket-name rule: 3 to 63 lowercase letters, digits, dots and hyphens.
    let bucket_ok = (3..=63).contains(&bucket.len()) && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if !bucket_ok {
        return Err(bad());
    }
    Ok((bucket, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_over_the_file() {
        let file = FileSettings { region_code: Some("350102".into()), upload_max_bytes: Some(5), ..Default::default() };
        let s = Settings::merge(file, |k| (k == "PORTAL_REGION_CODE").then(|| "110105".to_owned())).unwrap();
        assert_eq!(s.region_code, "110105");
        assert_eq!(s.upload_max_bytes, 5);
        assert_eq!(s.database_url, "sqlite://data/portal.db");
    }

    #[test]
    fn bad_settings_name_themselves() {
        let err = Settings::merge(FileSettings { region_code: Some("35".into()), ..Default::default() }, |_| None).unwrap_err();
        assert!(err.contains("region_code"), "{err}");
        let err = Settings::merge(FileSettings::default(), |k| (k == "PORTAL_UPLOAD_MAX_BYTES").then(|| "ten".to_owned())).unwrap_err();
        assert!(err.contains("PORTAL_UPLOAD_MAX_BYTES"), "{err}");
        let err = Settings::merge(FileSettings { deadline_yellow_share: Some("2/1".into()), ..Default::default() }, |_| None).unwrap_err();
        assert!(err.contains("deadline_yellow_share"), "{err}");
        let err = Settings::merge(FileSettings::default(), |k| (k == "PORTAL_TRUSTED_PROXIES").then(|| "10.0.0.1, lb.local".to_owned())).unwrap_err();
        assert!(err.contains("PORTAL_TRUSTED_PROXIES") && err.contains("`lb.local`"), "{err}");
        for url in ["https://bucket", "s3://", "s3://B", "s3://a/b", "s3://bucket name"] {
            let err = Settings::merge(FileSettings::default(), |k| (k == "PORTAL_OBJECT_STORE_URL").then(|| url.to_owned())).unwrap_err();
            assert!(err.contains("PORTAL_OBJECT_STORE_URL"), "{url}: {err}");
        }
    }

    #[test]
    fn an_object_store_url_names_a_bucket_and_maybe_a_prefix() {
        assert_eq!(object_store_parts("s3://portal-uploads"), Ok(("portal-uploads", None)));
        assert_eq!(object_store_parts("s3://portal-uploads/"), Ok(("portal-uploads", None)));
        assert_eq!(object_store_parts("s3://portal.uploads/gulou/"), Ok(("portal.uploads", Some("gulou"))));
        let s = Settings::merge(FileSettings { object_store_url: Some("s3://portal-uploads".into()), ..Default::default() }, |_| None).unwrap();
        assert_eq!(s.object_store_url.as_deref(), Some("s3://portal-uploads"));
        assert_eq!(Settings::merge(FileSettings::default(), |_| None).unwrap().object_store_url, None, "local files by default");
    }

    #[test]
    fn the_repository_settings_file_parses() {
        let s = Settings::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/Leptos.toml"))).unwrap();
        assert_eq!(s.upload_max_bytes, 10 * 1024 * 1024);
    }
}
