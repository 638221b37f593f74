//! The year's figures: the dashboard (with SVG charts), the report tables
//! and their exports, and the `/api/v1/kpis` endpoint.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use super::cache::FiguresStamp;
use super::charts::{self, ACCENT, BAD, GOOD, MUTED, WARN};
use super::chrome::Chrome;
use super::downloads::{download, ExportFormat};
use super::{AppState, RenderHtml};
use crate::auth::{Authorized, Readers};
use crate::error::{AppError, AppResult};
use crate::export;
use crate::models::kpi::Kpis;
use crate::models::now;
use crate::models::setting::Settings;

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KpiQuery {
    #[serde(default, deserialize_with = "super::pagination::optional_number_i32")]
    #[param(minimum = 2000)]
    pub year: Option<i32>,
    pub business_unit: Option<String>,
}

impl KpiQuery {
    fn business_unit(&self) -> Option<String> {
        self.business_unit
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_lowercase)
    }

    /// The year asked for; by default the last year with audits performed
    /// (the year being reported on), else the current year.
    fn year(&self, conn: &mut crate::db::DbConnection) -> AppResult<i32> {
        let this = now().date().year();
        match self.year {
            Some(y) if (2000..=this).contains(&y) => Ok(y),
            Some(y) => Err(AppError::BadInput(format!(
                "year {y} is outside 2000–{this}"
            ))),
            None => {
                use crate::db::schema::audits;
                use diesel::prelude::*;
                let last: Option<chrono::NaiveDate> = audits::table
                    .filter(
                        audits::performed_on
                            .lt(chrono::NaiveDate::from_ymd_opt(this, 1, 1).unwrap_or_default()),
                    )
                    .select(diesel::dsl::max(audits::performed_on))
                    .first(conn)?;
                Ok(last.map_or(this, |d| d.year()))
            }
        }
    }
}

/// This year's and last year's figures for a business unit.
pub async fn figures(state: &AppState, query: &KpiQuery) -> AppResult<(Kpis, Kpis)> {
    Ok(figures_and_units(state, query, false).await?.0)
}

/// The figures and, when asked, the business units of the filter menu, in
/// one trip to the database.
async fn figures_and_units(
    state: &AppState,
    query: &KpiQuery,
    with_units: bool,
) -> AppResult<((Kpis, Kpis), Vec<String>)> {
    let bu = query.business_unit();
    let year = query.year;
    let caches = state.caches.clone();
    state
        .db(move |conn| {
            let year = KpiQuery {
                year,
                business_unit: None,
            }
            .year(conn)?;
            let stamp = FiguresStamp {
                version: crate::db::data_version(conn)?,
                today: now().date(),
                grades: Settings::load(conn)?.grades(),
            };
            let figures = (
                caches.figures(conn, year, bu.as_deref(), stamp.clone())?,
                caches.figures(conn, year - 1, bu.as_deref(), stamp.clone())?,
            );
            let units = if with_units {
                caches.business_units_as_of(conn, stamp.version)?
            } else {
                Vec::new()
            };
            Ok((figures, units))
        })
        .await
}

/// The DESIGN §4 figures of a year (default: this year), for all business
/// units or one.
#[utoipa::path(get, path = "/api/v1/kpis", tag = "figures", params(KpiQuery),
    responses((status = 200, description = "The year's figures", body = Kpis)))]
pub async fn kpis_json(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    query: web::Query<KpiQuery>,
) -> AppResult<HttpResponse> {
    let (this_year, _) = figures(&state, &query).await?;
    Ok(HttpResponse::Ok().json(this_year))
}

/// The figures shown on the home page of programme staff and viewers.
pub struct Dashboard {
    pub lang: crate::i18n::Lang,
    pub k: Kpis,
    pub prev: Kpis,
    pub business_units: Vec<String>,
    pub years: Vec<i32>,
}

impl Dashboard {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn bu_query(&self) -> String {
        self.k
            .business_unit
            .as_ref()
            .map(|b| format!("&business_unit={b}"))
            .unwrap_or_default()
    }

