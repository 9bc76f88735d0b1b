//! Sealing of tenant secrets: ChaCha20-Poly1305 under a key derived (HKDF-SHA256) from
//! the master key and the tenant id, with the tenant id and secret name as associated
//! data, so a sealed value copied to another tenant or name does not open. A sealed
//! value is the 12-byte nonce followed by the ciphertext.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use hkdf::Hkdf;
use sha2::Sha256;

use crate::core::ids::TenantId;
use crate::core::{Error, Result};

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
