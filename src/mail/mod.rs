//! E-mail (DESIGN §6): composing the messages (text + HTML, in the
//! recipient's language, from `templates/email/`) and the transport that
//! delivers what the outbox holds — SMTP through lettre, or `.eml` files
//! under `DATA_DIR/mail/` when `SMTP_URL` is unset.

pub mod compose;
pub mod transport;

pub use transport::{Mailer, SendError};