    pub fn pct(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1} %"))
    }

    pub fn tiers_chart(&self) -> String {
        let t = &self.k.risk_tiers;
        let link =
            |tier: &str| format!("/risk?year={}&tier={tier}{}", self.k.year, self.bu_query());
        charts::bars(
            self.t("dash.risk_tiers"),
            &[
                (
                    self.t("tier.high").to_owned(),
                    t.high as f64,
                    BAD,
                    link("high"),
                ),
                (
                    self.t("tier.medium").to_owned(),
                    t.medium as f64,
                    WARN,
                    link("medium"),
                ),
                (
                    self.t("tier.low").to_owned(),
                    t.low as f64,
                    GOOD,
                    link("low"),
                ),
            ],
        )
    }

    pub fn region_chart(&self) -> String {
        let s = &self.k.suppliers;
        let link = |region: &str| {
            format!(
                "/suppliers?status=approved&region={region}{}",
                self.bu_query()
            )
        };
        charts::bars(
            self.t("dash.by_region"),
            &[
                (
                    self.t("region.mainland_china").to_owned(),
                    s.mainland_china as f64,
                    ACCENT,
                    link("mainland_china"),
                ),
                (
                    self.t("region.international").to_owned(),
                    s.international as f64,
                    MUTED,
                    link("international"),
                ),
            ],
        )
    }

    pub fn audits_chart(&self) -> String {
        let link = |y: i32| format!("/audits?year={y}{}", self.bu_query());
        charts::bars(
            self.t("dash.audited"),
            &[
                (
                    self.prev.year.to_string(),
                    self.prev.audits.suppliers_audited as f64,
                    MUTED,
                    link(self.prev.year),
                ),
                (
                    self.k.year.to_string(),
                    self.k.audits.suppliers_audited as f64,
                    ACCENT,
                    link(self.k.year),
                ),
            ],
        )
    }

    pub fn performance_chart(&self) -> String {
        let row = |k: &Kpis| {
            (
                k.year.to_string(),
                vec![
                    (
                        k.performance.excellent_pct,
                        GOOD,
                        self.t("grade.excellent").to_owned(),
                    ),
                    (
                        k.performance.medium_pct,
                        WARN,
                        self.t("grade.medium").to_owned(),
                    ),
                    (k.performance.poor_pct, BAD, self.t("grade.poor").to_owned()),
                ],
            )
        };
        charts::stacked(self.t("dash.performance"), &[row(&self.prev), row(&self.k)])
    }

    pub fn smelters_chart(&self) -> String {
        let link = format!("/smelters?year={}{}", self.k.year, self.bu_query());
        let items: Vec<(String, f64, &str, String)> = self
            .k
            .smelters
            .by_metal
            .iter()
            .map(|m| {
                (
                    format!(
                        "{} {}/{}",
                        self.t(metal_key(&m.metal)),
                        m.conformant,
                        m.total
                    ),
                    m.conformant_pct.unwrap_or(0.0),
                    GOOD,
                    link.clone(),
                )
            })
            .collect();
        charts::bars(self.t("report.smelters"), &items)
    }

    pub fn climate_chart(&self) -> String {
        let c = &self.k.climate;
        let link = format!("/esg/climate?year={}", self.k.year);
        charts::bars(
            self.t("report.climate"),
            &[
                (
                    self.t("report.with_target").to_owned(),
                    c.with_target as f64,
                    ACCENT,
                    link.clone(),
                ),
                (
                    self.t("report.ghg_verified").to_owned(),
                    c.ghg_verified as f64,
                    GOOD,
                    link.clone(),
                ),
                (
                    self.t("report.ghg_in_progress").to_owned(),
                    c.ghg_in_progress as f64,
                    WARN,
                    link,
                ),
            ],
        )
    }

    pub fn remediation_chart(&self) -> String {
        let row = |k: &Kpis| {
            (
                k.year.to_string(),
                vec![
                    (k.remediation.above_80_pct, GOOD, "> 80 %".to_owned()),
                    (k.remediation.from_60_to_80_pct, WARN, "60–80 %".to_owned()),
                    (k.remediation.below_60_pct, BAD, "< 60 %".to_owned()),
                ],
            )
        };
        charts::stacked(self.t("dash.remediation"), &[row(&self.prev), row(&self.k)])
    }
}

