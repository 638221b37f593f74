//! ESG data and capability (DESIGN §2.9, §4 climate and training): what a
//! value may be, the "more than ten times last year" check, emission
//! intensity, shares and year-over-year changes, the year's climate and
//! training figures, and improvement-programme results. No IO.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// GHG third-party verification of a supplier's emissions for a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    None,
    InProgress,
    Verified,
}

impl Verification {
    pub const ALL: [Verification; 3] = [
        Verification::None,
        Verification::InProgress,
        Verification::Verified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verification::None => "none",
            Verification::InProgress => "in_progress",
            Verification::Verified => "verified",
        }
    }

    /// The code, English words or the Chinese terms a spreadsheet may use.
    pub fn parse(value: &str) -> Option<Verification> {
        let value = value.trim().to_lowercase().replace([' ', '-'], "_");
        match value.as_str() {
            "none" | "no" | "无" | "未核查" | "未验证" => Some(Verification::None),
            "in_progress" | "ongoing" | "核查中" | "验证中" | "进行中" => {
                Some(Verification::InProgress)
            }
            "verified" | "yes" | "已核查" | "已验证" => Some(Verification::Verified),
            _ => None,
        }
    }
}

/// The largest amount accepted in any ESG field (a typo guard, far above
/// any real factory: a trillion tonnes, MWh or million CNY).
pub const MAX_AMOUNT: f64 = 1e12;

/// Amounts keep three decimals (kilograms of a tonne, kWh of a MWh).
const DECIMALS: f64 = 1000.0;

/// A non-negative amount as typed: empty is `None`; thousands separators
/// (`1,165,000`) are accepted, decimal commas are not (they would be read
/// as something else). Errors are i18n keys.
pub fn amount(value: &str) -> Result<Option<f64>, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let plain = if value.contains(',') {
        if !has_thousands_groups(value) {
            return Err("esg.number");
        }
        value.replace(',', "")
    } else {
        value.to_owned()
    };
    let is_numeral = plain
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && plain.chars().any(|c| c.is_ascii_digit());
    let parsed: f64 = match plain.parse() {
        Ok(v) if is_numeral => v,
        _ => return Err("esg.number"),
    };
    if !parsed.is_finite() {
        return Err("esg.number");
    }
    if parsed < 0.0 {
        return Err("esg.negative");
    }
    if parsed > MAX_AMOUNT {
        return Err("field.range");
    }
    // Adding 0.0 turns a "-0" into 0.
    Ok(Some((parsed * DECIMALS).round() / DECIMALS + 0.0))
}

/// `1,234,567.5`: groups of three digits after the first one to three.
fn has_thousands_groups(value: &str) -> bool {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    !first.is_empty()
        && first.len() <= 3
        && first.chars().all(|c| c.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
        && fraction.chars().all(|c| c.is_ascii_digit())
}

/// A required amount.
pub fn required_amount(value: &str) -> Result<f64, &'static str> {
    amount(value)?.ok_or("field.required")
}

/// The earliest reporting year accepted.
pub const FIRST_YEAR: i32 = 2000;

/// A reporting year: a whole year, not in the future.
pub fn year(value: &str, today: NaiveDate) -> Result<i32, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Err("field.required");
    }
    let year: i32 = value.parse().map_err(|_| "field.number")?;
    if year > today.year() {
        return Err("esg.future_year");
    }
    if year < FIRST_YEAR {
        return Err("field.range");
    }
    Ok(year)
}

/// The year a reduction target is due: only with a target, and not before
/// the reporting year.
pub fn target_year(
    value: &str,
    has_target: bool,
    reporting_year: i32,
) -> Result<Option<i32>, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return if has_target {
            Err("esg.target_year_required")
        } else {
            Ok(None)
        };
    }
    let year: i32 = value.parse().map_err(|_| "field.number")?;
    if !has_target {
        return Err("esg.target_year_without_target");
    }
    if year < reporting_year || year > 2100 {
        return Err("esg.target_year_range");
    }
    Ok(Some(year))
}

/// The measured values of a supplier's year, in their units.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    /// Renewable electricity used, MWh.
    pub renewable_mwh: Option<f64>,
    /// Direct emissions, tCO2e.
    pub scope1_t: f64,
    /// Indirect emissions from purchased energy, tCO2e.
    pub scope2_t: f64,
    /// Wastewater discharged, t.
    pub wastewater_t: Option<f64>,
    /// Exhaust gas emitted, t.
    pub exhaust_t: Option<f64>,
    /// Hazardous waste, t.
    pub hazardous_waste_t: Option<f64>,
    /// Annual revenue, million CNY (the denominator of intensity).
    pub revenue_mcny: Option<f64>,
}

