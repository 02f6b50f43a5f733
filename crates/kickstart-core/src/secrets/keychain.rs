//! [`KeyringStore`]: the [`SecretStore`] over the keyring v4 family.
//!
//! Each store is its own value (no process-global default store), so tests can give every core
//! its own mock store, and the system store is opened lazily: a Secret Service that starts after
//! the app is found on the next call.

use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Entry, Error};

use super::{SecretError, SecretStore, Sensitive};

/// The keychain service name every KickStartMyAI entry is filed under.
const SERVICE: &str = "KickStartMyAI";

type Opener = Box<dyn Fn() -> Result<Arc<CredentialStore>, Error> + Send + Sync>;

/// Secrets in a keyring credential store.
pub struct KeyringStore {
    open: Opener,
    store: Mutex<Option<Arc<CredentialStore>>>,
}

impl KeyringStore {
    /// The operating system's keychain.
    pub fn system() -> Self {
        Self { open: Box::new(open_system_store), store: Mutex::new(None) }
    }

    /// keyring-core's in-memory mock store (it keeps state across entries like a real store).
    pub fn mock() -> Self {
        Self {
            open: Box::new(|| {
                let store: Arc<CredentialStore> = keyring_core::mock::Store::new()?;
                Ok(store)
            }),
            store: Mutex::new(None),
        }
    }

    fn entry(&self, name: &str) -> Result<Entry, SecretError> {
        let mut slot = self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let store = match &*slot {
            Some(store) => store.clone(),
            None => {
                let store = (self.open)().map_err(classify)?;
                *slot = Some(store.clone());
                store
            }
        };
        store.build(SERVICE, name, None).map_err(classify)
    }
}

#[cfg(target_os = "linux")]
fn open_system_store() -> Result<Arc<CredentialStore>, Error> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn open_system_store() -> Result<Arc<CredentialStore>, Error> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn open_system_store() -> Result<Arc<CredentialStore>, Error> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn open_system_store() -> Result<Arc<CredentialStore>, Error> {
    Err(Error::NotSupportedByStore("this operating system has no supported keychain".into()))
}

/// What a person can do when the keychain does not answer, for their operating system.
fn help() -> String {
    if cfg!(target_os = "linux") {
        "Install and start a Secret Service keychain (GNOME Keyring, the package gnome-keyring, or KDE Wallet), \
         make sure it is unlocked, then try again — or turn on the encrypted vault."
            .into()
    } else if cfg!(target_os = "macos") {
        "The macOS Keychain did not answer; unlock it in Keychain Access, or turn on the encrypted vault.".into()
    } else {
        "Windows Credential Manager did not answer; or turn on the encrypted vault.".into()
    }
}

fn classify(error: Error) -> SecretError {
    match error {
        Error::NoStorageAccess(_) | Error::PlatformFailure(_) | Error::NotSupportedByStore(_) => {
            tracing::warn!(%error, "keychain unavailable");
            SecretError::Unavailable { help: help() }
        }
        other => SecretError::Failed(other.to_string()),
    }
}

impl SecretStore for KeyringStore {
    fn set(&self, name: &str, secret: &Sensitive<String>) -> Result<(), SecretError> {
        self.entry(name)?.set_password(secret.expose()).map_err(classify)
    }

    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(secret) => Ok(Some(Sensitive::new(secret))),
            Err(Error::NoEntry) => Ok(None),
            Err(other) => Err(classify(other)),
        }
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(Error::NoEntry) => Ok(()),
            Err(other) => Err(classify(other)),
        }
    }

    /// Reads an entry that does not exist: "no entry" means the keychain answered.
    fn probe(&self) -> Result<(), SecretError> {
        self.get("probe").map(|_| ())
    }
}
