//! Where a production supplier stands in its lifecycle with us.
//!
//! Two kinds of change exist. A user may move a supplier by hand along the
//! routes in [`can_change`]. `approved` and `rejected`, however, record the
//! outcome of the red-line gate, so they are reachable only by recording an
//! onboarding review decision ([`can_decide`]); otherwise anyone could
//! approve a supplier without evidence.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupplierStatus {
    /// Known to us, onboarding not yet started.
    Prospective,
    /// Onboarding review in progress: collecting audit evidence.
    UnderReview,
    /// Cleared the red-line gate; may receive production orders.
    Approved,
    /// Failed or was refused at the gate; may re-apply after remediation.
    Rejected,
    /// Was approved, temporarily barred from new orders (e.g. pending a
    /// corrective action plan).
    Suspended,
    /// Relationship ended. Final: a returning company starts over as a new
    /// prospective supplier.
    Exited,
}

impl SupplierStatus {
    pub const ALL: [SupplierStatus; 6] = [
        SupplierStatus::Prospective,
        SupplierStatus::UnderReview,
        SupplierStatus::Approved,
        SupplierStatus::Rejected,
        SupplierStatus::Suspended,
        SupplierStatus::Exited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SupplierStatus::Prospective => "prospective",
            SupplierStatus::UnderReview => "under_review",
            SupplierStatus::Approved => "approved",
            SupplierStatus::Rejected => "rejected",
            SupplierStatus::Suspended => "suspended",
            SupplierStatus::Exited => "exited",
        }
    }

    pub fn parse(value: &str) -> Option<SupplierStatus> {
        SupplierStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// Whether a user may move a supplier from `from` to `to` by hand.
pub fn can_change(from: SupplierStatus, to: SupplierStatus) -> bool {
    use SupplierStatus::*;
    matches!(
        (from, to),
        (Prospective, UnderReview)
            // Review put on hold, e.g. the supplier stopped responding.
            | (UnderReview, Prospective)
            // Re-application after remediation.
            | (Rejected, UnderReview)
            | (Approved, Suspended)
            // Reinstatement once the corrective actions are closed.
            | (Suspended, Approved)
            | (Approved, Exited)
            | (Suspended, Exited)
    )
}

/// Whether an onboarding review decision (the red-line gate) may be
/// recorded for a supplier in `from`. An approved or suspended supplier is
/// already through the gate, and an exited one is closed.
pub fn can_decide(from: SupplierStatus) -> bool {
    use SupplierStatus::*;
    matches!(from, Prospective | UnderReview | Rejected)
}

#[cfg(test)]
mod tests {
    use super::SupplierStatus::*;
    use super::*;

    /// Every hand-made change that is allowed; all other pairs are not.
    const ALLOWED: [(SupplierStatus, SupplierStatus); 7] = [
        (Prospective, UnderReview),
        (UnderReview, Prospective),
        (Rejected, UnderReview),
        (Approved, Suspended),
        (Suspended, Approved),
        (Approved, Exited),
        (Suspended, Exited),
    ];

    #[test]
    fn every_pair_of_the_6x6_matrix() {
        let mut checked = 0;
        for from in SupplierStatus::ALL {
            for to in SupplierStatus::ALL {
                assert_eq!(
                    can_change(from, to),
                    ALLOWED.contains(&(from, to)),
                    "{} -> {}",
                    from.as_str(),
                    to.as_str()
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 36);
    }

    #[test]
    fn matrix_written_out_row_by_row() {
        // Columns: prospective, under_review, approved, rejected, suspended, exited.
        let matrix: [(SupplierStatus, [bool; 6]); 6] = [
            (Prospective, [false, true, false, false, false, false]),
            (UnderReview, [true, false, false, false, false, false]),
            (Approved, [false, false, false, false, true, true]),
            (Rejected, [false, true, false, false, false, false]),
            (Suspended, [false, false, true, false, false, true]),
            (Exited, [false, false, false, false, false, false]),
        ];
        for (from, row) in matrix {
            for (to, expected) in SupplierStatus::ALL.into_iter().zip(row) {
                assert_eq!(
                    can_change(from, to),
                    expected,
                    "{} -> {}",
                    from.as_str(),
                    to.as_str()
                );
            }
        }
    }

    #[test]
    fn staying_put_is_not_a_change() {
        for status in SupplierStatus::ALL {
            assert!(!can_change(status, status), "{}", status.as_str());
        }
    }

    #[test]
    fn rejected_is_never_reached_by_hand() {
        for from in SupplierStatus::ALL {
            assert!(!can_change(from, Rejected), "{}", from.as_str());
        }
    }

    #[test]
    fn approved_is_reached_by_hand_only_as_reinstatement() {
        // Approval proper comes from the gate; the only manual route back to
        // approved is lifting a suspension of an already-approved supplier.
        let sources: Vec<_> = SupplierStatus::ALL
            .into_iter()
            .filter(|&from| can_change(from, Approved))
            .collect();
        assert_eq!(sources, vec![Suspended]);
    }

    #[test]
    fn exited_is_final() {
        for to in SupplierStatus::ALL {
            assert!(!can_change(Exited, to), "{}", to.as_str());
        }
        assert!(!can_decide(Exited));
    }

    #[test]
    fn decisions_only_before_or_after_a_failed_gate() {
        assert!(can_decide(Prospective));
        assert!(can_decide(UnderReview));
        assert!(can_decide(Rejected));
        assert!(!can_decide(Approved));
        assert!(!can_decide(Suspended));
        assert!(!can_decide(Exited));
    }

    #[test]
    fn status_round_trips_through_text() {
        let texts: Vec<_> = SupplierStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "prospective",
                "under_review",
                "approved",
                "rejected",
                "suspended",
                "exited"
            ]
        );
        for status in SupplierStatus::ALL {
            assert_eq!(SupplierStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(SupplierStatus::parse("Approved"), None);
        assert_eq!(SupplierStatus::parse("under review"), None);
        assert_eq!(SupplierStatus::parse(""), None);
    }
}