impl Metrics {
    /// (field, value) of every measured value.
    pub fn values(&self) -> [(&'static str, Option<f64>); 7] {
        [
            ("renewable_mwh", self.renewable_mwh),
            ("scope1_t", Some(self.scope1_t)),
            ("scope2_t", Some(self.scope2_t)),
            ("wastewater_t", self.wastewater_t),
            ("exhaust_t", self.exhaust_t),
            ("hazardous_waste_t", self.hazardous_waste_t),
            ("revenue_mcny", self.revenue_mcny),
        ]
    }

    /// Scope 1 + scope 2, tCO2e.
    pub fn emissions_t(&self) -> f64 {
        self.scope1_t + self.scope2_t
    }
}

/// A value that asks for confirmation: more than this many times last year's.
pub const JUMP_FACTOR: f64 = 10.0;

/// A value more than [`JUMP_FACTOR`] times the same value of last year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jump {
    pub field: &'static str,
    pub previous: f64,
    pub current: f64,
}

/// The values of `current` that are more than ten times those of the year
/// before. A value last year of zero or not reported gives no basis.
pub fn jumps(current: &Metrics, previous: &Metrics) -> Vec<Jump> {
    current
        .values()
        .into_iter()
        .zip(previous.values())
        .filter_map(|((field, now), (_, before))| match (now, before) {
            (Some(now), Some(before)) if before > 0.0 && now > JUMP_FACTOR * before => Some(Jump {
                field,
                previous: before,
                current: now,
            }),
            _ => None,
        })
        .collect()
}

/// Rounds to one decimal, half away from zero. The value is first brought
/// to nine decimals so that binary noise (29.65 stored as 29.6499…) does
/// not decide the rounding.
pub fn round1(value: f64) -> f64 {
    let cleaned = (value * 1e9).round() / 1e9;
    (cleaned * 10.0).round() / 10.0 + 0.0
}

/// `part` of `whole` in percent, one decimal, half away from zero; `None`
/// when there is no denominator. Exact: computed in whole numbers.
pub fn share_pct(part: i64, whole: i64) -> Option<f64> {
    if whole <= 0 {
        return None;
    }
    let scaled = part.unsigned_abs() as u128 * 1000;
    let whole_u = whole as u128;
    let tenths = (2 * scaled + whole_u) / (2 * whole_u);
    let sign = if part < 0 { -1.0 } else { 1.0 };
    Some(sign * tenths as f64 / 10.0 + 0.0)
}

/// The change from `previous` to `current` in percent, one decimal; `None`
/// when there was nothing the year before.
pub fn change_pct(current: f64, previous: f64) -> Option<f64> {
    if previous <= 0.0 {
        return None;
    }
    Some(round1((current - previous) / previous * 100.0))
}

/// Emission intensity, tCO2e per million CNY of revenue, two decimals;
/// `None` without revenue.
pub fn intensity(emissions_t: f64, revenue_mcny: f64) -> Option<f64> {
    if revenue_mcny <= 0.0 {
        return None;
    }
    let value = emissions_t / revenue_mcny;
    Some(((value * 1e9).round() / 1e9 * 100.0).round() / 100.0)
}

/// DESIGN §4 `climate`: of the suppliers in scope with ESG data for the
/// year, those with a reduction target, GHG-verified and in verification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClimateFigures {
    pub with_target: i64,
    pub ghg_verified: i64,
    pub ghg_in_progress: i64,
}

impl ClimateFigures {
    /// Adds `count` suppliers that have (or not) a target and the given
    /// verification status.
    pub fn add(&mut self, has_target: bool, verification: Option<Verification>, count: i64) {
        if has_target {
            self.with_target += count;
        }
        match verification {
            Some(Verification::Verified) => self.ghg_verified += count,
            Some(Verification::InProgress) => self.ghg_in_progress += count,
            _ => {}
        }
    }
}

/// DESIGN §4 `training`: distinct suppliers and people trained in sessions
/// held in the year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrainingFigures {
    pub suppliers: i64,
    pub people: i64,
}

