//! Passwords (argon2id) and the JWTs handed to staff and customers.

use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::core::{Error, Result};

/// How long an admin token lives.
pub const TOKEN_TTL_SECS: i64 = 24 * 3600;

pub fn check_password_policy(password: &str) -> Result<()> {
    if password.chars().count() < 8 || password.len() > 1024 {
        return Err(Error::invalid("Password must be 8 to 1024 characters long"));
    }
    Ok(())
}

/// Hashes off the async runtime: argon2 is deliberately slow.
pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(anyhow::anyhow!("hashing password: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(e.into()))?
}

/// Verifies against `hash`, or against a dummy hash when there is no user, so that
/// "no such user" and "wrong password" take the same time.
pub async fn verify_password(hash: Option<&str>, password: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = hash.map(str::to_owned);
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let dummy = DUMMY.get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(b"coral-dummy", &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        });
        let (hash, real) = match &hash {
            Some(h) => (h.as_str(), true),
            None => (dummy.as_str(), false),
        };
        let ok = PasswordHash::new(hash)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        ok && real
    })
    .await
    .unwrap_or(false)
}

/// JWT claims. `actor_id`, `actor_type`, `auth_identity_id` and `app_metadata` mirror
/// Medusa's tokens; `tenant_id`, `role` and `tv` (token version) are Coral's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub actor_id: String,
    /// `user` (staff) or `customer`.
    pub actor_type: String,
    pub auth_identity_id: String,
    pub app_metadata: serde_json::Value,
    pub tenant_id: String,
    pub role: String,
    pub tv: i32,
    pub iat: i64,
    pub exp: i64,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn new(secret: &str) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        }
    }

    pub fn issue(&self, claims: &Claims) -> Result<String> {
        jsonwebtoken::encode(&Header::default(), claims, &self.encoding)
            .map_err(|e| Error::Internal(anyhow::anyhow!("signing token: {e}")))
    }

    /// Checks signature and expiry; any failure is the same 401.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &Validation::default())
            .map(|d| d.claims)
            .map_err(|_| Error::unauthorized())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse").await.unwrap();
        assert!(verify_password(Some(&h), "correct horse").await);
        assert!(!verify_password(Some(&h), "wrong horse").await);
        assert!(!verify_password(None, "correct horse").await);
    }

    #[test]
    fn tokens_round_trip_and_reject_other_keys() {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            actor_id: "user_1".into(),
            actor_type: "user".into(),
            auth_identity_id: "user_1".into(),
            app_metadata: serde_json::json!({}),
            tenant_id: "ten_1".into(),
            role: "tenant_admin".into(),
            tv: 1,
            iat: now,
            exp: now + 60,
        };
        let a = TokenKeys::new("secret-a");
        let t = a.issue(&claims).unwrap();
        assert_eq!(a.verify(&t).unwrap().tenant_id, "ten_1");
        assert!(TokenKeys::new("secret-b").verify(&t).is_err());
        let expired = Claims {
            exp: now - 120,
            ..claims
        };
        assert!(a.verify(&a.issue(&expired).unwrap()).is_err());
    }
}
