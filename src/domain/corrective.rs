//! Findings and corrective actions on the four-month clock (DESIGN §2.5–2.6):
//! severities, the due date, the action lifecycle, overdue, and the on-time
//! completion rate with its buckets (DESIGN §4 remediation).

use chrono::{Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Priority,
    Major,
    Minor,
    Observation,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Priority,
        Severity::Major,
        Severity::Minor,
        Severity::Observation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Priority => "priority",
            Severity::Major => "major",
            Severity::Minor => "minor",
            Severity::Observation => "observation",
        }
    }

    pub fn parse(value: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim().to_lowercase())
    }

    /// Every finding but an observation gets a corrective action; for an
    /// observation one is optional.
    pub fn needs_action(self) -> bool {
        self != Severity::Observation
    }
}

/// Due date = the day found + 4 calendar months. chrono clamps to the end of
/// a shorter month: 31 Oct → 28 Feb (29 in a leap year).
pub fn due_date(found_on: NaiveDate) -> NaiveDate {
    found_on
        .checked_add_months(Months::new(4))
        .unwrap_or(found_on)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionStatus {
    Open,
    PlanSubmitted,
    InProgress,
    PendingVerification,
    Closed,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 5] = [
        ActionStatus::Open,
        ActionStatus::PlanSubmitted,
        ActionStatus::InProgress,
        ActionStatus::PendingVerification,
        ActionStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::PlanSubmitted => "plan_submitted",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::PendingVerification => "pending_verification",
            ActionStatus::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<ActionStatus> {
        ActionStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
    }
}

/// The steps of the action flow and who takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Root cause and plan, by the supplier contact or the buyer.
    SubmitPlan,
    /// A weekly progress entry.
    Progress,
    RequestVerification,
    /// Closed with evidence by the auditor or procurement.
    Verify,
    /// Verification refused: back to in progress.
    Reject,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::SubmitPlan => "plan",
            Step::Progress => "progress",
            Step::RequestVerification => "request_verification",
            Step::Verify => "verify",
            Step::Reject => "reject",
        }
    }

    /// The status after this step, or `None` when the step is not allowed.
    pub fn apply(self, from: ActionStatus) -> Option<ActionStatus> {
        use ActionStatus::*;
        match (self, from) {
            // A plan may be revised until work starts.
            (Step::SubmitPlan, Open | PlanSubmitted) => Some(PlanSubmitted),
            (Step::Progress, PlanSubmitted | InProgress) => Some(InProgress),
            (Step::RequestVerification, PlanSubmitted | InProgress) => Some(PendingVerification),
            (Step::Verify, PendingVerification) => Some(Closed),
            (Step::Reject, PendingVerification) => Some(InProgress),
            _ => None,
        }
    }
}

/// Overdue is derived, never stored: not closed and today is past the due date.
pub fn is_overdue(status: ActionStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    status != ActionStatus::Closed && today > due_on
}

/// A progress entry must stay within 0–100 % and may only go backwards
/// with a note saying why.
pub fn check_progress(previous: Option<i32>, percent: i32, note: &str) -> Result<(), &'static str> {
    if !(0..=100).contains(&percent) {
        return Err("action.percent_range");
    }
    if previous.is_some_and(|p| percent < p) && note.trim().is_empty() {
        return Err("action.percent_backwards");
    }
    Ok(())
}

/// The share of actions closed on or before their due date, in percent;
/// `None` when there are no actions.
pub fn on_time_rate(actions: &[(NaiveDate, Option<NaiveDate>)]) -> Option<f64> {
    if actions.is_empty() {
        return None;
    }
    let on_time = actions
        .iter()
        .filter(|(due, closed)| closed.is_some_and(|c| c <= *due))
        .count();
    Some(on_time as f64 * 100.0 / actions.len() as f64)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// rate > 80 %
    Above80,
    /// 60 % ≤ rate ≤ 80 %
    From60To80,
    /// rate < 60 %
    Below60,
}

