//! Provider connections against a real SQLite file and the scripted LLM server: saving, editing
//! and removing, keys in the (mock) keychain and in the encrypted vault, bad input, isolation
//! between profiles — and the key never landing in the database.

use std::sync::Arc;

use kickstart_core::auth::Session;
use kickstart_core::providers::{
    ConnectionPatch, NewConnection, ProviderConnectionId, ProviderErrorKind, ProviderKind,
};
use kickstart_core::secrets::{KeyStorage, SecretError, SecretStore, Sensitive, VaultState};
use kickstart_core::CoreError;
use kickstart_testkit::llm_server::ScriptedLlm;
use kickstart_testkit::{TestCore, GOOD_PASSWORD};

const KEY: &str = "sk-proj-UNIQUE-test-key-7f3a9c";

async fn signed_in(t: &TestCore, username: &str) -> Session {
    t.register(username).await;
    t.core.auth().session().expect("session")
}

fn compatible(name: &str, base_url: &str, key: Option<&str>) -> NewConnection {
    NewConnection {
        kind: ProviderKind::OpenaiCompatible,
        name: name.into(),
        base_url: base_url.into(),
        default_model: Some("scripted-small".into()),
        api_key: key.map(|key| Sensitive::new(key.to_owned())),
        make_default: false,
    }
}

fn assert_field<T: std::fmt::Debug>(result: Result<T, CoreError>, expected: &str) {
    match result {
        Err(CoreError::Validation { field, .. }) => assert_eq!(field, expected),
        other => panic!("expected a validation error on {expected}, got {other:?}"),
    }
}

/// Every byte of the database files (main file and write-ahead log), as text.
fn database_bytes(t: &TestCore) -> String {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", t.database_path.display());
        if let Ok(bytes) = std::fs::read(path) {
            all.extend(bytes);
        }
    }
    String::from_utf8_lossy(&all).into_owned()
}

