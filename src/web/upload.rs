//! Multipart forms with files: CSRF-checked, size-limited by the admin
//! setting, and each file's type judged by its content.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use std::collections::HashMap;

use super::AppState;
use crate::auth::csrf::expected_token;
use crate::auth::tokens::constant_time_eq;
use crate::domain::file_kind::{self, FileKind};
use crate::error::{AppError, AppResult};
use crate::models::attachment::Upload;
use crate::models::setting;

/// The text fields and files of a submitted multipart form.
pub struct Submitted {
    pub fields: HashMap<String, String>,
    pub files: HashMap<String, Upload>,
}

impl Submitted {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// The current upload limit in bytes.
pub async fn limit_bytes(state: &AppState) -> AppResult<(u64, u64)> {
    let mb = state
        .db(|conn| Ok(setting::Settings::load(conn)?.number("upload_limit_mb")))
        .await? as u64;
    Ok((mb, mb * 1024 * 1024))
}

/// Reads the whole form. Files whose content is not one of `accepted` are
/// refused with a message naming the file; empty file inputs are skipped.
pub async fn read(
    req: &HttpRequest,
    state: &AppState,
    payload: web::Payload,
    accepted: &[FileKind],
) -> AppResult<Submitted> {
    let (limit_mb, limit) = limit_bytes(state).await?;
    if let Some(length) = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if length > limit + 64 * 1024 {
            return Err(AppError::PayloadTooLarge { limit_mb });
        }
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut fields = HashMap::new();
    let mut files = HashMap::new();
    let mut total: u64 = 0;
    while let Some(item) = multipart.next().await {
        let mut part =
            item.map_err(|e| AppError::BadInput(format!("the form could not be read: {e}")))?;
        let disposition = part.content_disposition().cloned();
        let name = disposition
            .as_ref()
            .and_then(|d| d.get_name())
            .unwrap_or("")
            .to_owned();
        let file_name = disposition
            .as_ref()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk =
                chunk.map_err(|e| AppError::BadInput(format!("the upload broke off: {e}")))?;
            total += chunk.len() as u64;
            if total > limit {
                return Err(AppError::PayloadTooLarge { limit_mb });
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            Some(file_name) => {
                if bytes.is_empty() {
                    continue;
                }
                let kind = file_kind::detect(&bytes)
                    .filter(|k| accepted.contains(k))
                    .ok_or_else(|| {
                        AppError::BadInput(format!(
                            "{file_name}: this type of file is not accepted (allowed: PDF, images, XLSX/DOCX/ZIP, CSV)"
                        ))
                    })?;
                files.insert(
                    name,
                    Upload {
                        file_name: clean_file_name(&file_name),
                        content_type: kind.content_type(),
                        bytes,
                    },
                );
            }
            None => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| AppError::BadInput(format!("field {name} is not text")))?;
                fields.insert(name, text);
            }
        }
    }
    let sent = fields.get("csrf").map_or("", String::as_str);
    match expected_token(req).await? {
        Some(expected) if !sent.is_empty() && constant_time_eq(sent, &expected) => {}
        _ => return Err(AppError::CsrfRejected),
    }
    Ok(Submitted { fields, files })
}

/// Only the last path component, without control characters, so a stored
/// name can never point anywhere or break a header.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if cleaned.trim().is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// Import files: CSV, XLSX, and the old/encrypted Office container so the
/// import can say which of the two it is instead of a generic refusal.
pub const IMPORT_KINDS: &[FileKind] = &[FileKind::Text, FileKind::Zip, FileKind::Cfb];

pub const EVIDENCE_KINDS: &[FileKind] = &[
    FileKind::Pdf,
    FileKind::Png,
    FileKind::Jpeg,
    FileKind::Gif,
    FileKind::Webp,
    FileKind::Zip,
    FileKind::Text,
];

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(super::clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(super::clean_file_name("C:\\x\\报告.pdf"), "报告.pdf");
        assert_eq!(super::clean_file_name("a\"b\n.pdf"), "ab.pdf");
        assert_eq!(super::clean_file_name("/"), "file");
    }
}
