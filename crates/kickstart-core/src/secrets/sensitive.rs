//! [`Sensitive`]: a value that never shows itself by accident.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroize;

/// A secret value (an API key). Debug and Display print `[redacted]`, serialising fails, and the
/// memory is wiped on drop. The only way to the value is [`Sensitive::expose`], which is easy to
/// search for in review.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself: only to hand it to the one place that needs it (an HTTP header).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T: Zeroize> std::fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Refuses: a secret must never be written into a response, a file or a log by serde.
impl<T: Zeroize> Serialize for Sensitive<T> {
    fn serialize<S: Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("a secret refuses to be serialised"))
    }
}

/// Secrets arrive from the UI (the key field), so they deserialise like the value they wrap.
impl<'de, T: Zeroize + Deserialize<'de>> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

impl From<String> for Sensitive<String> {
    fn from(value: String) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_itself() {
        let key = Sensitive::new("sk-live-abc123".to_owned());
        assert_eq!(format!("{key:?}"), "[redacted]");
        assert_eq!(format!("{key}"), "[redacted]");
        assert!(serde_json::to_string(&key).is_err());
        assert!(serde_json::to_value(Some(&key)).is_err());
        assert_eq!(key.expose(), "sk-live-abc123");
    }

    #[test]
    fn deserialises_from_a_plain_string() {
        let key: Sensitive<String> = serde_json::from_str("\"sk-1\"").expect("a JSON string");
        assert_eq!(key.expose(), "sk-1");
    }
}
