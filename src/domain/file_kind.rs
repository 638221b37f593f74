//! What an uploaded file really is, judged by its first bytes rather than its
//! name or the browser's claim, so a renamed executable is not accepted.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    /// ZIP container: XLSX, DOCX and plain ZIP archives.
    Zip,
    /// UTF-8 text such as CSV.
    Text,
    /// Compound File Binary: old `.xls` workbooks and password-protected
    /// Office files. Accepted only where an import can say which it is.
    Cfb,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Gif => "image/gif",
            FileKind::Webp => "image/webp",
            FileKind::Zip => "application/zip",
            FileKind::Text => "text/plain; charset=utf-8",
            FileKind::Cfb => "application/x-cfb",
        }
    }
}

pub fn detect(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(FileKind::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some(FileKind::Zip)
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Some(FileKind::Cfb)
    } else if !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        Some(FileKind::Text)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_content() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0"), Some(FileKind::Png));
        assert_eq!(detect(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileKind::Jpeg));
        assert_eq!(detect(b"PK\x03\x04rest"), Some(FileKind::Zip));
        assert_eq!(
            detect(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"),
            Some(FileKind::Cfb)
        );
        assert_eq!(
            detect("code,name\nS1,深圳\n".as_bytes()),
            Some(FileKind::Text)
        );
        // An executable renamed to report.pdf is none of these.
        assert_eq!(detect(b"\x7fELF\x02\x01\x01\0"), None);
        assert_eq!(detect(b"MZ\x90\0\x03"), None);
        assert_eq!(detect(b""), None);
    }
}
