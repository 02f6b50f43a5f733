//! Profiles and login against a real SQLite file: registration, login, lock, idle lock,
//! recovery, throttling and administration, including every refusal.

use chrono::Duration;
use kickstart_core::auth::{AuthError, RegisterInput};
use kickstart_core::ids::ProfileId;
use kickstart_core::profiles::{CreateProfileInput, Role};
use kickstart_core::{Core, CoreError};
use kickstart_testkit::{TestCore, GOOD_PASSWORD};

async fn profile_count(core: &Core) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM profiles").fetch_one(core.db().pool()).await.expect("count")
}

fn register_input(username: &str, password: &str) -> RegisterInput {
    RegisterInput { username: username.into(), display_name: String::new(), password: password.into() }
}

fn assert_validation(result: Result<impl std::fmt::Debug, CoreError>, expected_field: &str) {
    match result {
        Err(CoreError::Validation { field, message }) => {
            assert_eq!(field, expected_field, "the error names the offending field ({message})");
            assert!(!message.is_empty());
        }
        other => panic!("expected a validation error on {expected_field}, got {other:?}"),
    }
}

fn assert_auth(result: Result<impl std::fmt::Debug, CoreError>, expected: fn(&AuthError) -> bool, what: &str) {
    match result {
        Err(CoreError::Auth(error)) if expected(&error) => {}
        other => panic!("expected {what}, got {other:?}"),
    }
}

#[tokio::test]
async fn first_profile_is_admin_and_later_ones_are_members() {
    let t = TestCore::new().await;
    let status = t.core.auth().status().await.expect("status");
    assert!(!status.has_profiles && status.session.is_none(), "a fresh database is a first run");

    let admin = t.register("Ada").await;
    assert_eq!(admin.session.profile.role, Role::Admin);
    assert_eq!(admin.session.profile.username, "ada", "usernames are stored lowercased");
    assert_eq!(admin.session.profile.display_name, "ada", "an empty display name falls back to the username");
    assert_eq!(admin.recovery_key.len(), 29, "a recovery key is shown once at registration");

    let member = t.register("bob").await;
    assert_eq!(member.session.profile.role, Role::Member);
    let status = t.core.auth().status().await.expect("status");
    assert_eq!(status.session.expect("signed in").profile.username, "bob", "registering signs in");
    assert!(status.has_profiles);
}

#[tokio::test]
async fn bad_registration_input_is_refused_and_nothing_is_written() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let auth = t.core.auth();
    assert_validation(auth.register(register_input("  ", GOOD_PASSWORD)).await, "username");
    assert_validation(auth.register(register_input(&"x".repeat(33), GOOD_PASSWORD)).await, "username");
    assert_validation(auth.register(register_input("ada lovelace", GOOD_PASSWORD)).await, "username");
    assert_validation(auth.register(register_input("carol", "short")).await, "password");
    assert_validation(auth.register(register_input("carol", "password123")).await, "password");
    assert_validation(
        auth.register(RegisterInput { display_name: "d".repeat(65), ..register_input("carol", GOOD_PASSWORD) }).await,
        "displayName",
    );
    match auth.register(register_input("ADA", GOOD_PASSWORD)).await {
        Err(CoreError::Conflict { field: Some("username"), .. }) => {}
        other => panic!("a duplicate username (any case) is a conflict, got {other:?}"),
    }
    assert_eq!(profile_count(&t.core).await, 1, "no refused registration wrote a row");
}

#[tokio::test]
async fn login_logout_and_wrong_credentials() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let auth = t.core.auth();
    auth.logout();
    assert_auth(auth.session(), |e| matches!(e, AuthError::Unauthenticated), "Unauthenticated after logout");

    assert_auth(
        auth.login("ada", "wrong password").await,
        |e| matches!(e, AuthError::InvalidCredentials),
        "InvalidCredentials",
    );
    assert_auth(
        auth.login("nobody", GOOD_PASSWORD).await,
        |e| matches!(e, AuthError::InvalidCredentials),
        "the same error for an unknown profile",
    );
    assert_auth(auth.session(), |e| matches!(e, AuthError::Unauthenticated), "failed logins sign no one in");

    let info = auth.login(" ADA ", GOOD_PASSWORD).await.expect("login ignores case and spaces in the username");
    assert!(info.profile.last_login_at.is_some(), "the login time is recorded");
    assert_eq!(auth.session().expect("signed in").profile_id, info.profile.id);
}

