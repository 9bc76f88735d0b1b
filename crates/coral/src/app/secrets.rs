//! Write-only tenant secrets (payment and carrier credentials). Each is sealed with
//! ChaCha20-Poly1305 under a key derived (HKDF-SHA256) from the master key and the tenant
//! id, with the tenant id and secret name as associated data: a sealed value copied to
//! another tenant or name does not open. Values are never returned by any API.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use chrono::{DateTime, Utc};
use hkdf::Hkdf;
use sha2::Sha256;

use crate::core::ids::TenantId;
use crate::core::{Error, Result};
use crate::db::secrets;
use crate::tenancy::TenantCtx;

/// Names a tenant may set. A fixed list, so a typo is an error rather than a dead secret.
pub const NAMES: &[&str] = &["nmi_security_key"];

pub struct Sealer {
    master: Vec<u8>,
}

impl Sealer {
    pub fn new(master_key: &str) -> Self {
        Self {
            master: master_key.as_bytes().to_vec(),
        }
    }

    fn cipher(&self, tenant: &TenantId) -> ChaCha20Poly1305 {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"coral tenant secrets v1"), &self.master)
            .expand(tenant.as_str().as_bytes(), &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        ChaCha20Poly1305::new(&key.into())
    }

    fn aad(tenant: &TenantId, name: &str) -> Vec<u8> {
        format!("{}\0{name}", tenant.as_str()).into_bytes()
    }

    /// `nonce ‖ ciphertext`.
    pub fn seal(&self, tenant: &TenantId, name: &str, value: &str) -> Vec<u8> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = Self::aad(tenant, name);
        let ct = self
            .cipher(tenant)
            .encrypt(
                &nonce,
                Payload {
                    msg: value.as_bytes(),
                    aad: &aad,
                },
            )
            .expect("encryption with a valid key cannot fail");
        [nonce.as_slice(), &ct].concat()
    }

    pub fn open(&self, tenant: &TenantId, name: &str, sealed: &[u8]) -> Result<String> {
        let fail = || Error::Internal(anyhow::anyhow!("secret {name} does not open: wrong master key?"));
        if sealed.len() < 12 {
            return Err(fail());
        }
        let (nonce, ct) = sealed.split_at(12);
        let aad = Self::aad(tenant, name);
        let plain = self
            .cipher(tenant)
            .decrypt(nonce.into(), Payload { msg: ct, aad: &aad })
            .map_err(|_| fail())?;
        String::from_utf8(plain).map_err(|_| fail())
    }
}

fn check_name(name: &str) -> Result<()> {
    if NAMES.contains(&name) {
        Ok(())
    } else {
        Err(Error::not_found(format!(
            "Unknown secret '{name}'; known: {}",
            NAMES.join(", ")
        )))
    }
}

/// Whether each known secret is set, and when it last changed.
pub async fn list(ctx: &TenantCtx) -> Result<Vec<(&'static str, Option<DateTime<Utc>>)>> {
    let mut tx = ctx.db.begin().await?;
    let set = secrets::list(&mut tx).await?;
    Ok(NAMES
        .iter()
        .map(|n| (*n, set.iter().find(|(s, _)| s == n).map(|(_, at)| *at)))
        .collect())
}

pub async fn set(sealer: &Sealer, ctx: &TenantCtx, name: &str, value: &str) -> Result<()> {
    check_name(name)?;
    if value.is_empty() || value.len() > 4096 {
        return Err(Error::invalid("A secret value must be 1 to 4096 bytes"));
    }
    let sealed = sealer.seal(&ctx.tenant.id, name, value);
    let mut tx = ctx.db.begin().await?;
    secrets::put(&mut tx, name, &sealed).await?;
    tx.commit().await
}

pub async fn delete(ctx: &TenantCtx, name: &str) -> Result<()> {
    check_name(name)?;
    let mut tx = ctx.db.begin().await?;
    secrets::delete(&mut tx, name).await?;
    tx.commit().await
}

/// The clear value, for a provider about to call its gateway. Never log or return it.
pub async fn reveal(sealer: &Sealer, ctx: &TenantCtx, name: &str) -> Result<Option<String>> {
    let mut tx = ctx.db.begin().await?;
    let sealed = secrets::get(&mut tx, name).await?;
    tx.commit().await?;
    sealed.map(|s| sealer.open(&ctx.tenant.id, name, &s)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_tenant_and_name() {
        let sealer = Sealer::new("master");
        let a = TenantId::parse("ten_01ARZ3NDEKTSV4RRFFQ69G5FAV").unwrap();
        let b = TenantId::parse("ten_01BX5ZZKBKACTAV9WEVGEMMVRZ").unwrap();
        let sealed = sealer.seal(&a, "nmi_security_key", "s3cret");
        assert!(!sealed.windows(6).any(|w| w == b"s3cret"));
        assert_eq!(sealer.open(&a, "nmi_security_key", &sealed).unwrap(), "s3cret");
        assert!(sealer.open(&b, "nmi_security_key", &sealed).is_err());
        assert!(sealer.open(&a, "other", &sealed).is_err());
        assert!(Sealer::new("other master")
            .open(&a, "nmi_security_key", &sealed)
            .is_err());
    }
}
