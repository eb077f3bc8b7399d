//! Proxy filing (代办): a village or town proxy agent files for a resident who cannot
//! (one agent per about 200 households in the source articles). The resident's
//! consent is part of the case and of its audit chain.

use serde::{Deserialize, Serialize};

/// How the resident agreed that the agent files for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Consent {
    /// The resident passed on a one-time code sent to their own phone. (A signed
    /// paper form, uploaded, is the other way the issue names; not built yet.)
    PhoneCode { phone_masked: String, at: i64 },
}

impl Consent {
    /// The consent as one line for the case's chained record.
    pub fn summary(&self) -> String {
        match self {
            Consent::PhoneCode { phone_masked, at } => format!("consent: one-time code to {phone_masked} at {at}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_is_stored_as_tagged_json_and_summarised_for_the_record() {
        let c = Consent::PhoneCode { phone_masked: "138****8000".into(), at: 5 };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"kind":"phone_code","phone_masked":"138****8000","at":5}"#);
        assert_eq!(serde_json::from_str::<Consent>(&json).unwrap(), c);
        assert_eq!(c.summary(), "consent: one-time code to 138****8000 at 5");
    }
}
