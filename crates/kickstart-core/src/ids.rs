//! Identifiers: UUIDv7 (time-ordered, so new rows append to indexes), carried as strings because
//! they cross to TypeScript and SQLite as text.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The id of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct ProfileId(pub String);

impl ProfileId {
    /// A fresh time-ordered id.
    pub fn new() -> Self {
        Self(new_id())
    }
}

impl Default for ProfileId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for ProfileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A fresh UUIDv7 as a lowercase hyphenated string.
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Declares a newtype id over a UUIDv7 string: serialised as the bare string, stored as text.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize, ::specta::Type, ::sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// A fresh time-ordered id.
            pub(crate) fn new() -> Self {
                Self(crate::ids::new_id())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use string_id;
