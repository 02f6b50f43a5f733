//! The system keychain for real: a Secret Service (gnome-keyring) on a private D-Bus session.
//! Ignored by a plain `cargo test` (it needs that session); `make test` runs it through
//! `scripts/keychain-test.sh`, which starts one, with `--include-ignored keychain`.

use std::sync::Arc;

use kickstart_core::providers::{NewConnection, ProviderKind};
use kickstart_core::secrets::{KeyStorage, KeyringStore, SecretStore, Sensitive};
use kickstart_testkit::llm_server::ScriptedLlm;
use kickstart_testkit::TestCore;

#[test]
#[ignore = "needs a Secret Service: run by make test through scripts/keychain-test.sh"]
fn keychain_stores_reads_replaces_and_deletes_in_the_secret_service() {
    let store = KeyringStore::system();
    store.probe().expect("the Secret Service answers");
    let name = format!("test/{}", kickstart_core::ids::new_id());
    assert!(store.get(&name).expect("a read").is_none());
    store.set(&name, &Sensitive::new("first-secret".into())).expect("stored");
    assert_eq!(store.get(&name).expect("a read").expect("present").expose(), "first-secret");
    store.set(&name, &Sensitive::new("second-secret".into())).expect("replaced");
    assert_eq!(store.get(&name).expect("a read").expect("present").expose(), "second-secret");
    store.delete(&name).expect("deleted");
    assert!(store.get(&name).expect("a read").is_none());
    store.delete(&name).expect("deleting a missing secret succeeds");
}

#[tokio::test]
#[ignore = "needs a Secret Service: run by make test through scripts/keychain-test.sh"]
async fn keychain_holds_a_provider_key_that_reaches_the_server() {
    let t = TestCore::with_config(|config| config.secret_store = Arc::new(KeyringStore::system())).await;
    t.register("ada").await;
    let session = t.core.auth().session().expect("signed in");
    let server = ScriptedLlm::start().await;
    server.require_key(Some("sk-in-the-real-keychain".into()));
    let saved = t
        .core
        .providers()
        .create(
            &session,
            NewConnection {
                kind: ProviderKind::OpenaiCompatible,
                name: "Scripted".into(),
                base_url: server.base_url(),
                default_model: None,
                api_key: Some(Sensitive::new("sk-in-the-real-keychain".into())),
                make_default: false,
            },
        )
        .await
        .expect("saved");
    assert_eq!(saved.key_storage, KeyStorage::Keychain);
    t.core.providers().check(&session, &saved.id).await.expect("the key came back out of the Secret Service");
    t.core.providers().delete(&session, &saved.id).await.expect("deleted");
    let store = KeyringStore::system();
    assert!(store.get(&format!("provider/{}", saved.id)).expect("a read").is_none(), "the key left the keychain");
}
