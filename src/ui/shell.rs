//! The two frames a citizen page is shown in: the desktop site and the handheld
//! version (掌上办, under `/m`). The pages, their rules and their server functions
//! are the same; the shell decides the frame (a header and footer, or an app-like
//! bottom tab bar) and where a page's own links lead, so that someone on the
//! handheld version stays on it.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Desktop,
    Handheld,
}

/// Where the handheld version lives.
pub const HANDHELD_ROOT: &str = "/m";

/// The citizen pages the handheld version has its own address for. (The
/// application steps are shared: they are the same address in both.)
fn has_handheld_twin(path: &str) -> bool {
    let bare = path.split(['?', '#']).next().unwrap_or("");
    let item_guide = |list: &str| bare.strip_prefix(list).is_some_and(|rest| rest.starts_with('/') && rest.matches('/').count() == 1);
    bare == "/" || bare == "/services" || bare == "/bundles" || bare == "/track" || bare == "/me" || item_guide("/services") || item_guide("/bundles")
}

impl Shell {
    /// The shell of the page being rendered (provided by its layout).
    pub fn current() -> Shell {
        use_context::<Shell>().unwrap_or(Shell::Desktop)
    }

    /// A citizen page's address in this shell: `/services/HLT-0001` is
    /// `/m/services/HLT-0001` on the handheld version. Addresses without a
    /// handheld twin are left as they are.
    pub fn path(self, path: &str) -> String {
        match self {
            Shell::Handheld if has_handheld_twin(path) => match path.strip_prefix('/') {
                Some(rest) if rest.is_empty() => HANDHELD_ROOT.to_owned(),
                Some(rest) if rest.starts_with('?') => format!("{HANDHELD_ROOT}{rest}"),
                _ => format!("{HANDHELD_ROOT}{path}"),
            },
            _ => path.to_owned(),
        }
    }
}

/// A citizen page's address in the shell being rendered.
pub fn shell_path(path: &str) -> String {
    Shell::current().path(path)
}

/// The same page on the desktop site: `/m/track?number=…` → `/track?number=…`.
pub fn desktop_twin(path: &str) -> String {
    match path.strip_prefix(HANDHELD_ROOT) {
        Some("") => "/".to_owned(),
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        Some(rest) if rest.starts_with('?') => format!("/{rest}"),
        _ => "/".to_owned(),
    }
}

/// The same page on the handheld version, or its home when it has no twin.
pub fn handheld_twin(path: &str) -> String {
    if has_handheld_twin(path) { Shell::Handheld.path(path) } else { HANDHELD_ROOT.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handheld_paths_mirror_the_citizen_pages_and_leave_the_rest() {
        let h = Shell::Handheld;
        assert_eq!(h.path("/"), "/m");
        assert_eq!(h.path("/services"), "/m/services");
        assert_eq!(h.path("/services?audience=individual"), "/m/services?audience=individual");
        assert_eq!(h.path("/services/HLT-0001"), "/m/services/HLT-0001");
        assert_eq!(h.path("/track"), "/m/track");
        assert_eq!(h.path("/bundles"), "/m/bundles");
        assert_eq!(h.path("/bundles/BND-0001"), "/m/bundles/BND-0001");
        // The application steps and staff pages have one address.
        assert_eq!(h.path("/services/HLT-0001/apply"), "/services/HLT-0001/apply");
        assert_eq!(h.path("/bundles/BND-0001/apply"), "/bundles/BND-0001/apply");
        assert_eq!(h.path("/bundle-apply/x/check"), "/bundle-apply/x/check");
        assert_eq!(h.path("/servicesX/a"), "/servicesX/a");
        assert_eq!(h.path("/admin"), "/admin");
        assert_eq!(Shell::Desktop.path("/services"), "/services");
    }

    #[test]
    fn twins_lead_back_and_forth() {
        assert_eq!(desktop_twin("/m"), "/");
        assert_eq!(desktop_twin("/m/services/HLT-0001"), "/services/HLT-0001");
        assert_eq!(desktop_twin("/m/me"), "/me");
        assert_eq!(handheld_twin("/me"), "/m/me");
        assert_eq!(handheld_twin("/services/HLT-0001"), "/m/services/HLT-0001");
        assert_eq!(handheld_twin("/apply/x/check"), "/m");
        assert_eq!(handheld_twin("/bundles/BND-0002"), "/m/bundles/BND-0002");
        assert_eq!(desktop_twin("/m/bundles"), "/bundles");
        assert_eq!(handheld_twin("/"), "/m");
    }
}