#[tokio::test]
async fn repeated_failures_are_slowed_down_per_username() {
    let t = TestCore::new().await;
    t.register("ada").await;
    t.register("bob").await;
    let auth = t.core.auth();
    for _ in 0..3 {
        assert_auth(
            auth.login("ada", "wrong password").await,
            |e| matches!(e, AuthError::InvalidCredentials),
            "InvalidCredentials",
        );
    }
    assert_auth(
        auth.login("ada", GOOD_PASSWORD).await,
        |e| matches!(e, AuthError::Throttled { retry_after_secs: 1 }),
        "a one-second wait after three failures",
    );
    auth.login("bob", GOOD_PASSWORD).await.expect("another username is not slowed down");
    t.clock.advance(Duration::seconds(1));
    assert_auth(
        auth.login("ada", "wrong again!").await,
        |e| matches!(e, AuthError::InvalidCredentials),
        "the attempt after the wait is checked",
    );
    assert_auth(
        auth.login("ada", GOOD_PASSWORD).await,
        |e| matches!(e, AuthError::Throttled { retry_after_secs: 2 }),
        "the wait doubles",
    );
    t.clock.advance(Duration::seconds(2));
    auth.login("ada", GOOD_PASSWORD).await.expect("the right password after the wait signs in");
}

#[tokio::test]
async fn a_disabled_profile_cannot_sign_in() {
    let t = TestCore::new().await;
    let admin = t.register("ada").await;
    let bob = t.register("bob").await;
    t.core.auth().login("ada", GOOD_PASSWORD).await.expect("admin signs in");
    let session = t.core.auth().session().expect("session");
    let disabled = t.core.profiles().set_disabled(&session, &bob.session.profile.id, true).await.expect("disable");
    assert!(disabled.disabled);
    assert_auth(
        t.core.auth().login("bob", GOOD_PASSWORD).await,
        |e| matches!(e, AuthError::ProfileDisabled),
        "ProfileDisabled",
    );
    assert_auth(
        t.core.auth().login("bob", "wrong password").await,
        |e| matches!(e, AuthError::InvalidCredentials),
        "a wrong password does not reveal the profile is disabled",
    );
    t.core.auth().login("ada", GOOD_PASSWORD).await.expect("admin signs in");
    let session = t.core.auth().session().expect("session");
    t.core.profiles().set_disabled(&session, &bob.session.profile.id, false).await.expect("enable");
    t.core.auth().login("bob", GOOD_PASSWORD).await.expect("an enabled profile signs in again");
    assert_ne!(admin.session.profile.id, bob.session.profile.id);
}

#[tokio::test]
async fn a_locked_session_reaches_nothing_until_unlocked() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let auth = t.core.auth();
    auth.lock().expect("lock");
    assert_auth(auth.session(), |e| matches!(e, AuthError::Locked), "Locked");
    let status = auth.status().await.expect("status");
    assert!(status.session.expect("still on the desk").locked, "status shows the lock screen");
    assert_auth(
        auth.unlock("wrong password").await,
        |e| matches!(e, AuthError::InvalidCredentials),
        "a wrong password does not unlock",
    );
    assert_auth(auth.session(), |e| matches!(e, AuthError::Locked), "still locked");
    let info = auth.unlock(GOOD_PASSWORD).await.expect("unlock");
    assert!(!info.locked);
    auth.session().expect("unlocked session works");
    auth.logout();
    assert_auth(auth.lock(), |e| matches!(e, AuthError::Unauthenticated), "nothing to lock when signed out");
    assert_auth(
        auth.unlock(GOOD_PASSWORD).await,
        |e| matches!(e, AuthError::Unauthenticated),
        "nothing to unlock when signed out",
    );
}

