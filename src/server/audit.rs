//! The audit chain. Every case event and every staff action that is not about one
//! case is hashed together with the hash before it (SHA-256 over the previous hash and
//! the event's canonical content), so changing, removing or reordering any record
//! breaks every hash after it. `portal verify-audit` recomputes every chain.

use sha2::{Digest, Sha256};

/// The "previous hash" of a chain's first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical content of a case event: a JSON array, so no field can bleed into
/// another however it is written.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CaseEventContent<'a> {
    pub chain: &'a str,
    pub at: i64,
    pub actor: &'a str,
    pub kind: &'a str,
    pub department: &'a str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub note: &'a str,
}

/// The canonical content of a staff action.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StaffActionContent<'a> {
    pub at: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

/// `SHA-256(prev_hash "\n" canonical JSON)` in lowercase hex.
pub fn chain_hash(prev_hash: &str, content: &impl serde::Serialize) -> String {
    // Serialising a struct of strings and integers cannot fail.
    let json = serde_json::to_string(content).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(json.as_bytes());
    crate::server::clock::hex(&h.finalize())
}

/// The chain key of a case.
pub fn case_chain(case_id: i64) -> String {
    format!("case:{case_id}")
}

pub const STAFF_CHAIN: &str = "staff";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let c = CaseEventContent { chain: "case:1", at: 1, actor: "a", kind: "transition", department: "", from: None, to: "submitted", note: "" };
        let h = chain_hash(GENESIS, &c);
        assert_eq!(h.len(), 64);
        assert_ne!(h, chain_hash(&h, &c), "another previous hash");
        assert_ne!(h, chain_hash(GENESIS, &CaseEventContent { note: " ", ..c.clone() }));
        assert_ne!(h, chain_hash(GENESIS, &CaseEventContent { at: 2, ..c.clone() }));
        // Moving text from one field into the next does not collide.
        let a = CaseEventContent { actor: "ab", note: "", ..c.clone() };
        let b = CaseEventContent { actor: "a", note: "b", ..c };
        assert_ne!(chain_hash(GENESIS, &a), chain_hash(GENESIS, &b));
    }
}
