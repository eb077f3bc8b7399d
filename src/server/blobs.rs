//! Uploaded files, stored content-addressed: the name of a file is the SHA-256 of its
//! bytes, so the same scan uploaded twice is stored once, and a stored file can be
//! checked against its name.
//!
//! Two places to keep them. Local files (the embedded default) are written to a
//! temporary file first and renamed into place, so a crash never leaves half a file
//! under a real name. With several app servers the files go to an S3-compatible
//! object store (`PORTAL_OBJECT_STORE_URL`) that every server reads: a PUT there is
//! atomic, and answered only once the object is stored.

use object_store::{ObjectStore, ObjectStoreExt, PutPayload, path::Path as ObjectPath};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

#[derive(Clone, Debug)]
pub enum BlobStore {
    Local { root: PathBuf },
    /// `describe` names the store in messages (its URL, never its credentials).
    Object { store: Arc<dyn ObjectStore>, describe: String },
}

/// Only a well-formed digest (64 lowercase hex digits) ever becomes a file name or
/// an object key, so no request can reach outside the store.
fn is_digest(sha256_hex: &str) -> bool {
    sha256_hex.len() == 64 && sha256_hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn io_error(e: object_store::Error) -> std::io::Error {
    std::io::Error::other(e)
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore::Local { root: root.into() }
    }

    /// The store the settings name: the object store at `object_store_url` when set
    /// (credentials, region and endpoint from the standard `AWS_*` variables),
    /// otherwise files under `upload_dir`.
    pub fn from_settings(settings: &crate::server::settings::Settings) -> Result<BlobStore, String> {
        let Some(url) = &settings.object_store_url else { return Ok(BlobStore::new(&settings.upload_dir)) };
        // reqwest is built without a TLS provider of its own: rustls uses ring here,
        // as object_store's signing does. Installing twice is harmless (Err ignored).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (bucket, prefix) = crate::server::settings::object_store_parts(url)?;
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| format!("PORTAL_OBJECT_STORE_URL / object_store_url `{url}`: {e}"))?;
        let store: Arc<dyn ObjectStore> = match prefix {
            Some(prefix) => Arc::new(object_store::prefix::PrefixStore::new(store, prefix)),
            None => Arc::new(store),
        };
        Ok(BlobStore::Object { store, describe: url.clone() })
    }

    /// `ab/abcdef…`: two-character fan-out keeps directories (and listings) small.
    fn key_of(sha256_hex: &str) -> Option<String> {
        is_digest(sha256_hex).then(|| format!("{}/{}", &sha256_hex[..2], sha256_hex))
    }

    /// Stores `bytes` and returns their SHA-256 (lowercase hex).
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha = crate::server::clock::hex(&Sha256::digest(bytes));
        let key = Self::key_of(&sha).expect("a digest is valid hex");
        match self {
            BlobStore::Local { root } => put_file(&root.join(&key), bytes).await.map(|()| sha),
            // Stored again even when present: the new modification time is what keeps
            // the draft sweep from removing a file being attached again right now
            // (`remove_unused`), as touching does for local files.
            BlobStore::Object { store, .. } => {
                store.put(&ObjectPath::from(key), PutPayload::from(bytes.to_vec())).await.map_err(io_error)?;
                Ok(sha)
            }
        }
    }

    /// The stored bytes for a digest, if present.
    pub async fn get(&self, sha256_hex: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(key) = Self::key_of(sha256_hex) else { return Ok(None) };
        match self {
            BlobStore::Local { root } => match tokio::fs::read(root.join(&key)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
            BlobStore::Object { store, .. } => match store.get(&ObjectPath::from(key)).await {
                Ok(found) => Ok(Some(found.bytes().await.map_err(io_error)?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(io_error(e)),
            },
        }
    }

    /// Removes a file no draft uses any more, unless it was stored or stored again
    /// since `not_since` (an upload of the same bytes may be attaching it now).
    /// True when it is gone.
    pub async fn remove_unused(&self, sha256_hex: &str, not_since: SystemTime) -> std::io::Result<bool> {
        let Some(key) = Self::key_of(sha256_hex) else { return Ok(false) };
        match self {
            BlobStore::Local { root } => {
                let path = root.join(&key);
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
            BlobStore::Object { store, .. } => {
                let path = ObjectPath::from(key);
                let modified: SystemTime = match store.head(&path).await {
                    Ok(meta) => meta.last_modified.into(),
                    Err(object_store::Error::NotFound { .. }) => return Ok(true),
                    Err(e) => return Err(io_error(e)),
                };
                if modified > not_since {
                    return Ok(false);
                }
                match store.delete(&path).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(true),
                    Err(e) => Err(io_error(e)),
                }
            }
        }
    }

    /// Where the files are, for messages.
    pub fn describe(&self) -> String {
        match self {
            BlobStore::Local { root } => root.display().to_string(),
            BlobStore::Object { describe, .. } => describe.clone(),
        }
    }
}

/// Written to a temporary name, synced, renamed into place, and the directory synced.
/// A file already there is only touched, so the draft sweep spares it.
async fn put_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if tokio::fs::try_exists(path).await.unwrap_or(false) {
        let touched = std::fs::File::open(path).and_then(|f| f.set_modified(SystemTime::now()));
        if touched.is_ok() {
            return Ok(());
        }
    }
    let dir = path.parent().expect("fan-out directory");
    tokio::fs::create_dir_all(dir).await?;
    let tmp = dir.join(format!(".{}.tmp", crate::server::clock::random_token()));
    let written = async {
        let mut file = tokio::fs::File::create(&tmp).await?;
        tokio::io::AsyncWriteExt::write_all(&mut file, bytes).await?;
        file.sync_all().await?;
        tokio::fs::rename(&tmp, path).await?;
        // The new name survives a power cut only once its directory is synced.
        tokio::fs::File::open(dir).await?.sync_all().await
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    written
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

    fn in_memory() -> BlobStore {
        BlobStore::Object { store: Arc::new(object_store::memory::InMemory::new()), describe: "memory".into() }
    }

    #[tokio::test]
    async fn an_object_store_keeps_files_under_their_digest_too() {
        let blobs = in_memory();
        let a = blobs.put(b"%PDF-1.4 hello").await.unwrap();
        assert_eq!(blobs.put(b"%PDF-1.4 hello").await.unwrap(), a);
        assert_eq!(blobs.get(&a).await.unwrap().as_deref(), Some(&b"%PDF-1.4 hello"[..]));
        let BlobStore::Object { store, .. } = &blobs else { unreachable!() };
        let keys: Vec<String> = store.list_with_delimiter(Some(&ObjectPath::from(&a[..2]))).await.unwrap().objects.into_iter().map(|o| o.location.to_string()).collect();
        assert_eq!(keys, vec![format!("{}/{a}", &a[..2])]);
        assert_eq!(blobs.get(&"0".repeat(64)).await.unwrap(), None, "absent");
        assert_eq!(blobs.get("../../etc/passwd").await.unwrap(), None, "never a key outside");
    }

    #[tokio::test]
    async fn an_unused_file_is_removed_only_when_not_stored_again_lately() {
        let root = std::env::temp_dir().join(format!("portal-blobs-{}", crate::server::clock::random_token()));
        for blobs in [BlobStore::new(&root), in_memory()] {
            removed_only_when_not_stored_again_lately(blobs).await;
        }
    }

    async fn removed_only_when_not_stored_again_lately(blobs: BlobStore) {
        let sha = blobs.put(b"%PDF-1.4 old").await.unwrap();
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        assert!(!blobs.remove_unused(&sha, an_hour_ago).await.unwrap(), "just stored: kept");
        assert!(blobs.get(&sha).await.unwrap().is_some());
        assert!(blobs.remove_unused(&sha, std::time::SystemTime::now() + std::time::Duration::from_secs(1)).await.unwrap());
        assert!(blobs.get(&sha).await.unwrap().is_none());
        assert!(!blobs.remove_unused("../etc/passwd", std::time::SystemTime::now()).await.unwrap(), "never a path outside");
    }
}
