//! The encrypted vault: for computers with no reachable keychain, opt in, one file per profile.
//!
//! A random 256-bit data key encrypts each secret with XChaCha20-Poly1305 (a fresh 192-bit nonce
//! each time; the entry's name is the associated data, so ciphertexts cannot be swapped between
//! entries). The data key itself is stored wrapped by a key derived with Argon2id from the login
//! password, so the vault opens only at sign-in, lives in memory only while signed in, and is
//! never a plaintext file. Changing the password re-wraps the data key; a password reset without
//! the old password leaves the vault locked (its keys must be entered again).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{SecretError, Sensitive, VaultState};
use crate::auth::PasswordParams;
use crate::ids::ProfileId;

type DataKey = Zeroizing<[u8; 32]>;

/// The vault file as stored: every byte string hex-encoded.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VaultFile {
    version: u32,
    kdf: Kdf,
    wrapped_key: Sealed,
    entries: BTreeMap<String, Sealed>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Kdf {
    algorithm: String,
    salt: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Sealed {
    nonce: String,
    ciphertext: String,
}

/// The vault files of this data folder and the data keys open in this process.
pub struct Vaults {
    folder: PathBuf,
    open: Mutex<HashMap<ProfileId, DataKey>>,
    /// Serialises writes so two changes never interleave on one file.
    write_lock: tokio::sync::Mutex<()>,
}

fn failed(what: &str, error: impl std::fmt::Display) -> SecretError {
    SecretError::Failed(format!("{what}: {error}"))
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn from_hex(text: &str) -> Result<Vec<u8>, SecretError> {
    if !text.len().is_multiple_of(2) {
        return Err(SecretError::Failed("the vault file is damaged".into()));
    }
    (0..text.len())
        .step_by(2)
        .map(|at| {
            text.get(at..at + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| SecretError::Failed("the vault file is damaged".into()))
        })
        .collect()
}

fn derive_kek(password: &str, kdf: &Kdf) -> Result<DataKey, SecretError> {
    let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|error| failed("vault key derivation", error))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), &from_hex(&kdf.salt)?, key.as_mut())
        .map_err(|error| failed("vault key derivation", error))?;
    Ok(key)
}

fn seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<Sealed, SecretError> {
    let mut nonce = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new(key.into());
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad })
        .map_err(|error| failed("vault encryption", error))?;
    Ok(Sealed { nonce: to_hex(&nonce), ciphertext: to_hex(&ciphertext) })
}

