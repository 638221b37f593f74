//! Which reminders are due on a given day (DESIGN §2.7), as pure rules: no
//! IO. Every reminder has a period key; with the rule, the object and the
//! recipient it forms the outbox's unique key, so a rule that "fires" again
//! on a later run of the same period queues nothing new.
//!
//! The before-due rules fire over a window (the 14-day reminder anywhere from
//! 14 down to 4 days before due, the 3-day one from 3 down to 1), so a day
//! when the runner did not run loses nothing; each still fires once per due
//! date, and an extension (a new due date) starts them afresh.

use chrono::{Datelike, Duration, NaiveDate};
use std::collections::HashMap;

use super::corrective::ActionStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    DueSoon,
    DueToday,
    Overdue,
    NoProgress,
    Escalation,
    Digest,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::DueSoon,
        Rule::DueToday,
        Rule::Overdue,
        Rule::NoProgress,
        Rule::Escalation,
        Rule::Digest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::DueSoon => "due_soon",
            Rule::DueToday => "due_today",
            Rule::Overdue => "overdue",
            Rule::NoProgress => "no_progress",
            Rule::Escalation => "escalation",
            Rule::Digest => "digest",
        }
    }

    pub fn parse(value: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// The reminder settings (admin page); 0 switches a rule off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Days before due, e.g. [14, 3].
    pub days_before: Vec<i64>,
    pub on_due_date: bool,
    /// Every N days while overdue (7 = weekly).
    pub overdue_every_days: i64,
    /// No progress entry for N days (plan submitted or in progress).
    pub stale_days: i64,
    /// Days overdue at which the BU's ESG lead is told.
    pub escalation_days: i64,
    /// ISO weekday of the buyers' digest, 1 = Monday … 7 = Sunday.
    pub digest_weekday: u32,
    /// The digest lists actions due within this many days (and overdue ones).
    pub digest_due_within: i64,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            days_before: vec![14, 3],
            on_due_date: true,
            overdue_every_days: 7,
            stale_days: 7,
            escalation_days: 14,
            digest_weekday: 1,
            digest_due_within: 14,
        }
    }
}

impl Schedule {
    /// How far ahead of today an action's due date can make it a candidate.
    pub fn horizon_days(&self) -> i64 {
        self.days_before
            .iter()
            .copied()
            .chain([self.digest_due_within, 0])
            .max()
            .unwrap_or(0)
    }
}

/// What the rules need to know about one corrective action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionFacts {
    pub status: ActionStatus,
    pub due_on: NaiveDate,
    pub last_progress_on: Option<NaiveDate>,
    /// When no progress was ever logged: the day the action last changed
    /// (e.g. its plan was submitted).
    pub changed_on: NaiveDate,
}

/// One reminder that is due: its rule, its period key and the number of days
/// it speaks of (days left, days overdue or days without progress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub rule: Rule,
    pub period: String,
    pub days: i64,
}

/// The reminders one action calls for today (closed actions: none).
pub fn reminders_for(
    schedule: &Schedule,
    action: &ActionFacts,
    today: NaiveDate,
) -> Vec<DueReminder> {
    let mut due = Vec::new();
    if action.status == ActionStatus::Closed {
        return due;
    }
    let days_left = (action.due_on - today).num_days();
    if days_left >= 1 {
        let mut thresholds: Vec<i64> = schedule
            .days_before
            .iter()
            .copied()
            .filter(|d| *d > 0)
            .collect();
        thresholds.sort_unstable();
        thresholds.dedup();
        if let Some(window) = thresholds.into_iter().find(|t| days_left <= *t) {
            due.push(DueReminder {
                rule: Rule::DueSoon,
                period: format!("{}/d{window}", action.due_on),
                days: days_left,
            });
        }
    } else if days_left == 0 {
        if schedule.on_due_date {
            due.push(DueReminder {
                rule: Rule::DueToday,
                period: action.due_on.to_string(),
                days: 0,
            });
        }
    } else {
        let overdue = -days_left;
        if schedule.overdue_every_days > 0 {
            let n = (overdue - 1) / schedule.overdue_every_days;
            due.push(DueReminder {
                rule: Rule::Overdue,
                period: format!("{}/w{n}", action.due_on),
                days: overdue,
            });
        }
        if schedule.escalation_days > 0 && overdue >= schedule.escalation_days {
            due.push(DueReminder {
                rule: Rule::Escalation,
                period: action.due_on.to_string(),
                days: overdue,
            });
        }
    }
    if schedule.stale_days > 0
        && matches!(
            action.status,
            ActionStatus::PlanSubmitted | ActionStatus::InProgress
        )
    {
        let since = action.last_progress_on.unwrap_or(action.changed_on);
        let idle = (today - since).num_days();
        if idle >= schedule.stale_days {
            let n = (idle - schedule.stale_days) / schedule.stale_days;
            due.push(DueReminder {
                rule: Rule::NoProgress,
                period: format!("{since}/w{n}"),
                days: idle,
            });
        }
    }
    due
}

