//! Access tokens for the MCP server: one per client a person connects (Claude Desktop, Cursor,
//! a script). A token stands for one profile. Only its SHA-256 is stored — it is shown once,
//! when made — and it can be revoked.

use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::{AuthError, Session};
use crate::ids::{string_id, ProfileId};
use crate::{time, Core, CoreError};

string_id!(
    /// The id of an MCP access token.
    McpTokenId
);

/// What every token starts with, so a leaked one is recognisable (and secret scanners find it).
const TOKEN_PREFIX: &str = "ksm_";
/// Longest token name.
const MAX_NAME_CHARS: usize = 80;
/// Most live tokens a profile may hold.
const MAX_TOKENS: i64 = 50;

/// A token as the Settings list shows it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct McpToken {
    pub id: McpTokenId,
    pub name: String,
    /// The token's last four characters.
    pub hint: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A token just made: the only time its secret is available.
#[derive(Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewMcpToken {
    pub token: McpToken,
    /// Shown once (this response is the only place it exists outside the client it is pasted
    /// into); only its hash is stored. Never logged: `Debug` is not derived.
    pub secret: String,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: McpTokenId,
    name: String,
    hint: String,
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

impl From<TokenRow> for McpToken {
    fn from(row: TokenRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            hint: row.hint,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The profile's MCP access tokens.
pub struct McpTokens<'a> {
    core: &'a Core,
}

impl<'a> McpTokens<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// Every token of the profile, newest first (revoked ones too, marked).
    pub async fn list(&self, session: &Session) -> Result<Vec<McpToken>, CoreError> {
        let rows: Vec<TokenRow> = sqlx::query_as(
            "SELECT id, name, hint, created_at, last_used_at, revoked_at FROM mcp_tokens \
             WHERE profile_id = ?1 ORDER BY created_at DESC, id DESC",
        )
        .bind(&session.profile_id)
        .fetch_all(self.core.db.pool())
        .await?;
        Ok(rows.into_iter().map(McpToken::from).collect())
    }

    /// Makes a token for the profile; its secret is in the result and nowhere else.
    pub async fn create(&self, session: &Session, name: &str) -> Result<NewMcpToken, CoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(CoreError::validation("name", "Give the token a name, such as \"Claude Desktop\"."));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(CoreError::validation("name", format!("Use at most {MAX_NAME_CHARS} characters.")));
        }
        let live: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM mcp_tokens WHERE profile_id = ?1 AND revoked_at IS NULL")
                .bind(&session.profile_id)
                .fetch_one(self.core.db.pool())
                .await?;
        if live >= MAX_TOKENS {
            return Err(CoreError::validation("name", "Revoke a token you no longer use before making another."));
        }
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let secret = format!("{TOKEN_PREFIX}{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let hint = secret[secret.len() - 4..].to_owned();
        let id = McpTokenId::new();
        let now = time::to_db(self.core.clock.now());
        sqlx::query(
            "INSERT INTO mcp_tokens (id, profile_id, name, token_hash, hint, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&id)
        .bind(&session.profile_id)
        .bind(name)
        .bind(hash(&secret))
        .bind(&hint)
        .bind(&now)
        .execute(self.core.db.pool())
        .await?;
        tracing::info!(token = %id, "MCP token created");
        let token = McpToken { id, name: name.to_owned(), hint, created_at: now, last_used_at: None, revoked_at: None };
        Ok(NewMcpToken { token, secret })
    }

    /// Revokes a token: clients using it are refused from their next request.
    pub async fn revoke(&self, session: &Session, id: &McpTokenId) -> Result<McpToken, CoreError> {
        let now = time::to_db(self.core.clock.now());
        let revoked = sqlx::query(
            "UPDATE mcp_tokens SET revoked_at = COALESCE(revoked_at, ?1) WHERE id = ?2 AND profile_id = ?3",
        )
        .bind(&now)
        .bind(id)
        .bind(&session.profile_id)
        .execute(self.core.db.pool())
        .await?;
        if revoked.rows_affected() == 0 {
            return Err(CoreError::NotFound { what: "MCP token" });
        }
        tracing::info!(token = %id, "MCP token revoked");
        let row: TokenRow =
            sqlx::query_as("SELECT id, name, hint, created_at, last_used_at, revoked_at FROM mcp_tokens WHERE id = ?1")
                .bind(id)
                .fetch_one(self.core.db.pool())
                .await?;
        Ok(row.into())
    }

    /// The session a token stands for; a wrong, revoked or disabled profile's token is refused
    /// with the same error (which one is not said). Checked on every request, so a revoke takes
    /// effect at once.
    pub async fn authenticate(&self, secret: &str) -> Result<Session, CoreError> {
        let secret = secret.trim();
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
            return Err(AuthError::InvalidToken.into());
        }
        let found: Option<(McpTokenId, ProfileId)> = sqlx::query_as(
            "SELECT t.id, t.profile_id FROM mcp_tokens t JOIN profiles p ON p.id = t.profile_id \
             WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND p.disabled_at IS NULL",
        )
        .bind(hash(secret))
        .fetch_optional(self.core.db.pool())
        .await?;
        let Some((id, profile_id)) = found else { return Err(AuthError::InvalidToken.into()) };
        // Minute resolution is enough for "last used", and spares a write per call.
        let now = time::to_db(self.core.clock.now());
        sqlx::query(
            "UPDATE mcp_tokens SET last_used_at = ?1 WHERE id = ?2 \
             AND (last_used_at IS NULL OR substr(last_used_at, 1, 16) != substr(?1, 1, 16))",
        )
        .bind(&now)
        .bind(&id)
        .execute(self.core.db.pool())
        .await?;
        Ok(Session { profile_id })
    }
}

#[cfg(test)]
mod tests {
    use super::hash;

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