#[tokio::test]
async fn a_connection_is_saved_with_its_key_in_the_keychain_only() {
    let t = TestCore::new().await;
    let session = signed_in(&t, "ada").await;
    let server = ScriptedLlm::start().await;
    server.require_key(Some(KEY.into()));

    let saved = t
        .core
        .providers()
        .create(&session, compatible("Local", &format!("{}/", server.base_url()), Some(KEY)))
        .await
        .expect("saved");
    assert_eq!(saved.base_url, server.base_url(), "stored without the trailing slash");
    assert!(saved.has_key);
    assert_eq!(saved.key_storage, KeyStorage::Keychain);
    assert!(saved.is_default, "the first connection becomes the default");

    // The key reaches the server, so it is really stored and read back.
    let check = t.core.providers().check(&session, &saved.id).await.expect("the check passes");
    assert_eq!(check.models.as_ref().map(Vec::len), Some(2));
    assert!(check.message.contains("2 models"), "{}", check.message);

    // Everything a command would return, serialised, and the database files: no key anywhere.
    let listed = t.core.providers().list(&session).await.expect("list");
    let returned = serde_json::to_string(&(listed, &saved, &check)).expect("serialisable");
    assert!(!returned.contains(KEY));
    t.core.close().await;
    assert!(!database_bytes(&t).contains(KEY), "the key is not in the SQLite files");
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_stored() {
    let t = TestCore::new().await;
    let session = signed_in(&t, "ada").await;
    let providers = t.core.providers();
    assert_field(providers.create(&session, compatible("  ", "http://localhost:1/v1", None)).await, "name");
    for url in ["localhost:11434", "ftp://example.com", "not a url", "http://", "http://u:p@host/v1", "http://h/v1?x=1"]
    {
        assert_field(providers.create(&session, compatible("X", url, None)).await, "baseUrl");
    }
    let no_key =
        NewConnection { kind: ProviderKind::Openai, ..compatible("OpenAI", "https://api.openai.com/v1", Some("   ")) };
    assert_field(providers.create(&session, no_key).await, "apiKey");
    assert!(providers.list(&session).await.expect("list").is_empty());

    providers.create(&session, compatible("Same", "http://localhost:1/v1", None)).await.expect("first");
    match providers.create(&session, compatible("same", "http://localhost:2/v1", Some(KEY))).await {
        Err(CoreError::Conflict { field: Some("name"), .. }) => {}
        other => panic!("a duplicate name conflicts, got {other:?}"),
    }
    assert_eq!(providers.list(&session).await.expect("list").len(), 1, "the duplicate was not stored");
}

#[tokio::test]
async fn editing_replaces_or_removes_the_key_and_keeps_the_rest() {
    let t = TestCore::new().await;
    let session = signed_in(&t, "ada").await;
    let server = ScriptedLlm::start().await;
    server.require_key(Some("new-key".into()));
    let providers = t.core.providers();
    let saved =
        providers.create(&session, compatible("Local", &server.base_url(), Some("old-key"))).await.expect("saved");
    let refused = providers.check(&session, &saved.id).await.expect_err("the old key is refused");
    assert!(matches!(refused, CoreError::Provider(ref error) if error.kind == ProviderErrorKind::Auth), "{refused:?}");

    let patch = ConnectionPatch { api_key: Some(Sensitive::new("new-key".into())), ..ConnectionPatch::default() };
    let updated = providers.update(&session, &saved.id, patch).await.expect("updated");
    assert_eq!(updated.name, "Local");
    providers.check(&session, &saved.id).await.expect("the new key is accepted");

    let patch = ConnectionPatch {
        default_model: Some(String::new()),
        name: Some("Renamed".into()),
        ..ConnectionPatch::default()
    };
    let updated = providers.update(&session, &saved.id, patch).await.expect("updated");
    assert_eq!((updated.name.as_str(), updated.default_model.as_deref()), ("Renamed", None));
    assert!(updated.has_key, "a patch without a key keeps it");

    let cleared =
        providers.update(&session, &saved.id, ConnectionPatch { clear_key: true, ..ConnectionPatch::default() });
    let cleared = cleared.await.expect("cleared");
    assert!(!cleared.has_key);
    server.require_key(None);
    let last = server.requests().len();
    providers.check(&session, &saved.id).await.expect("a keyless server still answers");
    let sent = &server.requests()[last];
    assert_eq!(sent.header("authorization"), None, "no stale key is sent");
}

#[tokio::test]
async fn defaults_move_and_removal_promotes_the_oldest() {
    let t = TestCore::new().await;
    let session = signed_in(&t, "ada").await;
    let providers = t.core.providers();
    let first = providers.create(&session, compatible("One", "http://localhost:1/v1", None)).await.expect("one");
    let second = providers
        .create(&session, NewConnection { make_default: true, ..compatible("Two", "http://localhost:2/v1", None) })
        .await
        .expect("two");
    let third = providers.create(&session, compatible("Three", "http://localhost:3/v1", None)).await.expect("three");
    assert!(second.is_default && !third.is_default);
    let listed = providers.list(&session).await.expect("list");
    assert_eq!(listed.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Two", "One", "Three"]);
    assert_eq!(listed.iter().filter(|c| c.is_default).count(), 1);

    providers.set_default(&session, &third.id).await.expect("set default");
    providers.delete(&session, &third.id).await.expect("deleted");
    let listed = providers.list(&session).await.expect("list");
    assert_eq!(listed[0].id, first.id, "the oldest remaining became the default");
    assert!(listed[0].is_default);
}

#[tokio::test]
async fn another_profiles_connection_is_not_found() {
    let t = TestCore::new().await;
    let ada = signed_in(&t, "ada").await;
    let mine =
        t.core.providers().create(&ada, compatible("Mine", "http://localhost:1/v1", Some(KEY))).await.expect("saved");
    t.core.auth().logout();
    let bob = signed_in(&t, "bob").await;
    let providers = t.core.providers();
    assert!(matches!(providers.get(&bob, &mine.id).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(providers.check(&bob, &mine.id).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(providers.delete(&bob, &mine.id).await, Err(CoreError::NotFound { .. })));
    let patch = ConnectionPatch { name: Some("Stolen".into()), ..ConnectionPatch::default() };
    assert!(matches!(providers.update(&bob, &mine.id, patch).await, Err(CoreError::NotFound { .. })));
    assert!(providers.list(&bob).await.expect("list").is_empty());
    let unknown = ProviderConnectionId("no-such-id".into());
    assert!(matches!(providers.set_default(&bob, &unknown).await, Err(CoreError::NotFound { .. })));
}

/// A keychain that never answers, like a Linux desktop without a Secret Service.
struct NoKeychain;

impl SecretStore for NoKeychain {
    fn set(&self, _: &str, _: &Sensitive<String>) -> Result<(), SecretError> {
        Err(SecretError::Unavailable { help: "Install gnome-keyring.".into() })
    }
    fn get(&self, _: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        Err(SecretError::Unavailable { help: "Install gnome-keyring.".into() })
    }
    fn delete(&self, _: &str) -> Result<(), SecretError> {
        Err(SecretError::Unavailable { help: "Install gnome-keyring.".into() })
    }
    fn probe(&self) -> Result<(), SecretError> {
        Err(SecretError::Unavailable { help: "Install gnome-keyring.".into() })
    }
}

#[tokio::test]
async fn without_a_keychain_the_key_is_refused_until_the_vault_is_on() {
    let t = TestCore::with_config(|config| config.secret_store = Arc::new(NoKeychain)).await;
    let session = signed_in(&t, "ada").await;
    let server = ScriptedLlm::start().await;
    server.require_key(Some(KEY.into()));

    let status = t.core.secrets().status(&session).await.expect("status");
    assert!(!status.keychain);
    assert_eq!(status.keychain_help.as_deref(), Some("Install gnome-keyring."));
    assert_eq!(status.vault, VaultState::Off);
    match t.core.providers().create(&session, compatible("Local", &server.base_url(), Some(KEY))).await {
        Err(CoreError::Secret(SecretError::Unavailable { .. })) => {}
        other => panic!("expected the keychain to be unavailable, got {other:?}"),
    }
    assert!(t.core.providers().list(&session).await.expect("list").is_empty(), "nothing stored half-way");

    assert!(matches!(t.core.secrets().enable_vault(&session, "wrong password").await, Err(CoreError::Auth(_))));
    let status = t.core.secrets().enable_vault(&session, GOOD_PASSWORD).await.expect("vault on");
    assert_eq!(status.vault, VaultState::Unlocked);
    let saved =
        t.core.providers().create(&session, compatible("Local", &server.base_url(), Some(KEY))).await.expect("saved");
    assert_eq!(saved.key_storage, KeyStorage::Vault);
    t.core.providers().check(&session, &saved.id).await.expect("the key comes out of the vault");

    // The vault file holds no plaintext key.
    let vault_dir = t.database_path.parent().expect("a folder").join("vaults");
    let vault_text: String = std::fs::read_dir(&vault_dir)
        .expect("the vault folder")
        .map(|entry| std::fs::read_to_string(entry.expect("an entry").path()).expect("readable"))
        .collect();
    assert!(vault_text.contains("argon2id"));
    assert!(!vault_text.contains(KEY) && !vault_text.contains("UNIQUE"), "the key is encrypted");

    // Signed out, the vault is closed; signing in opens it again.
    t.core.auth().logout();
    let session = t.core.auth().login("ada", GOOD_PASSWORD).await.expect("login").profile.id;
    let session = Session { profile_id: session };
    assert_eq!(t.core.secrets().status(&session).await.expect("status").vault, VaultState::Unlocked);
    t.core.providers().check(&session, &saved.id).await.expect("readable after signing in again");

    // A new password re-wraps the vault's key.
    t.core.auth().change_password(&session, GOOD_PASSWORD, "a brand new passphrase").await.expect("changed");
    t.core.auth().logout();
    t.core.auth().login("ada", "a brand new passphrase").await.expect("login");
    t.core.providers().check(&session, &saved.id).await.expect("readable with the new password");
    t.core.close().await;
    assert!(!database_bytes(&t).contains(KEY));
}

#[tokio::test]
async fn a_server_without_a_model_list_is_checked_with_a_one_token_answer() {
    let t = TestCore::new().await;
    let session = signed_in(&t, "ada").await;
    let server = ScriptedLlm::start().await;
    server.without_models_endpoint();
    let providers = t.core.providers();
    let saved = providers.create(&session, compatible("Bare", &server.base_url(), None)).await.expect("saved");
    let check = providers.check(&session, &saved.id).await.expect("the check passes");
    assert_eq!(check.models, None);
    assert_eq!(check.message, "Connected — scripted-small answered.");
    let asked = server.requests().into_iter().last().expect("a chat request");
    assert_eq!(asked.path, "/v1/chat/completions");
    assert_eq!(asked.body["max_tokens"], serde_json::json!(1));

    let patch = ConnectionPatch { default_model: Some(String::new()), ..ConnectionPatch::default() };
    providers.update(&session, &saved.id, patch).await.expect("no default model");
    match providers.check(&session, &saved.id).await {
        Err(CoreError::Provider(error)) => assert!(error.message.contains("set a default model"), "{}", error.message),
        other => panic!("without a model there is nothing to test with: {other:?}"),
    }
}