/// Decrypts; `None` when the key is wrong or the data was altered.
fn open(key: &[u8; 32], sealed: &Sealed, aad: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError> {
    let nonce = from_hex(&sealed.nonce)?;
    if nonce.len() != 24 {
        return Err(SecretError::Failed("the vault file is damaged".into()));
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    Ok(cipher
        .decrypt(XNonce::from_slice(&nonce), Payload { msg: &from_hex(&sealed.ciphertext)?, aad })
        .ok()
        .map(Zeroizing::new))
}

const WRAP_AAD: &[u8] = b"kickstart-vault-data-key";

impl Vaults {
    pub(crate) fn new(folder: PathBuf) -> Self {
        Self { folder, open: Mutex::new(HashMap::new()), write_lock: tokio::sync::Mutex::new(()) }
    }

    fn path(&self, profile: &ProfileId) -> PathBuf {
        self.folder.join(format!("{profile}.vault"))
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, HashMap<ProfileId, DataKey>> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn key_of(&self, profile: &ProfileId) -> Option<DataKey> {
        self.keys().get(profile).cloned()
    }

    async fn read(path: &Path) -> Result<Option<VaultFile>, SecretError> {
        match tokio::fs::read(path).await {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map(Some).map_err(|error| failed("the vault file is damaged", error))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(failed("reading the vault", error)),
        }
    }

    /// Writes the file whole through a temporary file and a rename, so a crash leaves the old or
    /// the new vault, never half of one.
    async fn write(&self, profile: &ProfileId, file: &VaultFile) -> Result<(), SecretError> {
        tokio::fs::create_dir_all(&self.folder).await.map_err(|error| failed("creating the vault folder", error))?;
        let path = self.path(profile);
        let temporary = path.with_extension("vault.tmp");
        let bytes = serde_json::to_vec_pretty(file).map_err(|error| failed("writing the vault", error))?;
        tokio::fs::write(&temporary, bytes).await.map_err(|error| failed("writing the vault", error))?;
        tokio::fs::rename(&temporary, &path).await.map_err(|error| failed("writing the vault", error))
    }

    /// Off, unlocked (open in memory) or locked (a file we could not open).
    pub fn state(&self, profile: &ProfileId) -> VaultState {
        if self.keys().contains_key(profile) {
            VaultState::Unlocked
        } else if self.path(profile).exists() {
            VaultState::Locked
        } else {
            VaultState::Off
        }
    }

    /// Creates the profile's vault (or re-creates a locked one, dropping its unreadable entries)
    /// and opens it. An open vault stays as it is.
    pub(crate) async fn create(
        &self,
        profile: &ProfileId,
        password: &str,
        params: PasswordParams,
    ) -> Result<(), SecretError> {
        let _writing = self.write_lock.lock().await;
        if self.keys().contains_key(profile) {
            return Ok(());
        }
        let mut data_key = Zeroizing::new([0u8; 32]);
        rand::thread_rng().fill_bytes(data_key.as_mut());
        let file = Self::wrap(password.to_owned(), params, data_key.clone(), BTreeMap::new()).await?;
        self.write(profile, &file).await?;
        self.keys().insert(profile.clone(), data_key);
        tracing::info!(%profile, "vault created");
        Ok(())
    }

    async fn wrap(
        password: String,
        params: PasswordParams,
        data_key: DataKey,
        entries: BTreeMap<String, Sealed>,
    ) -> Result<VaultFile, SecretError> {
        tokio::task::spawn_blocking(move || {
            let mut salt = [0u8; 16];
            rand::thread_rng().fill_bytes(&mut salt);
            let kdf = Kdf {
                algorithm: "argon2id".into(),
                salt: to_hex(&salt),
                memory_kib: params.memory_kib,
                iterations: params.iterations,
                parallelism: params.parallelism,
            };
            let kek = derive_kek(&password, &kdf)?;
            let wrapped_key = seal(&kek, data_key.as_ref(), WRAP_AAD)?;
            Ok(VaultFile { version: 1, kdf, wrapped_key, entries })
        })
        .await
        .map_err(|error| failed("vault key derivation", error))?
    }

    /// At sign-in: opens the profile's vault, if it has one, with the password just checked.
    pub(crate) async fn unlock(&self, profile: &ProfileId, password: &str) -> Result<(), SecretError> {
        let Some(file) = Self::read(&self.path(profile)).await? else { return Ok(()) };
        let password = password.to_owned();
        let data_key = tokio::task::spawn_blocking(move || -> Result<Option<DataKey>, SecretError> {
            let kek = derive_kek(&password, &file.kdf)?;
            let Some(bytes) = open(&kek, &file.wrapped_key, WRAP_AAD)? else { return Ok(None) };
            let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| failed("the vault file is damaged", "key"))?;
            Ok(Some(Zeroizing::new(key)))
        })
        .await
        .map_err(|error| failed("vault key derivation", error))??;
        match data_key {
            Some(key) => {
                self.keys().insert(profile.clone(), key);
            }
            None => tracing::warn!(%profile, "the vault does not open with this password; it stays locked"),
        }
        Ok(())
    }

    /// At sign-out: forgets every open data key.
    pub(crate) fn close_all(&self) {
        self.keys().clear();
    }

    /// After a password change: wraps the open data key with the new password.
    pub(crate) async fn rewrap(
        &self,
        profile: &ProfileId,
        new_password: &str,
        params: PasswordParams,
    ) -> Result<(), SecretError> {
        let _writing = self.write_lock.lock().await;
        let Some(data_key) = self.key_of(profile) else { return Ok(()) };
        let Some(file) = Self::read(&self.path(profile)).await? else { return Ok(()) };
        let file = Self::wrap(new_password.to_owned(), params, data_key, file.entries).await?;
        self.write(profile, &file).await
    }

    fn aad(profile: &ProfileId, name: &str) -> Vec<u8> {
        format!("{profile}/{name}").into_bytes()
    }

    pub(crate) async fn set(
        &self,
        profile: &ProfileId,
        name: &str,
        secret: &Sensitive<String>,
    ) -> Result<(), SecretError> {
        let _writing = self.write_lock.lock().await;
        let key = self.key_of(profile).ok_or(SecretError::VaultLocked)?;
        let mut file = Self::read(&self.path(profile)).await?.ok_or(SecretError::VaultLocked)?;
        let sealed = seal(&key, secret.expose().as_bytes(), &Self::aad(profile, name))?;
        file.entries.insert(name.to_owned(), sealed);
        self.write(profile, &file).await
    }

    /// Reads the entry; the file is small and read whole each time, so it is never stale.
    pub(crate) fn get(&self, profile: &ProfileId, name: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        let key = self.key_of(profile).ok_or(SecretError::VaultLocked)?;
        let bytes = match std::fs::read(self.path(profile)) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(SecretError::VaultLocked),
            Err(error) => return Err(failed("reading the vault", error)),
        };
        let file: VaultFile =
            serde_json::from_slice(&bytes).map_err(|error| failed("the vault file is damaged", error))?;
        let Some(sealed) = file.entries.get(name) else { return Ok(None) };
        let plain = open(&key, sealed, &Self::aad(profile, name))?
            .ok_or_else(|| SecretError::Failed("a vault entry was altered".into()))?;
        let text = String::from_utf8(plain.to_vec()).map_err(|error| failed("a vault entry", error))?;
        Ok(Some(Sensitive::new(text)))
    }

    pub(crate) async fn delete(&self, profile: &ProfileId, name: &str) -> Result<(), SecretError> {
        let _writing = self.write_lock.lock().await;
        let Some(mut file) = Self::read(&self.path(profile)).await? else { return Ok(()) };
        if file.entries.remove(name).is_some() {
            self.write(profile, &file).await?;
        }
        Ok(())
    }
}