pub async fn dashboard(
    state: &AppState,
    lang: crate::i18n::Lang,
    query: &KpiQuery,
) -> AppResult<Dashboard> {
    let ((k, prev), business_units) = figures_and_units(state, query, true).await?;
    let this = now().date().year();
    Ok(Dashboard {
        lang,
        k,
        prev,
        business_units,
        years: (2019..=this).rev().collect(),
    })
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Chrome,
    tables: Vec<ReportTable>,
    year: i32,
    business_unit: String,
    business_units: Vec<String>,
    years: Vec<i32>,
}

/// One table of the ESG report: a title (i18n key) and (label key, value) rows.
pub struct ReportTable {
    pub key: &'static str,
    pub rows: Vec<(&'static str, String)>,
}

/// The i18n key of a metal's name (known metals only; others fall back).
fn metal_key(metal: &str) -> &'static str {
    match metal {
        "cobalt" => "metal.cobalt",
        "gold" => "metal.gold",
        "tantalum" => "metal.tantalum",
        "tin" => "metal.tin",
        "tungsten" => "metal.tungsten",
        "mica" => "metal.mica",
        _ => "report.other_metal",
    }
}

fn pct_text(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{v:.1}"))
}

/// The report's tables, as the ESG report prints them.
pub fn report_tables(k: &Kpis, prev: &Kpis) -> Vec<ReportTable> {
    vec![
        ReportTable {
            key: "report.suppliers",
            rows: vec![
                (
                    "report.production_total",
                    k.suppliers.production_total.to_string(),
                ),
                (
                    "region.mainland_china",
                    k.suppliers.mainland_china.to_string(),
                ),
                (
                    "region.international",
                    k.suppliers.international.to_string(),
                ),
            ],
        },
        ReportTable {
            key: "report.onboarding",
            rows: vec![
                ("report.reviews", k.onboarding.reviews.to_string()),
                ("report.approved", k.onboarding.approved.to_string()),
                (
                    "report.rejected_red_line",
                    k.onboarding.rejected_red_line.to_string(),
                ),
            ],
        },
        ReportTable {
            key: "report.risk",
            rows: vec![
                ("tier.high", k.risk_tiers.high.to_string()),
                ("tier.medium", k.risk_tiers.medium.to_string()),
                ("tier.low", k.risk_tiers.low.to_string()),
            ],
        },
        ReportTable {
            key: "report.audits",
            rows: vec![
                ("report.audited", k.audits.suppliers_audited.to_string()),
                (
                    "report.previous_year",
                    prev.audits.suppliers_audited.to_string(),
                ),
                ("report.tier2_audited", k.audits.tier2_audited.to_string()),
            ],
        },
        ReportTable {
            key: "report.performance",
            rows: vec![
                ("grade.excellent", pct_text(k.performance.excellent_pct)),
                ("grade.medium", pct_text(k.performance.medium_pct)),
                ("grade.poor", pct_text(k.performance.poor_pct)),
            ],
        },
        ReportTable {
            key: "report.remediation",
            rows: vec![
                (
                    "report.remediation_suppliers",
                    k.remediation.suppliers.to_string(),
                ),
                ("report.above_80", pct_text(k.remediation.above_80_pct)),
                (
                    "report.from_60_to_80",
                    pct_text(k.remediation.from_60_to_80_pct),
                ),
                ("report.below_60", pct_text(k.remediation.below_60_pct)),
                (
                    "report.open_overdue",
                    k.remediation.open_overdue.to_string(),
                ),
            ],
        },
        ReportTable {
            key: "report.smelters",
            rows: std::iter::once(("report.smelters_total", k.smelters.total.to_string()))
                .chain(std::iter::once((
                    "report.smelter_countries",
                    k.smelters.countries.to_string(),
                )))
                .chain(std::iter::once((
                    "report.conformant_pct",
                    pct_text(k.smelters.conformant_pct),
                )))
                .chain(k.smelters.by_metal.iter().map(|m| {
                    (
                        metal_key(&m.metal),
                        format!(
                            "{} / {} ({})",
                            m.conformant,
                            m.total,
                            pct_text(m.conformant_pct)
                        ),
                    )
                }))
                .collect(),
        },
        ReportTable {
            key: "report.climate",
            rows: vec![
                ("report.with_target", k.climate.with_target.to_string()),
                ("report.ghg_verified", k.climate.ghg_verified.to_string()),
                (
                    "report.ghg_in_progress",
                    k.climate.ghg_in_progress.to_string(),
                ),
            ],
        },
        ReportTable {
            key: "report.training",
            rows: vec![
                ("report.trained_suppliers", k.training.suppliers.to_string()),
                ("report.trained_people", k.training.people.to_string()),
            ],
        },
    ]
}

