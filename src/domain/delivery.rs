//! How the applicant receives the result (出件方式): downloaded online, posted, or
//! collected at a named window of a service site (统一窗口出件).

use super::site::Sites;
use super::text::{FreeTextError, required_free_text};
use serde::{Deserialize, Serialize};

/// The applicant's choice, made on the check-your-answers step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Delivery {
    /// Download from the lookup (and the e-licence, where there is one).
    Online,
    /// Posted (免费寄递) to this address.
    Post { address: String },
    /// Collected at the results window of this site.
    Collect { site: String },
}

/// Why a delivery choice was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryError {
    /// No (or an unknown) way was chosen.
    Choose,
    AddressRequired,
    AddressTooLong,
    /// The address holds an invisible control character ([`FreeTextError::ControlCharacter`]).
    AddressControlCharacter,
    /// The site does not exist or issues no results.
    UnknownSite,
}

impl DeliveryError {
    /// The i18n key under `delivery.`.
    pub fn code(self) -> &'static str {
        match self {
            DeliveryError::Choose => "error_choose",
            DeliveryError::AddressRequired => "error_address_required",
            DeliveryError::AddressTooLong => "error_address_too_long",
            DeliveryError::AddressControlCharacter => "error_address_control_character",
            DeliveryError::UnknownSite => "error_unknown_site",
        }
    }
}

pub const ADDRESS_MAX_CHARS: usize = 200;

impl Delivery {
    pub fn code(&self) -> &'static str {
        match self {
            Delivery::Online => "online",
            Delivery::Post { .. } => "post",
            Delivery::Collect { .. } => "collect",
        }
    }

    /// Parses the form's three inputs; only the one matching `kind` is looked at.
    pub fn parse(kind: &str, address: &str, site: &str, sites: &Sites) -> Result<Delivery, DeliveryError> {
        match kind {
            "online" => Ok(Delivery::Online),
            "post" => {
                match required_free_text(address, ADDRESS_MAX_CHARS) {
                    Err(FreeTextError::Missing) => Err(DeliveryError::AddressRequired),
                    Ok(address) => Ok(Delivery::Post { address: address.to_owned() }),
                    Err(FreeTextError::TooLong { .. }) => Err(DeliveryError::AddressTooLong),
                    Err(FreeTextError::ControlCharacter) => Err(DeliveryError::AddressControlCharacter),
                }
            }
            "collect" => match sites.get(site) {
                Some(s) if s.issues_results => Ok(Delivery::Collect { site: s.code.clone() }),
                _ => Err(DeliveryError::UnknownSite),
            },
            _ => Err(DeliveryError::Choose),
        }
    }

    /// The site whose clerks handle the case: the collection site, or the district centre.
    pub fn handling_site<'a>(&'a self, sites: &'a Sites) -> Option<&'a str> {
        match self {
            Delivery::Collect { site } => Some(site.as_str()),
            _ => sites.centre().map(|s| s.code.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::site::tests::sample_sites;

    #[test]
    fn each_way_needs_its_own_detail() {
        let sites = sample_sites();
        assert_eq!(Delivery::parse("online", "", "", &sites), Ok(Delivery::Online));
        assert_eq!(Delivery::parse("post", "  ", "", &sites), Err(DeliveryError::AddressRequired));
        assert_eq!(Delivery::parse("post", &"路".repeat(201), "", &sites), Err(DeliveryError::AddressTooLong));
        assert_eq!(Delivery::parse("post", "鼓楼区\0中山路 1 号", "", &sites), Err(DeliveryError::AddressControlCharacter));
        assert_eq!(Delivery::parse("post", " 鼓楼区五四路1号 ", "", &sites), Ok(Delivery::Post { address: "鼓楼区五四路1号".into() }));
        assert_eq!(Delivery::parse("collect", "", "dongjie", &sites), Ok(Delivery::Collect { site: "dongjie".into() }));
        assert_eq!(Delivery::parse("collect", "", "nowhere", &sites), Err(DeliveryError::UnknownSite));
        assert_eq!(Delivery::parse("", "", "", &sites), Err(DeliveryError::Choose));
    }

    #[test]
    fn the_collection_site_handles_the_case() {
        let sites = sample_sites();
        assert_eq!(Delivery::Collect { site: "dongjie".into() }.handling_site(&sites), Some("dongjie"));
        assert_eq!(Delivery::Online.handling_site(&sites), Some("gulou"));
    }
}
