//! The SMTP client of transactional email (`lettre`, async on tokio, rustls). The relay
//! is the platform's `CORAL_SMTP_URL`: `smtp://` upgrades with STARTTLS when the relay
//! offers it and stays plain otherwise (a local relay or sink); `smtps://` is TLS from
//! the start. A reply of the 5xx class is a permanent failure (the address bounces);
//! anything else that fails is transient and retried.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Why a message was not sent.
#[derive(Debug, Clone)]
pub struct SendFailure {
    /// The relay refused for good (a 5xx reply): do not try this address again.
    pub permanent: bool,
    pub message: String,
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// The platform sender, for stores that set none.
    pub default_from: Mailbox,
}

impl Mailer {
    /// A mailer for `url`, or why the URL or the default sender is unusable.
    pub fn new(url: &str, default_from: &str, timeout: Duration) -> Result<Self, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("CORAL_SMTP_URL: {e}"))?;
        let host = parsed.host_str().ok_or("CORAL_SMTP_URL has no host")?.to_owned();
        let tls_params = TlsParameters::new(host.clone()).map_err(|e| format!("CORAL_SMTP_URL: {e}"))?;
        let (tls, port) = match parsed.scheme() {
            "smtp" => (Tls::Opportunistic(tls_params), 587),
            "smtps" => (Tls::Wrapper(tls_params), 465),
            other => return Err(format!("CORAL_SMTP_URL: scheme must be smtp or smtps, not {other}")),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(parsed.port().unwrap_or(port))
            .tls(tls)
            .timeout(Some(timeout));
        if !parsed.username().is_empty() {
            let user = percent_encoding::percent_decode_str(parsed.username()).decode_utf8_lossy();
            let pass = percent_encoding::percent_decode_str(parsed.password().unwrap_or_default()).decode_utf8_lossy();
            builder = builder.credentials(Credentials::new(user.into_owned(), pass.into_owned()));
        }
        let default_from = default_from
            .parse::<Mailbox>()
            .map_err(|e| format!("CORAL_EMAIL_FROM '{default_from}': {e}"))?;
        Ok(Self {
            transport: builder.build(),
            default_from,
        })
    }

    /// Sends `message`; a 5xx reply is permanent, everything else transient.
    pub async fn send(&self, message: Message) -> Result<(), SendFailure> {
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err(SendFailure {
                permanent: e.is_permanent(),
                message: describe(&e),
            }),
        }
    }
}

/// The error and its causes in one line.
fn describe(e: &lettre::transport::smtp::Error) -> String {
    super::with_causes(e.to_string(), e)
}