/// The digest's period when today is the digest day: the ISO week, e.g.
/// `2026-W10`.
pub fn digest_period(schedule: &Schedule, today: NaiveDate) -> Option<String> {
    if schedule.digest_weekday == 0
        || today.weekday().number_from_monday() != schedule.digest_weekday
    {
        return None;
    }
    let week = today.iso_week();
    Some(format!("{}-W{:02}", week.year(), week.week()))
}

/// Where an action stands in a buyer's digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DigestState {
    Overdue,
    DueSoon,
}

pub fn digest_state(
    schedule: &Schedule,
    status: ActionStatus,
    due_on: NaiveDate,
    today: NaiveDate,
) -> Option<DigestState> {
    if status == ActionStatus::Closed {
        None
    } else if due_on < today {
        Some(DigestState::Overdue)
    } else if due_on <= today + Duration::days(schedule.digest_due_within) {
        Some(DigestState::DueSoon)
    } else {
        None
    }
}

/// The `esg_leads` setting, items `business_unit:email`, as a map.
/// Malformed items are left out (the settings page shows them as typed).
pub fn parse_leads(items: &[String]) -> HashMap<String, String> {
    items
        .iter()
        .filter_map(|item| {
            let (bu, email) = item.split_once(':')?;
            let (bu, email) = (bu.trim().to_lowercase(), email.trim().to_lowercase());
            (!bu.is_empty() && email.contains('@')).then_some((bu, email))
        })
        .collect()
}

/// Parses the days-before list ("14,3"): positive whole numbers.
pub fn parse_days(items: &[String]) -> Vec<i64> {
    items
        .iter()
        .filter_map(|d| d.trim().parse::<i64>().ok())
        .filter(|d| (1..=365).contains(d))
        .collect()
}