/// One group of suppliers' ESG data (a business unit's year), summed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClimateTotals {
    /// Suppliers with ESG data.
    pub reporting: i64,
    pub figures: ClimateFigures,
    pub scope1_t: f64,
    pub scope2_t: f64,
    pub renewable_mwh: f64,
    pub wastewater_t: f64,
    pub exhaust_t: f64,
    pub hazardous_waste_t: f64,
    /// Scope 1 + 2 of the suppliers that reported revenue, and that revenue:
    /// intensity compares like with like.
    pub emissions_with_revenue_t: f64,
    pub revenue_mcny: f64,
}

impl ClimateTotals {
    pub fn emissions_t(&self) -> f64 {
        self.scope1_t + self.scope2_t
    }

    pub fn intensity(&self) -> Option<f64> {
        intensity(self.emissions_with_revenue_t, self.revenue_mcny)
    }

    pub fn target_pct(&self) -> Option<f64> {
        share_pct(self.figures.with_target, self.reporting)
    }

    pub fn verified_pct(&self) -> Option<f64> {
        share_pct(self.figures.ghg_verified, self.reporting)
    }

    pub fn merge(&mut self, other: &ClimateTotals) {
        self.reporting += other.reporting;
        self.figures.with_target += other.figures.with_target;
        self.figures.ghg_verified += other.figures.ghg_verified;
        self.figures.ghg_in_progress += other.figures.ghg_in_progress;
        self.scope1_t += other.scope1_t;
        self.scope2_t += other.scope2_t;
        self.renewable_mwh += other.renewable_mwh;
        self.wastewater_t += other.wastewater_t;
        self.exhaust_t += other.exhaust_t;
        self.hazardous_waste_t += other.hazardous_waste_t;
        self.emissions_with_revenue_t += other.emissions_with_revenue_t;
        self.revenue_mcny += other.revenue_mcny;
    }
}

/// A business unit's totals for a year and the year before.
#[derive(Debug, Clone, PartialEq)]
pub struct ClimateRow {
    pub business_unit: String,
    pub current: ClimateTotals,
    pub previous: ClimateTotals,
}

impl ClimateRow {
    pub fn emissions_change_pct(&self) -> Option<f64> {
        change_pct(self.current.emissions_t(), self.previous.emissions_t())
    }

    pub fn renewable_change_pct(&self) -> Option<f64> {
        change_pct(self.current.renewable_mwh, self.previous.renewable_mwh)
    }

    pub fn intensity_change_pct(&self) -> Option<f64> {
        match (self.current.intensity(), self.previous.intensity()) {
            (Some(now), Some(before)) => change_pct(now, before),
            _ => None,
        }
    }
}

/// The sum of several rows (all business units).
pub fn total_row(rows: &[ClimateRow], label: &str) -> ClimateRow {
    let mut total = ClimateRow {
        business_unit: label.to_owned(),
        current: ClimateTotals::default(),
        previous: ClimateTotals::default(),
    };
    for row in rows {
        total.current.merge(&row.current);
        total.previous.merge(&row.previous);
    }
    total
}

/// Delivery formats of a training session.
pub const TRAINING_FORMATS: [&str; 3] = ["onsite", "online", "hybrid"];

/// Areas of an improvement programme ("satisfied factory").
pub const PROGRAMME_AREAS: [&str; 6] = [
    "energy_saving",
    "circular_use",
    "legal_compliance",
    "worker_satisfaction",
    "health_safety",
    "other",
];

/// How a programme's measured result is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultUnit {
    /// A change in percent: −14.92 %, +14 %.
    PctChange,
    Cny,
    Tco2e,
    Mwh,
    Tonnes,
}

impl ResultUnit {
    pub const ALL: [ResultUnit; 5] = [
        ResultUnit::PctChange,
        ResultUnit::Cny,
        ResultUnit::Tco2e,
        ResultUnit::Mwh,
        ResultUnit::Tonnes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResultUnit::PctChange => "pct_change",
            ResultUnit::Cny => "cny",
            ResultUnit::Tco2e => "tco2e",
            ResultUnit::Mwh => "mwh",
            ResultUnit::Tonnes => "t",
        }
    }

    pub fn parse(value: &str) -> Option<ResultUnit> {
        ResultUnit::ALL
            .into_iter()
            .find(|u| u.as_str() == value.trim())
    }

    fn suffix(self) -> &'static str {
        match self {
            ResultUnit::PctChange => " %",
            ResultUnit::Cny => " CNY",
            ResultUnit::Tco2e => " tCO2e",
            ResultUnit::Mwh => " MWh",
            ResultUnit::Tonnes => " t",
        }
    }
}

