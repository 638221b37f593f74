//! Argon2id password hashing (DESIGN §9).

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use std::sync::OnceLock;

use crate::error::AppError;

pub const MIN_LENGTH: usize = 12;

/// `None` when the password is acceptable, else the i18n key of the reason.
pub fn weakness(password: &str) -> Option<&'static str> {
    if password.chars().count() < MIN_LENGTH {
        Some("password.too_short")
    } else if password.trim().is_empty() {
        Some("password.blank")
    } else {
        None
    }
}

pub fn hash(password: &str) -> Result<String, AppError> {
    use rand::RngCore;
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| AppError::Internal(format!("password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

pub fn verify(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies against a throwaway hash so that a sign-in for an unknown account
/// takes as long as one for a known account.
pub fn burn_time(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("not-a-real-password").unwrap_or_default());
    let _ = verify(password, dummy);
}

/// A readable random password for resets (no look-alike characters).
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn short_passwords_are_weak() {
        assert_eq!(weakness("short"), Some("password.too_short"));
        assert_eq!(weakness("            "), Some("password.blank"));
        assert_eq!(weakness("long enough pw"), None);
        assert_eq!(generate().len(), 16);
        assert_eq!(weakness(&generate()), None);
    }
}
