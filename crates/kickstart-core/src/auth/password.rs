//! Password and recovery-key hashing (Argon2id) and the rules a new password must meet.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;

use super::AuthError;
use crate::CoreError;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (keeps hashing cost bounded).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The rule, in the words the UI shows.
pub const PASSWORD_RULE: &str =
    "Use at least 8 characters. It can't be your username or a common password like \"password123\".";

/// Passwords so common that guessing tools try them first.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "qwertyui",
    "qwerty123",
    "qwertyuiop",
    "iloveyou",
    "abc12345",
    "abcd1234",
    "letmein1",
    "welcome1",
    "welcome123",
    "admin123",
    "changeme",
    "sunshine",
    "football",
    "baseball",
    "princess",
    "trustno1",
    "kickstart",
];

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl PasswordParams {
    /// What the app uses: 64 MiB, 3 passes, 1 lane (OWASP's Argon2id recommendation class).
    pub const fn production() -> Self {
        Self { memory_kib: 64 * 1024, iterations: 3, parallelism: 1 }
    }

    /// Cheap parameters for tests only; never for stored user data.
    pub const fn fast_for_tests() -> Self {
        Self { memory_kib: 64, iterations: 1, parallelism: 1 }
    }

    fn hasher(&self) -> Argon2<'static> {
        // The parameters are constants chosen above, all within Argon2's limits.
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None).unwrap_or_default();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

/// Hashes a secret into a PHC string (which carries its own salt and parameters).
/// Runs on the blocking pool: production parameters take a noticeable fraction of a second.
pub(crate) async fn hash(params: PasswordParams, secret: String) -> Result<String, CoreError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        params
            .hasher()
            .hash_password(secret.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| CoreError::from(AuthError::Hashing(error)))
    })
    .await
    .map_err(|error| CoreError::from(AuthError::HashingTask(error)))?
}

/// Checks a secret against a stored PHC string. A malformed stored hash counts as a mismatch.
pub(crate) async fn verify(stored: String, secret: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| Argon2::default().verify_password(secret.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// Spends the same effort as a verification, so an unknown username answers as slowly as a
/// known one with a wrong password.
pub(crate) async fn spend_equal_effort(params: PasswordParams, secret: String) {
    let _ = hash(params, secret).await;
}

/// Rejects passwords that break [`PASSWORD_RULE`].
pub(crate) fn check_new_password(field: &'static str, password: &str, username: &str) -> Result<(), CoreError> {
    let chars = password.chars().count();
    if chars > MAX_PASSWORD_CHARS {
        return Err(CoreError::validation(field, format!("Use at most {MAX_PASSWORD_CHARS} characters.")));
    }
    let lowered = password.to_lowercase();
    let all_same = password.chars().all(|c| password.starts_with(c));
    if chars < MIN_PASSWORD_CHARS
        || all_same
        || lowered.contains(&username.to_lowercase()) && !username.is_empty()
        || COMMON_PASSWORDS.contains(&lowered.as_str())
    {
        return Err(CoreError::validation(field, PASSWORD_RULE));
    }
    Ok(())
}

/// Crockford's base32 alphabet: no I, L, O or U, so a key read aloud or retyped survives.
const RECOVERY_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new recovery key: 25 random characters (125 bits) in five groups, e.g. `7KQ2M-…`.
pub(crate) fn new_recovery_key() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..5)
        .map(|_| {
            (0..5).map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char).collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The canonical form of a typed recovery key: case, spaces and dashes don't matter, and the
/// letters people confuse with digits are read as those digits.
pub(crate) fn normalize_recovery_key(typed: &str) -> String {
    let compact: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    compact.as_bytes().chunks(5).map(|chunk| String::from_utf8_lossy(chunk).into_owned()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rule_rejects_short_common_and_username_passwords() {
        assert!(check_new_password("password", "short", "ada").is_err(), "7 chars is too short");
        assert!(check_new_password("password", "Password123", "ada").is_err(), "common, any case");
        assert!(check_new_password("password", "my-ada-secret", "ada").is_err(), "contains username");
        assert!(check_new_password("password", "aaaaaaaaaa", "ada").is_err(), "one repeated char");
        assert!(check_new_password("password", "correct horse", "ada").is_ok());
    }

    #[test]
    fn recovery_keys_survive_retyping() {
        let key = new_recovery_key();
        assert_eq!(key.len(), 29, "five groups of five with dashes: {key}");
        assert_eq!(normalize_recovery_key(&key.to_lowercase().replace('-', " ")), key);
        assert_eq!(normalize_recovery_key("abcdo-1ilxx"), "ABCD0-111XX");
    }

    #[tokio::test]
    async fn hash_then_verify() {
        let params = PasswordParams::fast_for_tests();
        let stored = hash(params, "correct horse".into()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$"), "Argon2id PHC string: {stored}");
        assert!(verify(stored.clone(), "correct horse".into()).await);
        assert!(!verify(stored, "wrong horse".into()).await);
        assert!(!verify("not a hash".into(), "x".into()).await, "malformed hash never verifies");
    }
}
