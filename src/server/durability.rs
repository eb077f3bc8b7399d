//! Checks that what the portal acknowledged is still there: `portal verify-cases`
//! reads the acknowledgements a load test collected (a tracking number answered to
//! a submission, a clerk decision answered as done) and looks each one up after the
//! server was killed and restarted (`scripts/crash-test`).

use crate::domain::case::{CaseStatus, EventKind};
use crate::domain::ids::TrackingNumber;
use crate::server::blobs::BlobStore;
use crate::server::store::{Store, StoreResult};
use sha2::{Digest, Sha256};

/// What the portal answered to one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Acknowledged {
    /// A submission answered with this tracking number.
    Submitted(TrackingNumber),
    /// A decision on this case (`action`, e.g. `accept`) answered as done.
    Decided(TrackingNumber, String),
}

impl Acknowledged {
    /// One line of the load test's record: `submitted <number>` or
    /// `decided <number> <action>`.
    pub fn parse(line: &str) -> Result<Acknowledged, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let number = |w: &str| TrackingNumber::parse(w).map_err(|_| format!("`{w}` is not a tracking number"));
        match words.as_slice() {
            ["submitted", n] => Ok(Acknowledged::Submitted(number(n)?)),
            ["decided", n, action] => Ok(Acknowledged::Decided(number(n)?, (*action).to_owned())),
            _ => Err(format!("`{line}` is neither `submitted <number>` nor `decided <number> <action>`")),
        }
    }
}

/// Everything missing for one acknowledgement; empty when all of it is stored.
pub async fn missing(store: &Store, blobs: &BlobStore, ack: &Acknowledged) -> StoreResult<Vec<String>> {
    let (number, decided) = match ack {
        Acknowledged::Submitted(n) => (n, None),
        Acknowledged::Decided(n, action) => (n, Some(action.as_str())),
    };
    let mut problems = Vec::new();
    let Some(case) = store.case_by_tracking(number).await? else {
        return Ok(vec![format!("{}: no case with this number", number.as_str())]);
    };
    let mut say = |what: String| problems.push(format!("{}: {what}", number.as_str()));
    let events = store.case_events(case.id).await?;
    if !events.iter().any(|e| e.kind == EventKind::Transition && e.from.is_none() && e.to == CaseStatus::Submitted) {
        say("the submission event is missing".into());
    }
    // Every file the application was sent with, stored under its digest with the
    // bytes that digest names.
    let materials = store.materials_of_draft(&case.draft_id).await?;
    if materials.is_empty() {
        say("no materials".into());
    }
    for m in &materials {
        match blobs.get(&m.sha256).await {
            Ok(Some(bytes)) if crate::server::clock::hex(&Sha256::digest(&bytes)) == m.sha256 => {}
            Ok(Some(_)) => say(format!("material {} does not match its digest", m.material_code)),
            Ok(None) => say(format!("material {} has no stored file", m.material_code)),
            Err(e) => say(format!("material {} cannot be read: {e}", m.material_code)),
        }
    }
    if let Some(action) = decided {
        let decided_event = events.iter().any(|e| e.kind == EventKind::Transition && e.from == Some(CaseStatus::Submitted) && e.actor != "applicant");
        if case.status == CaseStatus::Submitted || !decided_event {
            say(format!("the decision `{action}` is missing (status {})", case.status.code()));
        }
        if store.case_messages(case.id).await?.is_empty() {
            say(format!("no message to the applicant about `{action}`"));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_load_tests_lines() {
        let number = TrackingNumber::new("350102", crate::domain::calendar::Date::new(2026, 12, 3).expect("a date"), 17);
        let n = number.as_str();
        let Ok(Acknowledged::Submitted(t)) = Acknowledged::parse(&format!("submitted {n}")) else { panic!("a submission line") };
        assert_eq!(t.as_str(), n);
        assert_eq!(Acknowledged::parse(&format!("decided {n} accept")).map(|a| matches!(a, Acknowledged::Decided(_, ref x) if x == "accept")), Ok(true));
        assert!(Acknowledged::parse("submitted 123").is_err());
        assert!(Acknowledged::parse(&format!("issued {n}")).is_err());
        assert!(Acknowledged::parse("").is_err());
    }
}