pub fn bucket(rate: f64) -> Bucket {
    if rate > 80.0 {
        Bucket::Above80
    } else if rate >= 60.0 {
        Bucket::From60To80
    } else {
        Bucket::Below60
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_dates_clamp_at_month_ends_and_leap_years() {
        assert_eq!(due_date(d(2021, 3, 15)), d(2021, 7, 15));
        assert_eq!(due_date(d(2021, 10, 31)), d(2022, 2, 28));
        assert_eq!(due_date(d(2023, 10, 31)), d(2024, 2, 29));
        assert_eq!(due_date(d(2023, 10, 30)), d(2024, 2, 29));
        assert_eq!(due_date(d(2021, 11, 30)), d(2022, 3, 30));
        assert_eq!(due_date(d(2021, 9, 30)), d(2022, 1, 30));
        assert_eq!(due_date(d(2024, 2, 29)), d(2024, 6, 29));
        assert_eq!(due_date(d(2021, 12, 31)), d(2022, 4, 30));
    }

    #[test]
    fn the_flow_allows_only_its_steps() {
        use ActionStatus::*;
        assert_eq!(Step::SubmitPlan.apply(Open), Some(PlanSubmitted));
        assert_eq!(
            Step::Progress.apply(Open),
            None,
            "no progress without a plan"
        );
        assert_eq!(Step::Progress.apply(PlanSubmitted), Some(InProgress));
        assert_eq!(
            Step::RequestVerification.apply(InProgress),
            Some(PendingVerification)
        );
        assert_eq!(
            Step::Verify.apply(InProgress),
            None,
            "verification must be requested"
        );
        assert_eq!(Step::Verify.apply(PendingVerification), Some(Closed));
        assert_eq!(Step::Reject.apply(PendingVerification), Some(InProgress));
        for step in [
            Step::SubmitPlan,
            Step::Progress,
            Step::RequestVerification,
            Step::Verify,
            Step::Reject,
        ] {
            assert_eq!(step.apply(Closed), None, "closed is final");
        }
    }

    #[test]
    fn overdue_is_past_due_and_not_closed() {
        let due = d(2021, 7, 15);
        assert!(!is_overdue(ActionStatus::InProgress, due, due));
        assert!(is_overdue(ActionStatus::InProgress, due, d(2021, 7, 16)));
        assert!(!is_overdue(ActionStatus::Closed, due, d(2022, 1, 1)));
    }

    #[test]
    fn progress_stays_in_range_and_goes_back_only_with_a_note() {
        assert_eq!(check_progress(None, 101, ""), Err("action.percent_range"));
        assert_eq!(
            check_progress(Some(50), 40, ""),
            Err("action.percent_backwards")
        );
        assert_eq!(check_progress(Some(50), 40, "rework after test"), Ok(()));
        assert_eq!(check_progress(Some(50), 50, ""), Ok(()));
    }

    #[test]
    fn rates_and_buckets_at_the_edges() {
        let due = d(2021, 7, 15);
        assert_eq!(on_time_rate(&[]), None);
        let five = |on_time: usize| -> Vec<(NaiveDate, Option<NaiveDate>)> {
            (0..5)
                .map(|i| (due, Some(if i < on_time { due } else { d(2021, 7, 16) })))
                .collect()
        };
        assert_eq!(on_time_rate(&five(4)), Some(80.0));
        assert_eq!(
            bucket(80.0),
            Bucket::From60To80,
            "exactly 80 % is not above 80"
        );
        assert_eq!(on_time_rate(&five(3)), Some(60.0));
        assert_eq!(
            bucket(60.0),
            Bucket::From60To80,
            "exactly 60 % is in the middle bucket"
        );
        assert_eq!(bucket(59.9), Bucket::Below60);
        assert_eq!(bucket(80.1), Bucket::Above80);
        assert_eq!(
            on_time_rate(&[(due, None)]),
            Some(0.0),
            "open actions are not on time"
        );
        assert!(Severity::Minor.needs_action() && !Severity::Observation.needs_action());
    }
}
