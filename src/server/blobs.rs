//! Uploaded files, stored content-addressed: the name of a file is the SHA-256 of its
//! bytes, so the same scan uploaded twice is stored once, and a stored file can be
//! checked against its name. Writes go to a temporary file first and are renamed
//! into place, so a crash never leaves half a file under a real name.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore { root: root.into() }
    }

    /// `root/ab/abcdef…`: two-character fan-out keeps directories small.
    fn path_of(&self, sha256_hex: &str) -> Option<PathBuf> {
        let valid = sha256_hex.len() == 64 && sha256_hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        valid.then(|| self.root.join(&sha256_hex[..2]).join(sha256_hex))
    }

    /// Stores `bytes` and returns their SHA-256 (lowercase hex).
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha = crate::server::clock::hex(&Sha256::digest(bytes));
        let path = self.path_of(&sha).expect("a digest is valid hex");
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            // Touched, so the draft sweep does not remove a file that is being
            // attached again right now (`remove_unused`).
            let touched = std::fs::File::open(&path).and_then(|f| f.set_modified(std::time::SystemTime::now()));
            if touched.is_ok() {
                return Ok(sha);
            }
        }
        let dir = path.parent().expect("fan-out directory");
        tokio::fs::create_dir_all(dir).await?;
        let tmp = dir.join(format!(".{}.tmp", crate::server::clock::random_token()));
        let written = async {
            let mut file = tokio::fs::File::create(&tmp).await?;
            tokio::io::AsyncWriteExt::write_all(&mut file, bytes).await?;
            file.sync_all().await?;
            tokio::fs::rename(&tmp, &path).await?;
            // The new name survives a power cut only once its directory is synced.
            tokio::fs::File::open(dir).await?.sync_all().await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        written.map(|()| sha)
    }

    /// The stored bytes for a digest, if present. Only a well-formed digest is ever
    /// turned into a path, so no request can reach outside the store.
    pub async fn get(&self, sha256_hex: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(path) = self.path_of(sha256_hex) else { return Ok(None) };
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes a file no draft uses any more, unless it was stored or stored again
    /// since `not_since` (an upload of the same bytes may be attaching it now).
    /// True when it is gone.
    pub async fn remove_unused(&self, sha256_hex: &str, not_since: std::time::SystemTime) -> std::io::Result<bool> {
        let Some(path) = self.path_of(sha256_hex) else { return Ok(false) };
        let modified = match tokio::fs::metadata(&path).await {
            Ok(m) => m.modified()?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
            Err(e) => return Err(e),
        };
        if modified > not_since {
            return Ok(false);
        }
        tokio::fs::remove_file(&path).await.map(|()| true)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn identical_files_are_stored_once_under_their_digest() {
        let root = std::env::temp_dir().join(format!("portal-blobs-{}", crate::server::clock::random_token()));
        let blobs = BlobStore::new(&root);
        let a = blobs.put(b"%PDF-1.4 hello").await.unwrap();
        let b = blobs.put(b"%PDF-1.4 hello").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(blobs.get(&a).await.unwrap().as_deref(), Some(&b"%PDF-1.4 hello"[..]));
        let files: Vec<_> = std::fs::read_dir(root.join(&a[..2])).unwrap().collect();
        assert_eq!(files.len(), 1, "no temporary files left behind");
    }

    #[tokio::test]
    async fn malformed_digests_never_become_paths() {
        let blobs = BlobStore::new(std::env::temp_dir());
        assert_eq!(blobs.get("../../etc/passwd").await.unwrap(), None);
        assert_eq!(blobs.get(&"A".repeat(64)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_unused_file_is_removed_only_when_not_stored_again_lately() {
        let root = std::env::temp_dir().join(format!("portal-blobs-{}", crate::server::clock::random_token()));
        let blobs = BlobStore::new(&root);
        let sha = blobs.put(b"%PDF-1.4 old").await.unwrap();
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        assert!(!blobs.remove_unused(&sha, an_hour_ago).await.unwrap(), "just stored: kept");
        assert!(blobs.get(&sha).await.unwrap().is_some());
        assert!(blobs.remove_unused(&sha, std::time::SystemTime::now() + std::time::Duration::from_secs(1)).await.unwrap());
        assert!(blobs.get(&sha).await.unwrap().is_none());
        assert!(!blobs.remove_unused("../etc/passwd", std::time::SystemTime::now()).await.unwrap(), "never a path outside");
    }
}
