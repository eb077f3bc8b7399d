//! The register of e-licences (电子证照).

use super::{Pool, Store, StoreResult, corrupt};
use crate::domain::calendar::Date;
use crate::domain::licence::LicenceStatus;
use crate::domain::text::Text;

/// A licence to issue with the Issue step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLicence {
    pub number: String,
    pub service_code: String,
    pub name: Text,
    pub holder: String,
    pub department: String,
    pub issued_on: Date,
    pub valid_until: Option<Date>,
    pub verification_code: String,
    /// The unified social credit code the registration assigned (a business licence).
    pub credit_code: Option<String>,
}

/// A licence as registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenceRecord {
    pub id: i64,
    pub case_id: i64,
    pub number: String,
    pub service_code: String,
    pub name: Text,
    pub holder: String,
    pub department: String,
    pub issued_on: Date,
    pub valid_until: Option<Date>,
    pub verification_code: String,
    pub status: LicenceStatus,
    pub revoked_reason: String,
    pub credit_code: Option<String>,
}

pub(super) type Row = (i64, i64, String, String, String, String, String, String, String, Option<String>, String, String, String, Option<String>);
const COLUMNS: &str = "id, case_id, number, service_code, name_zh, name_en, holder, department, issued_on, valid_until, verification_code, status, revoked_reason, credit_code";

/// The licence issued to a case; `$1` is the case.
pub(super) static CASE_LICENCE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!("SELECT {COLUMNS} FROM licences WHERE case_id = $1"));

pub(super) fn licence(row: Row) -> StoreResult<LicenceRecord> {
    let (id, case_id, number, service_code, zh, en, holder, department, issued_on, valid_until, verification_code, status, revoked_reason, credit_code) = row;
    let date = |s: &str| Date::parse_iso(s).ok_or_else(|| corrupt(format!("licence {id} date `{s}`")));
    Ok(LicenceRecord {
        id,
        case_id,
        number,
        service_code,
        name: Text { zh, en },
        holder,
        department,
        issued_on: date(&issued_on)?,
        valid_until: valid_until.as_deref().map(date).transpose()?,
        verification_code,
        status: LicenceStatus::from_code(&status).ok_or_else(|| corrupt(format!("licence status `{status}`")))?,
        revoked_reason,
        credit_code,
    })
}

impl Store {
    pub async fn licence_by_code(&self, verification_code: &str) -> StoreResult<Option<LicenceRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM licences WHERE verification_code = $1");
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(&sql).bind(verification_code).fetch_optional(pool).await?);
        row.map(licence).transpose()
    }

    pub async fn licence_of_case(&self, case_id: i64) -> StoreResult<Option<LicenceRecord>> {
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(CASE_LICENCE.as_str()).bind(case_id).fetch_optional(pool).await?);
        row.map(licence).transpose()
    }

    /// Withdraws a licence (a false statement, a court order); the verification page
    /// then says so. Returns whether a valid licence was revoked.
    pub async fn revoke_licence(&self, id: i64, reason: &str, at: i64) -> StoreResult<bool> {
        let n = on_pool!(self, pool => {
            sqlx::query("UPDATE licences SET status = 'revoked', revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND status = 'valid'")
                .bind(at).bind(reason).bind(id).execute(pool).await?.rows_affected()
        });
        Ok(n == 1)
    }
}