#[tokio::test]
async fn idle_sessions_lock_themselves() {
    let t = TestCore::new().await;
    let ada = t.register("ada").await;
    assert_eq!(ada.session.idle_lock_minutes, 15, "new profiles lock after 15 idle minutes");
    let auth = t.core.auth();
    t.clock.advance(Duration::minutes(14));
    auth.session().expect("14 minutes idle is still fine, and counts as activity");
    t.clock.advance(Duration::minutes(14));
    assert!(!auth.lock_if_idle(), "activity 14 minutes ago keeps it open");
    t.clock.advance(Duration::minutes(1));
    assert!(auth.lock_if_idle(), "15 idle minutes lock it");
    assert_auth(auth.session(), |e| matches!(e, AuthError::Locked), "Locked");

    let session = {
        auth.unlock(GOOD_PASSWORD).await.expect("unlock");
        auth.session().expect("session")
    };
    let info = auth.set_idle_lock(&session, 0).await.expect("turn the idle lock off");
    assert_eq!(info.idle_lock_minutes, 0);
    t.clock.advance(Duration::days(2));
    auth.session().expect("with the idle lock off the session never locks itself");
    assert_validation(auth.set_idle_lock(&session, 1441).await, "minutes");
    auth.set_idle_lock(&session, 5).await.expect("5 minutes");
    t.clock.advance(Duration::minutes(5));
    assert_auth(auth.session(), |e| matches!(e, AuthError::Locked), "the new idle time applies to the current session");
}

#[tokio::test]
async fn change_password_checks_the_current_one_and_the_rules() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let auth = t.core.auth();
    let session = auth.session().expect("session");
    assert_validation(auth.change_password(&session, "not my password", "a new long secret").await, "currentPassword");
    assert_validation(auth.change_password(&session, GOOD_PASSWORD, "short").await, "newPassword");
    auth.change_password(&session, GOOD_PASSWORD, "a new long secret").await.expect("change password");
    auth.logout();
    assert_auth(
        auth.login("ada", GOOD_PASSWORD).await,
        |e| matches!(e, AuthError::InvalidCredentials),
        "the old password stops working",
    );
    auth.login("ada", "a new long secret").await.expect("the new password works");
}

#[tokio::test]
async fn the_recovery_key_resets_the_password_once() {
    let t = TestCore::new().await;
    let ada = t.register("ada").await;
    let auth = t.core.auth();
    auth.logout();
    assert_auth(
        auth.recover("ada", "00000-00000-00000-00000-00000", "brand new secret").await,
        |e| matches!(e, AuthError::InvalidRecoveryKey),
        "a wrong key",
    );
    assert_auth(
        auth.recover("nobody", &ada.recovery_key, "brand new secret").await,
        |e| matches!(e, AuthError::InvalidRecoveryKey),
        "an unknown profile",
    );
    assert_validation(auth.recover("ada", &ada.recovery_key, "short").await, "newPassword");

    let typed = ada.recovery_key.to_lowercase().replace('-', " ");
    let new_key = auth.recover("ada", &typed, "brand new secret").await.expect("the key resets the password");
    assert_ne!(new_key, ada.recovery_key, "a new key replaces the spent one");
    assert_auth(
        auth.recover("ada", &ada.recovery_key, "another new secret").await,
        |e| matches!(e, AuthError::InvalidRecoveryKey),
        "the spent key no longer works",
    );
    auth.login("ada", "brand new secret").await.expect("the reset password works");
    auth.logout();
    auth.recover("ada", &new_key, "third new secret").await.expect("the new key works");
}

