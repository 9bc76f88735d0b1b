//! The catalog: admin writes (`admin`), taxonomy (`taxonomy`), storefront queries over the
//! per-tenant snapshot (`store`, `snapshot`), and the assembled model (`model`).

pub mod admin;
pub mod linked;
pub mod model;
pub mod price_lists;
pub mod pricing;
pub mod rendered;
pub mod snapshot;
pub mod sources;
pub mod store;
pub mod taxonomy;
pub mod variants;

use percent_encoding::percent_decode_str;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::app::Services;
use crate::core::ids::TenantId;
use crate::core::Result;
use crate::db::tenants::CATALOG_CHANNEL;
use crate::tenancy::TenantCtx;

/// After a committed catalog write: this process drops the snapshot now (the next read
/// sees the write), the others when the announcement reaches them.
pub async fn changed(app: &Services, ctx: &TenantCtx) -> Result<()> {
    changed_tenant(app, &ctx.tenant.id).await
}

/// [`changed`] for a tenant other than the request's (master catalog propagation).
pub async fn changed_tenant(app: &Services, tenant: &TenantId) -> Result<()> {
    app.catalogs.invalidate(Some(tenant));
    app.control.announce(CATALOG_CHANNEL, tenant).await
}

/// A handle from a title, as Medusa derives one now (Unicode-aware): letters and digits
/// of every script are kept, lowercased; everything else (spaces, punctuation, symbols)
/// becomes one '-' between words. "Café Crème" → `café-crème`, "Łopata" → `łopata`,
/// an Arabic title keeps its Arabic letters. NFC first, so composed and decomposed
/// spellings give the same handle; combining marks stay with their letter.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.nfc().flat_map(char::to_lowercase) {
        if handle_char(c) {
            if !(out.is_empty() && is_combining_mark(c)) {
                out.push(c);
            }
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// A character a handle keeps: a letter or digit of any script, or a combining mark.
fn handle_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// A handle given by a client: lowercase letters and digits of any script, combining
/// marks and '-'; stored in NFC so lookups match however the client spelled it.
pub fn check_handle(handle: &str) -> Result<String> {
    let handle: String = handle.nfc().collect();
    let ok = !handle.is_empty()
        && handle.len() <= 200
        && handle
            .chars()
            .all(|c| c == '-' || (handle_char(c) && !c.is_uppercase()));
    if ok {
        Ok(handle)
    } else {
        Err(crate::core::Error::invalid(format!(
            "Invalid handle '{handle}': use lowercase letters, digits and '-'"
        )))
    }
}

/// A handle as a lookup names it: percent-decoded when it still carries an encoding
/// (a storefront that re-encodes its route parameter sends `caf%C3%A9`), in NFC.
pub fn lookup_handle(raw: &str) -> String {
    let decoded = if raw.contains('%') {
        percent_decode_str(raw)
            .decode_utf8()
            .map_or_else(|_| raw.to_owned(), |d| d.into_owned())
    } else {
        raw.to_owned()
    };
    decoded.nfc().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slugify("Medusa T-Shirt (Blue)"), "medusa-t-shirt-blue");
        assert_eq!(super::slugify("  Ünïcode  ok "), "ünïcode-ok");
        assert_eq!(super::slugify("Café Crème"), "café-crème");
        // Decomposed (e + U+0301) gives the same handle as composed.
        assert_eq!(super::slugify("Cafe\u{301} Cre\u{300}me"), "café-crème");
        assert_eq!(super::slugify("Łopata"), "łopata");
        assert_eq!(super::slugify("قهوة عربية"), "قهوة-عربية");
        assert_eq!(super::slugify("हिन्दी किताब"), "हिन्दी-किताब");
        assert_eq!(super::slugify("日本茶 (緑)"), "日本茶-緑");
        assert_eq!(super::slugify("!!!"), "");
        assert!(super::check_handle("Bad Handle").is_err());
        assert!(super::check_handle("Café").is_err());
        assert_eq!(super::check_handle("cafe\u{301}").unwrap(), "café");
        assert_eq!(super::check_handle("قهوة-عربية").unwrap(), "قهوة-عربية");
        assert_eq!(super::lookup_handle("caf%C3%A9"), "café");
        assert_eq!(super::lookup_handle("100%"), "100%");
    }
}
