//! Files handed to the browser: list exports ("as shown", CSV or XLSX) and
//! stored uploads.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};

use super::AppState;
use crate::error::{AppError, AppResult};
use crate::export;
use crate::models::now;

pub fn download(body: Vec<u8>, content_type: &str, file_name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(body)
}

/// The kinds of file a list exports as (`…/export.csv`, `…/export.xlsx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    /// From the route's `{format}`: any other is a page that does not exist.
    pub fn parse(format: &str) -> AppResult<Self> {
        match format {
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            _ => Err(AppError::NotFound),
        }
    }
}

/// One list as a file: `{file_stem}-{yyyymmdd}.csv` or `.xlsx`.
pub struct TableFile<'a> {
    pub format: ExportFormat,
    pub file_stem: &'a str,
    /// The worksheet's name in an XLSX file.
    pub sheet: &'a str,
    pub headers: &'a [&'a str],
    pub rows: Vec<Vec<export::Cell>>,
}

impl TableFile<'_> {
    pub fn response(self) -> AppResult<HttpResponse> {
        let stamp = now().format("%Y%m%d");
        if self.format == ExportFormat::Csv {
            return Ok(download(
                export::csv_of_cells(self.headers, &self.rows),
                export::CSV_CONTENT_TYPE,
                &format!("{}-{stamp}.csv", self.file_stem),
            ));
        }
        let body = export::xlsx(&[export::Sheet {
            name: self.sheet,
            headers: self.headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: self.rows,
        }])
        .map_err(AppError::Internal)?;
        Ok(download(
            body,
            export::XLSX_CONTENT_TYPE,
            &format!("{}-{stamp}.xlsx", self.file_stem),
        ))
    }
}

/// Exports hold whole lists in memory (several copies of a few megabytes
/// for the largest) while they are read and written; taking turns, as many
/// at once as there are cores, bounds the server's memory however many users
/// export together and leaves the pages their share of the machine.
pub async fn exports_take_turns<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let turns = match req.app_data::<web::Data<AppState>>() {
        Some(state) if req.path().contains("/export.") => Some(state.export_turns.clone()),
        _ => None,
    };
    let _turn = match &turns {
        Some(turns) => Some(
            turns
                .acquire()
                .await
                .map_err(|_| AppError::Internal("export turns closed".into()))?,
        ),
        None => None,
    };
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_csv_and_xlsx_are_export_formats() {
        assert_eq!(ExportFormat::parse("csv").unwrap(), ExportFormat::Csv);
        assert_eq!(ExportFormat::parse("xlsx").unwrap(), ExportFormat::Xlsx);
        for other in ["pdf", "CSV", "", "csv "] {
            assert!(matches!(
                ExportFormat::parse(other),
                Err(AppError::NotFound)
            ));
        }
    }
}