#[tokio::test]
async fn members_cannot_reach_administration() {
    let t = TestCore::new().await;
    let ada = t.register("ada").await;
    t.register("bob").await;
    let bob = t.core.auth().session().expect("bob is signed in");
    let profiles = t.core.profiles();
    let forbidden = |e: &AuthError| matches!(e, AuthError::Forbidden(_));
    assert_auth(profiles.list(&bob).await, forbidden, "Forbidden list");
    let input = CreateProfileInput {
        username: "eve".into(),
        display_name: "Eve".into(),
        password: GOOD_PASSWORD.into(),
        role: Role::Admin,
    };
    assert_auth(profiles.create(&bob, input).await, forbidden, "Forbidden create");
    assert_auth(
        profiles.set_role(&bob, &bob.profile_id, Role::Admin).await,
        forbidden,
        "a member cannot promote themself",
    );
    assert_auth(profiles.set_disabled(&bob, &ada.session.profile.id, true).await, forbidden, "Forbidden disable");
    assert_auth(
        profiles.reset_password(&bob, &ada.session.profile.id, "taken over now").await,
        forbidden,
        "Forbidden reset",
    );
    assert_eq!(profile_count(&t.core).await, 2, "nothing was created");
    t.core.auth().logout();
    t.core.auth().login("ada", GOOD_PASSWORD).await.expect("the admin's password is unchanged");
}

#[tokio::test]
async fn administrators_manage_profiles_with_guard_rails() {
    let t = TestCore::new().await;
    let ada = t.register("ada").await;
    let admin = t.core.auth().session().expect("session");
    let profiles = t.core.profiles();

    let input = CreateProfileInput {
        username: "Carol".into(),
        display_name: "Carol C".into(),
        password: GOOD_PASSWORD.into(),
        role: Role::Member,
    };
    let carol = profiles.create(&admin, input.clone()).await.expect("create");
    assert_eq!(carol.profile.role, Role::Member);
    assert_eq!(carol.recovery_key.len(), 29);
    match profiles.create(&admin, input).await {
        Err(CoreError::Conflict { .. }) => {}
        other => panic!("duplicate username is a conflict, got {other:?}"),
    }
    let listed = profiles.list(&admin).await.expect("list");
    assert_eq!(listed.iter().map(|p| p.username.as_str()).collect::<Vec<_>>(), ["ada", "carol"]);

    assert_auth(
        profiles.set_role(&admin, &ada.session.profile.id, Role::Member).await,
        |e| matches!(e, AuthError::Forbidden(_)),
        "the last admin cannot be demoted",
    );
    assert_auth(
        profiles.set_disabled(&admin, &ada.session.profile.id, true).await,
        |e| matches!(e, AuthError::Forbidden(_)),
        "an admin cannot disable themself",
    );
    let promoted = profiles.set_role(&admin, &carol.profile.id, Role::Admin).await.expect("promote");
    assert_eq!(promoted.role, Role::Admin);
    profiles
        .set_role(&admin, &ada.session.profile.id, Role::Member)
        .await
        .expect("with another admin, ada may step down");
    assert_auth(
        profiles.list(&admin).await,
        |e| matches!(e, AuthError::Forbidden(_)),
        "the role is read fresh on every call",
    );

    let unknown = ProfileId::new();
    t.core.auth().logout();
    t.core.auth().login("carol", GOOD_PASSWORD).await.expect("carol signs in");
    let carol_session = t.core.auth().session().expect("session");
    match profiles.set_disabled(&carol_session, &unknown, true).await {
        Err(CoreError::NotFound { .. }) => {}
        other => panic!("an unknown id is NotFound, got {other:?}"),
    }
    assert_validation(profiles.reset_password(&carol_session, &ada.session.profile.id, "short").await, "newPassword");
    profiles.reset_password(&carol_session, &ada.session.profile.id, "reset by carol").await.expect("reset");
    t.core.auth().logout();
    t.core.auth().login("ada", "reset by carol").await.expect("the reset password works");
}

#[tokio::test]
async fn the_database_is_a_durable_wal_file_with_foreign_keys() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let pool = t.core.db().pool();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(pool).await.expect("pragma");
    assert_eq!(mode, "wal");
    let fks: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(pool).await.expect("pragma");
    assert_eq!(fks, 1);
    t.core.close().await;

    let reopened = Core::open(kickstart_testkit::config(t.database_path.clone(), t.clock.clone()))
        .await
        .expect("reopen runs migrations again harmlessly");
    let status = reopened.auth().status().await.expect("status");
    assert!(status.has_profiles, "profiles survive a restart");
    assert!(status.session.is_none(), "sessions do not: they live only in memory");
    reopened.auth().login("ada", GOOD_PASSWORD).await.expect("login after restart");
}
