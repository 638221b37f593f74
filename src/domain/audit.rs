//! Audit kinds and the audit lifecycle (DESIGN §2.4).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    Onboarding,
    Annual,
    FollowUp,
    RbaVap,
}

impl AuditKind {
    pub const ALL: [AuditKind; 4] = [
        AuditKind::Onboarding,
        AuditKind::Annual,
        AuditKind::FollowUp,
        AuditKind::RbaVap,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Onboarding => "onboarding",
            AuditKind::Annual => "annual",
            AuditKind::FollowUp => "follow_up",
            AuditKind::RbaVap => "rba_vap",
        }
    }

    pub fn parse(value: &str) -> Option<AuditKind> {
        AuditKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AuditStatus {
    Planned,
    InProgress,
    Reported,
    Closed,
}

impl AuditStatus {
    pub const ALL: [AuditStatus; 4] = [
        AuditStatus::Planned,
        AuditStatus::InProgress,
        AuditStatus::Reported,
        AuditStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditStatus::Planned => "planned",
            AuditStatus::InProgress => "in_progress",
            AuditStatus::Reported => "reported",
            AuditStatus::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<AuditStatus> {
        AuditStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
    }

    /// Audits move one step forward only; a report needs its date and score,
    /// checked where it is submitted.
    pub fn next(self) -> Option<AuditStatus> {
        match self {
            AuditStatus::Planned => Some(AuditStatus::InProgress),
            AuditStatus::InProgress => Some(AuditStatus::Reported),
            AuditStatus::Reported => Some(AuditStatus::Closed),
            AuditStatus::Closed => None,
        }
    }

    /// A reported audit carries `performed_on` and `score`.
    pub fn has_result(self) -> bool {
        matches!(self, AuditStatus::Reported | AuditStatus::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_move_forward_one_step() {
        assert_eq!(AuditStatus::Planned.next(), Some(AuditStatus::InProgress));
        assert_eq!(AuditStatus::Reported.next(), Some(AuditStatus::Closed));
        assert_eq!(AuditStatus::Closed.next(), None);
        assert!(AuditStatus::Closed.has_result() && !AuditStatus::InProgress.has_result());
        for k in AuditKind::ALL {
            assert_eq!(AuditKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(AuditStatus::parse("done"), None);
    }
}
