//! Passwords, sessions, bearer tokens, CSRF and the role guards.

pub mod csrf;
pub mod identity;
pub mod password;
pub mod tokens;

pub use csrf::CsrfForm;
pub use identity::{
    AdminOnly, AnyRole, Authorized, EsgEditors, EsgReaders, Identity, Readers, Staff,
};

pub const SESSION_COOKIE: &str = "sesg_session";
pub const ANON_CSRF_COOKIE: &str = "sesg_csrf";
pub const LANG_COOKIE: &str = "sesg_lang";
