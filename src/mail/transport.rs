//! Delivery: `SMTP_URL` (`smtp://host:port` plain, `smtp://…?tls=required`
//! STARTTLS, `smtps://user:pass@host` TLS with authentication) through
//! lettre; unset, each message becomes `DATA_DIR/mail/outbox-<id>.eml`.

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{Message, SmtpTransport, Transport};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::config::Config;
use crate::error::AppError;
use crate::models::outbox::OutboxMessage;

enum Kind {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
}

pub struct Mailer {
    kind: Kind,
    from: Mailbox,
    description: String,
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The recipient cannot be an address: skipped, reported, never retried
    /// by itself.
    InvalidAddress(String),
    /// The server refused this message for good (5xx).
    Permanent(String),
    /// The server refused this message for now (4xx): retried with back-off.
    Transient(String),
    /// The server could not be reached or the session broke: retried with
    /// back-off, and the run stops sending.
    Unavailable(String),
}

impl SendError {
    pub fn text(&self) -> &str {
        match self {
            SendError::InvalidAddress(t)
            | SendError::Permanent(t)
            | SendError::Transient(t)
            | SendError::Unavailable(t) => t,
        }
    }
}

/// Parses `SMTP_URL` into a transport; a malformed value is a start-up error
/// with a message that says what is wrong.
pub fn smtp_from_url(url: &str) -> Result<SmtpTransport, AppError> {
    let bad = |why: String| {
        AppError::Startup(format!(
            "SMTP_URL is malformed ({why}); expected e.g. smtp://127.0.0.1:2525, \
             smtp://user:pass@host:587?tls=required or smtps://user:pass@host"
        ))
    };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("no scheme".into()))?;
    if scheme != "smtp" && scheme != "smtps" {
        return Err(bad(format!("unknown scheme {scheme:?}")));
    }
    let host = rest
        .rsplit('@')
        .next()
        .unwrap_or("")
        .split(['/', '?', ':'])
        .next()
        .unwrap_or("");
    if host.is_empty() {
        return Err(bad("no host".into()));
    }
    let builder = SmtpTransport::from_url(url).map_err(|e| bad(e.to_string()))?;
    Ok(builder.timeout(Some(Duration::from_secs(20))).build())
}

impl Mailer {
    /// From `SMTP_URL`, `MAIL_FROM` and `DATA_DIR`.
    pub fn from_config(config: &Config) -> Result<Mailer, AppError> {
        let from: Mailbox = config.mail_from.parse().map_err(|e| {
            AppError::Startup(format!(
                "MAIL_FROM {:?} is not an address: {e}",
                config.mail_from
            ))
        })?;
        match &config.smtp_url {
            Some(url) => {
                let transport = smtp_from_url(url)?;
                let shown = url
                    .split_once('@')
                    .map_or(url.clone(), |(scheme_user, host)| {
                        let scheme = scheme_user.split("://").next().unwrap_or("smtp");
                        format!("{scheme}://…@{host}")
                    });
                Ok(Mailer {
                    kind: Kind::Smtp(Box::new(transport)),
                    from,
                    description: format!("SMTP {shown}"),
                })
            }
            None => Mailer::files(&config.data_dir.join("mail"), from),
        }
    }

    pub fn files(dir: &Path, from: Mailbox) -> Result<Mailer, AppError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            AppError::Startup(format!("cannot create mail folder {}: {e}", dir.display()))
        })?;
        Ok(Mailer {
            kind: Kind::Files(dir.to_owned()),
            from,
            description: format!(".eml files in {}", dir.display()),
        })
    }

    pub fn describe(&self) -> &str {
        &self.description
    }

    /// The domain of the sender, for Message-IDs.
    pub fn domain(&self) -> String {
        self.from.email.domain().to_owned()
    }

    /// Builds the message exactly as queued: its Message-ID, subject and
    /// bodies never change between tries.
    pub fn build(&self, message: &OutboxMessage) -> Result<Message, SendError> {
        let to: Mailbox = message.recipient.parse().map_err(|e| {
            SendError::InvalidAddress(format!(
                "invalid recipient address {:?}: {e}",
                message.recipient
            ))
        })?;
        let date = SystemTime::UNIX_EPOCH
            + Duration::from_secs(message.created_at.and_utc().timestamp().max(0) as u64);
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(message.message_id.clone()))
            .date(date)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(message.body_text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(message.body_html.clone()),
                    ),
            )
            .map_err(|e| SendError::InvalidAddress(format!("cannot build the message: {e}")))
    }

    /// Delivers one message; `Ok` only when the server (or the file system)
    /// accepted it.
    pub fn send(&self, message: &OutboxMessage) -> Result<(), SendError> {
        let email = self.build(message)?;
        match &self.kind {
            Kind::Smtp(transport) => match transport.send(&email) {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(SendError::Permanent(error_chain(&e))),
                Err(e) if e.is_transient() => Err(SendError::Transient(error_chain(&e))),
                Err(e) => Err(SendError::Unavailable(error_chain(&e))),
            },
            Kind::Files(dir) => {
                // Named by the row: a second try overwrites, never doubles.
                let target = dir.join(format!("outbox-{:08}.eml", message.id));
                let partial = dir.join(format!(".outbox-{:08}.eml.part", message.id));
                std::fs::write(&partial, email.formatted())
                    .and_then(|()| std::fs::rename(&partial, &target))
                    .map_err(|e| {
                        SendError::Unavailable(format!("cannot write {}: {e}", target.display()))
                    })
            }
        }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_smtp_urls_are_refused_clearly() {
        for url in ["localhost:25", "http://host", "smtp://", "smtps://user:pw@"] {
            let Err(err) = smtp_from_url(url) else {
                panic!("{url} accepted");
            };
            let err = err.to_string();
            assert!(err.contains("SMTP_URL is malformed"), "{url}: {err}");
        }
        assert!(smtp_from_url("smtp://127.0.0.1:2525").is_ok());
        assert!(smtp_from_url("smtps://user:secret@mail.example.com").is_ok());
        assert!(smtp_from_url("smtp://u:p@mail.example.com:587?tls=required").is_ok());
    }
}
