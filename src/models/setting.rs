//! Key/value settings that admins change at run time (thresholds, limits,
//! reminder schedule). Absent keys fall back to the defaults in code.

use diesel::prelude::*;

use super::audit_log::{self, Actor};
use super::now;
use crate::db::schema::settings;
use crate::db::DbConnection;

pub fn get(conn: &mut DbConnection, key: &str) -> QueryResult<Option<String>> {
    settings::table
        .find(key)
        .select(settings::value)
        .get_result(conn)
        .optional()
}

/// Writes a setting and its audit-log entry; call inside a transaction.
pub fn set(conn: &mut DbConnection, actor: &Actor, key: &str, value: &str) -> QueryResult<()> {
    let before = get(conn, key)?;
    let at = now();
    let updated = diesel::update(settings::table.find(key))
        .set((
            settings::value.eq(value),
            settings::updated_at.eq(at),
            settings::updated_by.eq(actor.user_id),
            settings::version.eq(settings::version + 1),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(value),
                settings::updated_at.eq(at),
                settings::updated_by.eq(actor.user_id),
                settings::version.eq(1),
            ))
            .execute(conn)?;
    }
    audit_log::record(
        conn,
        actor,
        "setting",
        key,
        "update",
        before.as_ref(),
        Some(&value),
    )
}

/// A whole-number setting of the admin page, with its default and bounds.
pub struct NumberSetting {
    pub key: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
}

const fn number(key: &'static str, default: i64, min: i64, max: i64) -> NumberSetting {
    NumberSetting {
        key,
        default,
        min,
        max,
    }
}

/// Every numeric setting, in the order the settings page shows them. The
/// i18n key of each label is `settings.<key>`.
pub const NUMBER_SETTINGS: &[NumberSetting] = &[
    number("upload_limit_mb", 20, 1, 200),
    number("grade_excellent_from", 85, 1, 100),
    number("grade_medium_from", 70, 1, 100),
    number("risk_high_from", 60, 1, 100),
    number("risk_medium_from", 40, 1, 100),
    number("risk_weight_saq", 30, 0, 100),
    number("risk_weight_country", 15, 0, 100),
    number("risk_weight_category", 15, 0, 100),
    number("risk_weight_audit", 25, 0, 100),
    number("risk_weight_findings", 15, 0, 100),
    number("reminder_on_due_date", 1, 0, 1),
    number("reminder_overdue_every_days", 7, 0, 90),
    number("reminder_stale_days", 7, 0, 90),
    number("reminder_escalation_days", 14, 0, 365),
    number("reminder_digest_weekday", 1, 0, 7),
    number("reminder_digest_due_within", 14, 0, 90),
    number("reminder_interval_minutes", 60, 0, 1440),
];

/// Comma-separated list settings: (key, default).
pub const LIST_SETTINGS: &[(&str, &str)] = &[
    ("risk_high_countries", "CN,VN,IN,ID,MY,TH,PH,MX"),
    (
        "risk_high_categories",
        "battery,pcb,structural_parts,assembly,display",
    ),
    ("reminder_days_before", "14,3"),
    // `business_unit:email` of each BU's ESG lead (escalations).
    ("esg_leads", ""),
];

/// All settings with their current values (defaults where unset), read in
/// one query.
#[derive(Debug, Clone)]
pub struct Settings {
    values: std::collections::HashMap<String, String>,
}

impl Settings {
    pub fn load(conn: &mut DbConnection) -> QueryResult<Settings> {
        let values = settings::table
            .select((settings::key, settings::value))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        Ok(Settings { values })
    }

    pub fn number(&self, key: &str) -> i64 {
        let spec = NUMBER_SETTINGS.iter().find(|s| s.key == key);
        self.values
            .get(key)
            .and_then(|v| v.trim().parse().ok())
            .or(spec.map(|s| s.default))
            .unwrap_or_default()
    }

    pub fn text(&self, key: &str) -> String {
        self.values.get(key).cloned().unwrap_or_else(|| {
            LIST_SETTINGS
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, d)| (*d).to_owned())
                .unwrap_or_default()
        })
    }

    pub fn list(&self, key: &str) -> Vec<String> {
        self.text(key)
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn grades(&self) -> crate::domain::grade::GradeThresholds {
        crate::domain::grade::GradeThresholds {
            excellent: self.number("grade_excellent_from") as i32,
            medium: self.number("grade_medium_from") as i32,
        }
    }

    /// The reminder rules (DESIGN §2.7).
    pub fn reminder_schedule(&self) -> crate::domain::reminders::Schedule {
        use crate::domain::reminders::{parse_days, Schedule};
        Schedule {
            days_before: parse_days(&self.list("reminder_days_before")),
            on_due_date: self.number("reminder_on_due_date") != 0,
            overdue_every_days: self.number("reminder_overdue_every_days"),
            stale_days: self.number("reminder_stale_days"),
            escalation_days: self.number("reminder_escalation_days"),
            digest_weekday: self.number("reminder_digest_weekday").clamp(0, 7) as u32,
            digest_due_within: self.number("reminder_digest_due_within"),
        }
    }

    /// Business unit → e-mail of its ESG lead.
    pub fn esg_leads(&self) -> std::collections::HashMap<String, String> {
        crate::domain::reminders::parse_leads(&self.list("esg_leads"))
    }

    pub fn risk_model(&self) -> crate::domain::risk::RiskModel {
        let n = |k| self.number(k) as i32;
        crate::domain::risk::RiskModel {
            weight_saq: n("risk_weight_saq"),
            weight_country: n("risk_weight_country"),
            weight_category: n("risk_weight_category"),
            weight_audit: n("risk_weight_audit"),
            weight_findings: n("risk_weight_findings"),
            high_from: n("risk_high_from"),
            medium_from: n("risk_medium_from"),
            high_risk_countries: self.list("risk_high_countries"),
            high_risk_categories: self.list("risk_high_categories"),
        }
    }
}