pub async fn reports(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Readers>,
    query: web::Query<KpiQuery>,
) -> AppResult<HttpResponse> {
    let (k, prev) = figures(&state, &query).await?;
    let business_units = state.business_units().await?;
    ReportsPage {
        chrome: Chrome::new(&req, Some(&user), "reports"),
        tables: report_tables(&k, &prev),
        year: k.year,
        business_unit: k.business_unit.clone().unwrap_or_default(),
        business_units,
        years: (2019..=now().date().year()).rev().collect(),
    }
    .page()
}

/// The report as one workbook, a sheet per table, labels in English and
/// Chinese; or one table as CSV (`?table=report.audits`).
pub async fn export_report(
    state: web::Data<AppState>,
    _user: Authorized<Readers>,
    format: web::Path<String>,
    query: web::Query<KpiQuery>,
    table: web::Query<TableQuery>,
) -> AppResult<HttpResponse> {
    let format = ExportFormat::parse(&format)?;
    let (k, prev) = figures(&state, &query).await?;
    let tables = report_tables(&k, &prev);
    let en = crate::i18n::Lang::En;
    let zh = crate::i18n::Lang::ZhCn;
    let stamp = format!(
        "{}{}",
        k.year,
        k.business_unit
            .as_deref()
            .map(|b| format!("-{b}"))
            .unwrap_or_default()
    );
    match format {
        ExportFormat::Xlsx => {
            let sheets: Vec<export::Sheet> = tables
                .iter()
                .map(|t| export::Sheet {
                    name: en.t(t.key),
                    headers: vec!["figure".into(), "指标".into(), k.year.to_string()],
                    rows: t
                        .rows
                        .iter()
                        .map(|(label, value)| {
                            vec![
                                export::Cell::Text(en.t(label).to_owned()),
                                export::Cell::Text(zh.t(label).to_owned()),
                                value
                                    .parse::<f64>()
                                    .map_or(export::Cell::Empty, export::Cell::Number),
                            ]
                        })
                        .collect(),
                })
                .collect();
            let body = export::xlsx(&sheets).map_err(AppError::Internal)?;
            Ok(download(
                body,
                export::XLSX_CONTENT_TYPE,
                &format!("esg-report-{stamp}.xlsx"),
            ))
        }
        ExportFormat::Csv => {
            let wanted = table.table.as_deref().unwrap_or("report.suppliers");
            let t = tables
                .iter()
                .find(|t| t.key == wanted)
                .ok_or_else(|| AppError::BadInput(format!("unknown table {wanted:?}")))?;
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|(label, value)| {
                    vec![
                        en.t(label).to_owned(),
                        zh.t(label).to_owned(),
                        value.clone(),
                    ]
                })
                .collect();
            let year = k.year.to_string();
            Ok(download(
                export::csv(&["figure", "指标", &year], &rows),
                export::CSV_CONTENT_TYPE,
                &format!(
                    "esg-report-{stamp}-{}.csv",
                    wanted.trim_start_matches("report.")
                ),
            ))
        }
    }
}

#[derive(Deserialize)]
pub struct TableQuery {
    table: Option<String>,
}