/// Retry back-off after `attempts` failed tries: 1, 2, 4, … minutes, at most
/// six hours.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 20) - 1;
    Duration::minutes((1i64 << exp).min(360))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts(status: ActionStatus, due: &str) -> ActionFacts {
        ActionFacts {
            status,
            due_on: d(due),
            last_progress_on: None,
            changed_on: d("2026-01-01"),
        }
    }

    fn rules(schedule: &Schedule, a: &ActionFacts, today: &str) -> Vec<(Rule, String, i64)> {
        reminders_for(schedule, a, d(today))
            .into_iter()
            .map(|r| (r.rule, r.period, r.days))
            .collect()
    }

    #[test]
    fn before_due_windows_fire_once_per_due_date() {
        let s = Schedule::default();
        let a = facts(ActionStatus::Open, "2026-03-16");
        assert!(rules(&s, &a, "2026-03-01").is_empty(), "15 days ahead");
        assert_eq!(
            rules(&s, &a, "2026-03-02"),
            [(Rule::DueSoon, "2026-03-16/d14".into(), 14)]
        );
        // A missed day is caught up in the same period.
        assert_eq!(
            rules(&s, &a, "2026-03-10"),
            [(Rule::DueSoon, "2026-03-16/d14".into(), 6)]
        );
        assert_eq!(
            rules(&s, &a, "2026-03-13"),
            [(Rule::DueSoon, "2026-03-16/d3".into(), 3)]
        );
        assert_eq!(
            rules(&s, &a, "2026-03-16"),
            [(Rule::DueToday, "2026-03-16".into(), 0)]
        );
    }

    #[test]
    fn overdue_weekly_and_escalation_at_fourteen_days() {
        let s = Schedule::default();
        let a = facts(ActionStatus::Open, "2026-03-01");
        assert_eq!(
            rules(&s, &a, "2026-03-02"),
            [(Rule::Overdue, "2026-03-01/w0".into(), 1)]
        );
        assert_eq!(rules(&s, &a, "2026-03-08")[0].1, "2026-03-01/w0");
        assert_eq!(rules(&s, &a, "2026-03-09")[0].1, "2026-03-01/w1");
        assert_eq!(
            rules(&s, &a, "2026-03-15"),
            [
                (Rule::Overdue, "2026-03-01/w1".into(), 14),
                (Rule::Escalation, "2026-03-01".into(), 14)
            ]
        );
        // Closed: nothing, whatever the date.
        let closed = facts(ActionStatus::Closed, "2026-03-01");
        assert!(rules(&s, &closed, "2026-03-15").is_empty());
    }

    #[test]
    fn no_progress_only_while_work_is_under_way() {
        let s = Schedule::default();
        let mut a = facts(ActionStatus::InProgress, "2026-06-30");
        a.last_progress_on = Some(d("2026-03-01"));
        assert!(rules(&s, &a, "2026-03-07").is_empty());
        assert_eq!(
            rules(&s, &a, "2026-03-08"),
            [(Rule::NoProgress, "2026-03-01/w0".into(), 7)]
        );
        assert_eq!(rules(&s, &a, "2026-03-15")[0].1, "2026-03-01/w1");
        a.status = ActionStatus::Open;
        assert!(rules(&s, &a, "2026-03-08").is_empty());
        a.status = ActionStatus::PlanSubmitted;
        a.last_progress_on = None;
        assert_eq!(rules(&s, &a, "2026-01-08")[0].1, "2026-01-01/w0");
    }

    #[test]
    fn switched_off_rules_stay_quiet() {
        let s = Schedule {
            days_before: vec![],
            on_due_date: false,
            overdue_every_days: 0,
            stale_days: 0,
            escalation_days: 0,
            digest_weekday: 0,
            digest_due_within: 14,
        };
        for day in ["2026-03-01", "2026-03-10", "2026-04-30"] {
            assert!(rules(&s, &facts(ActionStatus::InProgress, "2026-03-10"), day).is_empty());
        }
        assert_eq!(digest_period(&s, d("2026-03-02")), None);
    }

    #[test]
    fn digest_on_the_weekday_by_iso_week() {
        let s = Schedule::default();
        assert_eq!(
            digest_period(&s, d("2026-03-02")).as_deref(),
            Some("2026-W10")
        );
        assert_eq!(digest_period(&s, d("2026-03-03")), None);
        let today = d("2026-03-02");
        let st = |due| digest_state(&s, ActionStatus::Open, d(due), today);
        assert_eq!(st("2026-03-01"), Some(DigestState::Overdue));
        assert_eq!(st("2026-03-16"), Some(DigestState::DueSoon));
        assert_eq!(st("2026-03-17"), None);
    }

    #[test]
    fn leads_days_and_backoff_parse() {
        let leads = parse_leads(&["Phones:Lead@X.com".into(), "tv".into(), ":a@b".into()]);
        assert_eq!(leads.len(), 1);
        assert_eq!(leads["phones"], "lead@x.com");
        assert_eq!(
            parse_days(&["14".into(), "x".into(), "0".into(), "3".into()]),
            [14, 3]
        );
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(4), Duration::minutes(8));
        assert_eq!(backoff(30), Duration::minutes(360));
    }
}