/// A measured result as printed: "−14.92 %", "+14 %", "1,165,000 CNY".
pub fn format_result(value: f64, unit: ResultUnit) -> String {
    let number = grouped(value.abs(), 2);
    let sign = match (unit, value < 0.0) {
        (_, true) => "−",
        (ResultUnit::PctChange, false) if value > 0.0 => "+",
        _ => "",
    };
    format!("{sign}{number}{}", unit.suffix())
}

/// A number with thousands separators and at most `decimals` decimals,
/// trailing zeros dropped: 1165000 → "1,165,000", 12.5 → "12.5".
pub fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let mut out = String::new();
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn amounts_are_non_negative_numbers() {
        assert_eq!(amount(""), Ok(None));
        assert_eq!(amount(" 12.5 "), Ok(Some(12.5)));
        assert_eq!(amount("1,165,000"), Ok(Some(1_165_000.0)));
        assert_eq!(amount("1,165,000.25"), Ok(Some(1_165_000.25)));
        assert_eq!(amount("0.0004"), Ok(Some(0.0)));
        assert_eq!(amount("2.0006"), Ok(Some(2.001)));
        assert_eq!(amount("-0"), Ok(Some(0.0)));
        assert_eq!(amount("1e3"), Ok(Some(1000.0)));
        assert_eq!(amount("-3"), Err("esg.negative"));
        assert_eq!(amount("abc"), Err("esg.number"));
        assert_eq!(amount("12,5"), Err("esg.number"));
        assert_eq!(amount("1,16,500"), Err("esg.number"));
        assert_eq!(amount("NaN"), Err("esg.number"));
        assert_eq!(amount("inf"), Err("esg.number"));
        assert_eq!(amount("12 t"), Err("esg.number"));
        assert_eq!(amount("1e13"), Err("field.range"));
        assert_eq!(required_amount(" "), Err("field.required"));
    }

    #[test]
    fn years_are_past_or_current() {
        assert_eq!(year("2021", today()), Ok(2021));
        assert_eq!(year("2026", today()), Ok(2026));
        assert_eq!(year("2027", today()), Err("esg.future_year"));
        assert_eq!(year("1999", today()), Err("field.range"));
        assert_eq!(year("2021.5", today()), Err("field.number"));
        assert_eq!(year("", today()), Err("field.required"));
    }

    #[test]
    fn target_years_go_with_a_target() {
        assert_eq!(target_year("2030", true, 2021), Ok(Some(2030)));
        assert_eq!(target_year("", false, 2021), Ok(None));
        assert_eq!(target_year("", true, 2021), Err("esg.target_year_required"));
        assert_eq!(
            target_year("2030", false, 2021),
            Err("esg.target_year_without_target")
        );
        assert_eq!(
            target_year("2019", true, 2021),
            Err("esg.target_year_range")
        );
        assert_eq!(target_year("soon", true, 2021), Err("field.number"));
    }

    #[test]
    fn verification_accepts_codes_words_and_chinese() {
        assert_eq!(
            Verification::parse("verified"),
            Some(Verification::Verified)
        );
        assert_eq!(
            Verification::parse("In progress"),
            Some(Verification::InProgress)
        );
        assert_eq!(Verification::parse("已核查"), Some(Verification::Verified));
        assert_eq!(Verification::parse("none"), Some(Verification::None));
        assert_eq!(Verification::parse("pending"), None);
        for v in Verification::ALL {
            assert_eq!(Verification::parse(v.as_str()), Some(v));
        }
    }

    #[test]
    fn more_than_ten_times_last_year_is_a_jump() {
        let before = Metrics {
            renewable_mwh: Some(100.0),
            scope1_t: 50.0,
            scope2_t: 0.0,
            wastewater_t: None,
            ..Metrics::default()
        };
        let now = Metrics {
            renewable_mwh: Some(1000.0), // exactly ten times: fine
            scope1_t: 500.1,             // more than ten times
            scope2_t: 9999.0,            // last year zero: no basis
            wastewater_t: Some(5.0),     // not reported last year
            ..Metrics::default()
        };
        assert_eq!(
            jumps(&now, &before),
            vec![Jump {
                field: "scope1_t",
                previous: 50.0,
                current: 500.1
            }]
        );
        assert!(jumps(&before, &before).is_empty());
    }

    #[test]
    fn shares_round_half_away_from_zero_and_need_a_denominator() {
        assert_eq!(share_pct(95, 320), Some(29.7));
        assert_eq!(share_pct(83, 320), Some(25.9));
        assert_eq!(share_pct(142, 320), Some(44.4));
        assert_eq!(share_pct(1, 8), Some(12.5));
        assert_eq!(share_pct(1, 16), Some(6.3)); // 6.25 → 6.3
        assert_eq!(share_pct(-1, 16), Some(-6.3));
        assert_eq!(share_pct(0, 5), Some(0.0));
        assert_eq!(share_pct(3, 0), None);
        assert_eq!(round1(29.65), 29.7);
        assert_eq!(round1(-0.25), -0.3);
        assert_eq!(round1(-0.04), 0.0);
    }

    #[test]
    fn changes_and_intensity() {
        assert_eq!(change_pct(85.08, 100.0), Some(-14.9));
        assert_eq!(change_pct(114.0, 100.0), Some(14.0));
        assert_eq!(change_pct(5.0, 0.0), None);
        assert_eq!(intensity(1500.0, 400.0), Some(3.75));
        assert_eq!(intensity(10.0, 3.0), Some(3.33));
        assert_eq!(intensity(10.0, 0.0), None);
    }

    #[test]
    fn climate_figures_count_targets_and_verification() {
        let mut f = ClimateFigures::default();
        f.add(true, Some(Verification::Verified), 3);
        f.add(false, Some(Verification::InProgress), 2);
        f.add(true, Some(Verification::None), 1);
        f.add(false, None, 7);
        assert_eq!(
            f,
            ClimateFigures {
                with_target: 4,
                ghg_verified: 3,
                ghg_in_progress: 2
            }
        );
    }

    #[test]
    fn totals_merge_and_compare_years() {
        let year = |scope1: f64, revenue: f64| ClimateTotals {
            reporting: 2,
            figures: ClimateFigures {
                with_target: 1,
                ghg_verified: 1,
                ghg_in_progress: 0,
            },
            scope1_t: scope1,
            scope2_t: 100.0,
            emissions_with_revenue_t: scope1 + 100.0,
            revenue_mcny: revenue,
            ..ClimateTotals::default()
        };
        let rows = vec![
            ClimateRow {
                business_unit: "phones".into(),
                current: year(100.0, 100.0),
                previous: year(300.0, 100.0),
            },
            ClimateRow {
                business_unit: "tv".into(),
                current: year(100.0, 0.0),
                previous: ClimateTotals::default(),
            },
        ];
        assert_eq!(rows[0].emissions_change_pct(), Some(-50.0));
        assert_eq!(rows[0].intensity_change_pct(), Some(-50.0));
        assert_eq!(rows[1].emissions_change_pct(), None);
        assert_eq!(rows[1].current.intensity(), None);
        let total = total_row(&rows, "all");
        assert_eq!(total.current.reporting, 4);
        assert_eq!(total.current.emissions_t(), 400.0);
        assert_eq!(total.current.intensity(), Some(4.0));
        assert_eq!(total.current.target_pct(), Some(50.0));
        assert_eq!(total.current.verified_pct(), Some(50.0));
    }

    #[test]
    fn results_print_with_sign_grouping_and_unit() {
        assert_eq!(format_result(-14.92, ResultUnit::PctChange), "−14.92 %");
        assert_eq!(format_result(14.0, ResultUnit::PctChange), "+14 %");
        assert_eq!(format_result(1_165_000.0, ResultUnit::Cny), "1,165,000 CNY");
        assert_eq!(format_result(0.0, ResultUnit::PctChange), "0 %");
        assert_eq!(format_result(320.5, ResultUnit::Tco2e), "320.5 tCO2e");
        for u in ResultUnit::ALL {
            assert_eq!(ResultUnit::parse(u.as_str()), Some(u));
        }
    }

    #[test]
    fn grouping() {
        assert_eq!(grouped(0.0, 3), "0");
        assert_eq!(grouped(999.0, 3), "999");
        assert_eq!(grouped(1000.0, 3), "1,000");
        assert_eq!(grouped(1_234_567.891, 3), "1,234,567.891");
        assert_eq!(grouped(12.5, 3), "12.5");
        assert_eq!(grouped(-1234.5, 1), "-1,234.5");
        assert_eq!(grouped(-0.0001, 1), "0");
    }
}
