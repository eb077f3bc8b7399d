//! The public licence check (`/verify/<code>`): anyone holding a licence's code or
//! QR code can see whether it is genuine, current or revoked, and nothing more
//! personal than the licence itself shows.

use super::ApiError;
use crate::domain::licence::Standing;
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the verification page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verification {
    /// No licence has this code: it is not genuine (or mistyped).
    Unknown,
    Genuine(PublicLicence),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicLicence {
    pub number: String,
    pub name: Text,
    /// The holder's name, masked.
    pub holder: String,
    pub department: Text,
    pub issued_on: String,
    pub valid_until: Option<String>,
    pub standing: Standing,
    pub revoked_reason: String,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::staff::LicenceView;
    use crate::domain::calendar::Date;
    use crate::domain::licence::standing;
    use crate::domain::text::Text;
    use crate::server::store::LicenceRecord;

    /// The licence as its holder and the clerks see it, with its QR code.
    pub fn licence_view(l: &LicenceRecord, department: &Text, today: Date) -> LicenceView {
        let verify_url = format!("{}/verify/{}", crate::api::ssr::state().settings.public_url, l.verification_code);
        LicenceView {
            number: l.number.clone(),
            name: l.name.clone(),
            holder: l.holder.clone(),
            department: department.clone(),
            issued_on: l.issued_on.to_string(),
            valid_until: l.valid_until.map(|d| d.to_string()),
            verification_code: l.verification_code.clone(),
            qr_svg: crate::server::licences::qr_svg(&verify_url).unwrap_or_default(),
            verify_url,
            standing: standing(l.status, l.valid_until, today),
        }
    }
}

#[server(endpoint = "verify")]
pub async fn verify_licence(code: String) -> Result<Verification, ApiError> {
    use super::ssr::{internal, state};
    use crate::domain::licence::{is_verification_code, mask_name, standing};
    let code = code.trim().to_ascii_uppercase();
    if !is_verification_code(&code) {
        return Ok(Verification::Unknown);
    }
    let st = state();
    let Some(l) = st.store.licence_by_code(&code).await.map_err(|e| internal("verify", e))? else {
        return Ok(Verification::Unknown);
    };
    let departments = st.store.departments().await.map_err(|e| internal("verify departments", e))?;
    let department = departments.into_iter().find(|d| d.code == l.department).map(|d| d.name).unwrap_or_default();
    Ok(Verification::Genuine(PublicLicence {
        number: l.number,
        name: l.name,
        holder: mask_name(&l.holder),
        department,
        issued_on: l.issued_on.to_string(),
        valid_until: l.valid_until.map(|d| d.to_string()),
        standing: standing(l.status, l.valid_until, crate::server::clock::today()),
        revoked_reason: l.revoked_reason,
    }))
}
