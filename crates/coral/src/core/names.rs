//! Validated names: tenant handles, hostnames, currency and locale codes, emails.

use crate::core::{Error, Result};

/// Handles that would collide with hosts or paths an operator is likely to use.
const RESERVED_HANDLES: &[&str] = &[
    "www", "api", "admin", "app", "platform", "store", "static", "assets", "mail", "status",
];

/// A tenant handle: lowercase, DNS-label safe (it becomes `{handle}.{CORAL_BASE_DOMAIN}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Handle(String);

impl Handle {
    pub fn parse(s: &str) -> Result<Self> {
        let bad = |why: &str| {
            Err(Error::InvalidData(format!(
                "Invalid handle '{s}': {why}. A handle is 2-63 characters of a-z, 0-9 and '-', \
                 starting and ending with a letter or digit"
            )))
        };
        if s.len() < 2 || s.len() > 63 {
            return bad("wrong length");
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return bad("only lowercase letters, digits and '-' are allowed");
        }
        if s.starts_with('-') || s.ends_with('-') {
            return bad("it cannot start or end with '-'");
        }
        if s.starts_with("ten-") || RESERVED_HANDLES.contains(&s) {
            return bad("this handle is reserved");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A hostname for a custom domain, lowercased, without port.
pub fn parse_domain(s: &str) -> Result<String> {
    let d = s.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if d.len() > 253 || !d.contains('.') || !d.split('.').all(label_ok) {
        return Err(Error::InvalidData(format!("Invalid domain '{s}'")));
    }
    Ok(d)
}

/// A three-letter ISO 4217 currency code, lowercase as Medusa shows it.
pub fn parse_currency(s: &str) -> Result<String> {
    let c = s.to_ascii_lowercase();
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(c)
    } else {
        Err(Error::InvalidData(format!("Invalid currency code '{s}'")))
    }
}

/// A two-letter ISO 3166 country code, lowercase as Medusa shows it.
pub fn parse_country(s: &str) -> Result<String> {
    let c = s.to_ascii_lowercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(c)
    } else {
        Err(Error::InvalidData(format!("Invalid country code '{s}'")))
    }
}

/// A BCP 47 locale tag such as `en-US` (shape only).
pub fn parse_locale(s: &str) -> Result<String> {
    let ok = !s.is_empty()
        && s.len() <= 35
        && s.split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Error::InvalidData(format!("Invalid locale '{s}'")))
    }
}

/// An email address, trimmed and lowercased; shape checked, not deliverability.
pub fn parse_email(s: &str) -> Result<String> {
    let e = s.trim().to_ascii_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !e.contains(char::is_whitespace);
    if ok {
        Ok(e)
    } else {
        Err(Error::InvalidData(format!("Invalid email '{s}'")))
    }
}

/// A store's display name: trimmed, 1 to 200 bytes; 400 otherwise.
pub fn parse_store_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() || n.len() > 200 {
        return Err(Error::invalid("name must be 1 to 200 characters"));
    }
    Ok(n.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_dns_labels() {
        for ok in ["acme", "globex-2", "a1"] {
            assert!(Handle::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "Acme",
            "a",
            "-acme",
            "acme-",
            "ac_me",
            "ac.me",
            "www",
            "ten-x",
            &"a".repeat(64),
        ] {
            assert!(Handle::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn domains_emails_and_codes() {
        assert_eq!(parse_domain("Shop.Client-A.com.").unwrap(), "shop.client-a.com");
        assert!(parse_domain("localhost").is_err());
        assert!(parse_domain("a..b").is_err());
        assert_eq!(parse_email(" Ann@Example.com ").unwrap(), "ann@example.com");
        assert!(parse_email("nope").is_err());
        assert_eq!(parse_currency("EUR").unwrap(), "eur");
        assert!(parse_currency("euro").is_err());
        assert!(parse_country("fra").is_err());
        assert!(parse_locale("en-US").is_ok());
        assert!(parse_locale("en US").is_err());
    }
}
