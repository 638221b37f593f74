//! The onboarding red-line gate.
//!
//! Before a production supplier may be approved it must be shown, by an
//! independent audit, to clear nine red lines (zero-tolerance issues drawn
//! from the RBA Code of Conduct's priority findings). The gate is
//! deliberately strict: approval needs positive evidence on every point,
//! and a single failed red line rejects the supplier outright.

use chrono::NaiveDate;

/// The nine red lines, as stored codes, in the order they are shown and
/// reported. The order is fixed so that reviews read the same every time.
pub const RED_LINES: [&str; 9] = [
    "child_labour",
    "forced_labour",
    "discrimination",
    "falsified_hours",
    "minimum_wage",
    "health_safety",
    "fire_safety",
    "toxic_discharge",
    "bribery",
];

pub fn is_red_line(code: &str) -> bool {
    RED_LINES.contains(&code)
}

/// The auditor's finding on one red line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assessment {
    Pass,
    Fail,
    NotAssessed,
}

impl Assessment {
    pub const ALL: [Assessment; 3] = [Assessment::Pass, Assessment::Fail, Assessment::NotAssessed];

    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::Pass => "pass",
            Assessment::Fail => "fail",
            Assessment::NotAssessed => "not_assessed",
        }
    }

    pub fn parse(value: &str) -> Option<Assessment> {
        Assessment::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// The kind of independent evidence the red-line findings come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceType {
    /// An RBA Validated Audit Process audit.
    RbaVap,
    /// Our own or a commissioned third-party on-site audit.
    OnsiteAudit,
}

impl EvidenceType {
    pub const ALL: [EvidenceType; 2] = [EvidenceType::RbaVap, EvidenceType::OnsiteAudit];

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceType::RbaVap => "rba_vap",
            EvidenceType::OnsiteAudit => "onsite_audit",
        }
    }

    pub fn parse(value: &str) -> Option<EvidenceType> {
        EvidenceType::ALL.into_iter().find(|e| e.as_str() == value)
    }
}

/// What an onboarding review records, as the gate needs to see it.
#[derive(Debug, Clone, Copy)]
pub struct ReviewFacts<'a> {
    pub evidence: Option<EvidenceType>,
    /// The audit firm that produced the evidence; blank means unknown.
    pub evidence_firm: &'a str,
    pub evidence_date: Option<NaiveDate>,
    /// When the supplier signed our CSR (supplier code of conduct) agreement.
    pub csr_signed_on: Option<NaiveDate>,
    /// Findings per red-line code.
    pub assessments: &'a [(&'a str, Assessment)],
}

/// Something the review still lacks before the supplier can be approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateGap {
    Evidence,
    EvidenceFirm,
    EvidenceDate,
    CsrAgreement,
    /// This red line has no Pass finding yet.
    NotAssessed(&'static str),
}

/// The gate's verdict on a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateDecision {
    Approved,
    /// At least one red line failed; lists them in [`RED_LINES`] order.
    RejectedRedLine {
        failed: Vec<&'static str>,
    },
    /// Nothing failed, but approval is not yet justified; lists every gap,
    /// evidence first, then red lines in [`RED_LINES`] order.
    Incomplete {
        missing: Vec<GateGap>,
    },
}

/// Decides whether a review lets the supplier through.
///
/// A failed red line rejects even when the paperwork is incomplete: a
/// finding of, say, child labour is conclusive on its own, and must not be
/// parked as "incomplete" while the supplier tidies up documents.
///
/// Codes in `assessments` that are not red lines are ignored; input is
/// validated before it gets here.
pub fn decide(facts: &ReviewFacts) -> GateDecision {
    let failed: Vec<&'static str> = RED_LINES
        .into_iter()
        .filter(|code| finding(facts.assessments, code) == Assessment::Fail)
        .collect();
    if !failed.is_empty() {
        return GateDecision::RejectedRedLine { failed };
    }

    let mut missing = Vec::new();
    if facts.evidence.is_none() {
        missing.push(GateGap::Evidence);
    }
    if facts.evidence_firm.trim().is_empty() {
        missing.push(GateGap::EvidenceFirm);
    }
    if facts.evidence_date.is_none() {
        missing.push(GateGap::EvidenceDate);
    }
    if facts.csr_signed_on.is_none() {
        missing.push(GateGap::CsrAgreement);
    }
    missing.extend(
        RED_LINES
            .into_iter()
            .filter(|code| finding(facts.assessments, code) != Assessment::Pass)
            .map(GateGap::NotAssessed),
    );

    if missing.is_empty() {
        GateDecision::Approved
    } else {
        GateDecision::Incomplete { missing }
    }
}

/// The effective finding on one red line. Should the same line appear more
/// than once, contradictory entries are resolved towards caution: any Fail
/// is a Fail, and only unanimous Pass is a Pass. A line with no entry is
/// NotAssessed.
fn finding(assessments: &[(&str, Assessment)], code: &str) -> Assessment {
    let mut entries = assessments
        .iter()
        .filter(|(line, _)| *line == code)
        .map(|&(_, assessment)| assessment)
        .peekable();
    if entries.peek().is_none() {
        return Assessment::NotAssessed;
    }
    let mut all_pass = true;
    for assessment in entries {
        match assessment {
            Assessment::Fail => return Assessment::Fail,
            Assessment::NotAssessed => all_pass = false,
            Assessment::Pass => {}
        }
    }
    if all_pass {
        Assessment::Pass
    } else {
        Assessment::NotAssessed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn all(assessment: Assessment) -> Vec<(&'static str, Assessment)> {
        RED_LINES.iter().map(|&code| (code, assessment)).collect()
    }

    fn with(
        mut assessments: Vec<(&'static str, Assessment)>,
        code: &str,
        assessment: Assessment,
    ) -> Vec<(&'static str, Assessment)> {
        for entry in assessments.iter_mut() {
            if entry.0 == code {
                entry.1 = assessment;
            }
        }
        assessments
    }

    fn complete_facts<'a>(assessments: &'a [(&'static str, Assessment)]) -> ReviewFacts<'a> {
        ReviewFacts {
            evidence: Some(EvidenceType::RbaVap),
            evidence_firm: "Intertek",
            evidence_date: Some(date(2024, 9, 12)),
            csr_signed_on: Some(date(2024, 10, 1)),
            assessments,
        }
    }

    fn empty_facts() -> ReviewFacts<'static> {
        ReviewFacts {
            evidence: None,
            evidence_firm: "",
            evidence_date: None,
            csr_signed_on: None,
            assessments: &[],
        }
    }

    #[test]
    fn red_lines_are_nine_distinct_codes_in_fixed_order() {
        assert_eq!(RED_LINES.len(), 9);
        assert_eq!(RED_LINES[0], "child_labour");
        assert_eq!(RED_LINES[8], "bribery");
        for (i, code) in RED_LINES.iter().enumerate() {
            assert!(!RED_LINES[i + 1..].contains(code), "{code}");
            assert!(is_red_line(code));
        }
    }

    #[test]
    fn unknown_codes_are_not_red_lines() {
        for code in ["", "child_labor", "Child_Labour", "bribery ", "overtime"] {
            assert!(!is_red_line(code), "{code:?}");
        }
    }

    #[test]
    fn assessment_round_trips_through_text() {
        for assessment in Assessment::ALL {
            assert_eq!(Assessment::parse(assessment.as_str()), Some(assessment));
        }
        assert_eq!(Assessment::Pass.as_str(), "pass");
        assert_eq!(Assessment::Fail.as_str(), "fail");
        assert_eq!(Assessment::NotAssessed.as_str(), "not_assessed");
        assert_eq!(Assessment::parse("PASS"), None);
        assert_eq!(Assessment::parse("n/a"), None);
        assert_eq!(Assessment::parse(""), None);
    }

    #[test]
    fn evidence_type_round_trips_through_text() {
        for evidence in EvidenceType::ALL {
            assert_eq!(EvidenceType::parse(evidence.as_str()), Some(evidence));
        }
        assert_eq!(EvidenceType::RbaVap.as_str(), "rba_vap");
        assert_eq!(EvidenceType::OnsiteAudit.as_str(), "onsite_audit");
        assert_eq!(EvidenceType::parse("rba"), None);
        assert_eq!(EvidenceType::parse(""), None);
    }

    #[test]
    fn complete_review_with_all_passes_is_approved() {
        let assessments = all(Assessment::Pass);
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::Approved
        );

        let facts = ReviewFacts {
            evidence: Some(EvidenceType::OnsiteAudit),
            ..complete_facts(&assessments)
        };
        assert_eq!(decide(&facts), GateDecision::Approved);
    }

    #[test]
    fn order_of_assessments_does_not_matter() {
        let mut assessments = all(Assessment::Pass);
        assessments.reverse();
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::Approved
        );
    }

    #[test]
    fn one_failed_red_line_rejects() {
        for code in RED_LINES {
            let assessments = with(all(Assessment::Pass), code, Assessment::Fail);
            assert_eq!(
                decide(&complete_facts(&assessments)),
                GateDecision::RejectedRedLine { failed: vec![code] },
                "{code}"
            );
        }
    }

    #[test]
    fn several_failures_are_listed_in_red_line_order() {
        let assessments = vec![
            ("bribery", Assessment::Fail),
            ("child_labour", Assessment::Fail),
            ("fire_safety", Assessment::Fail),
            ("forced_labour", Assessment::Pass),
        ];
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::RejectedRedLine {
                failed: vec!["child_labour", "fire_safety", "bribery"]
            }
        );
    }

    #[test]
    fn failure_rejects_even_without_any_evidence() {
        let assessments = [("forced_labour", Assessment::Fail)];
        let facts = ReviewFacts {
            assessments: &assessments,
            ..empty_facts()
        };
        assert_eq!(
            decide(&facts),
            GateDecision::RejectedRedLine {
                failed: vec!["forced_labour"]
            }
        );
    }

    #[test]
    fn failure_outweighs_lines_not_yet_assessed() {
        let assessments = with(
            with(all(Assessment::Pass), "minimum_wage", Assessment::Fail),
            "bribery",
            Assessment::NotAssessed,
        );
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::RejectedRedLine {
                failed: vec!["minimum_wage"]
            }
        );
    }

    #[test]
    fn empty_review_lists_every_gap_in_order() {
        let mut expected = vec![
            GateGap::Evidence,
            GateGap::EvidenceFirm,
            GateGap::EvidenceDate,
            GateGap::CsrAgreement,
        ];
        expected.extend(RED_LINES.map(GateGap::NotAssessed));
        assert_eq!(
            decide(&empty_facts()),
            GateDecision::Incomplete { missing: expected }
        );
    }

    #[test]
    fn each_missing_document_is_reported_alone() {
        let assessments = all(Assessment::Pass);
        let complete = complete_facts(&assessments);
        let cases = [
            (
                ReviewFacts {
                    evidence: None,
                    ..complete
                },
                GateGap::Evidence,
            ),
            (
                ReviewFacts {
                    evidence_firm: "",
                    ..complete
                },
                GateGap::EvidenceFirm,
            ),
            (
                ReviewFacts {
                    evidence_date: None,
                    ..complete
                },
                GateGap::EvidenceDate,
            ),
            (
                ReviewFacts {
                    csr_signed_on: None,
                    ..complete
                },
                GateGap::CsrAgreement,
            ),
        ];
        for (facts, gap) in cases {
            assert_eq!(
                decide(&facts),
                GateDecision::Incomplete { missing: vec![gap] },
                "{gap:?}"
            );
        }
    }

    #[test]
    fn blank_evidence_firm_counts_as_missing() {
        let assessments = all(Assessment::Pass);
        let facts = ReviewFacts {
            evidence_firm: "  \t",
            ..complete_facts(&assessments)
        };
        assert_eq!(
            decide(&facts),
            GateDecision::Incomplete {
                missing: vec![GateGap::EvidenceFirm]
            }
        );
    }

    #[test]
    fn explicitly_not_assessed_line_blocks_approval() {
        let assessments = with(
            all(Assessment::Pass),
            "toxic_discharge",
            Assessment::NotAssessed,
        );
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::Incomplete {
                missing: vec![GateGap::NotAssessed("toxic_discharge")]
            }
        );
    }

    #[test]
    fn line_missing_from_assessments_counts_as_not_assessed() {
        let assessments: Vec<_> = all(Assessment::Pass)
            .into_iter()
            .filter(|(code, _)| *code != "discrimination" && *code != "health_safety")
            .collect();
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::Incomplete {
                missing: vec![
                    GateGap::NotAssessed("discrimination"),
                    GateGap::NotAssessed("health_safety"),
                ]
            }
        );
    }

    #[test]
    fn documents_and_red_lines_are_both_reported() {
        let assessments = [("child_labour", Assessment::Pass)];
        let facts = ReviewFacts {
            evidence: Some(EvidenceType::OnsiteAudit),
            evidence_firm: "SGS",
            evidence_date: None,
            csr_signed_on: Some(date(2025, 1, 15)),
            assessments: &assessments,
        };
        let mut expected = vec![GateGap::EvidenceDate];
        expected.extend(
            RED_LINES[1..]
                .iter()
                .map(|&code| GateGap::NotAssessed(code)),
        );
        assert_eq!(
            decide(&facts),
            GateDecision::Incomplete { missing: expected }
        );
    }

    #[test]
    fn unknown_codes_are_ignored() {
        let mut assessments = all(Assessment::Pass);
        assessments.push(("overtime", Assessment::Fail));
        assessments.push(("Child_Labour", Assessment::Fail));
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::Approved
        );

        // An unknown code does not stand in for a missing red line either.
        let assessments = [("child_labor", Assessment::Pass)];
        let facts = complete_facts(&assessments);
        assert_eq!(
            decide(&facts),
            GateDecision::Incomplete {
                missing: RED_LINES.map(GateGap::NotAssessed).to_vec()
            }
        );
    }

    #[test]
    fn contradictory_duplicates_resolve_towards_caution() {
        let mut assessments = all(Assessment::Pass);
        assessments.push(("bribery", Assessment::Fail));
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::RejectedRedLine {
                failed: vec!["bribery"]
            }
        );

        let mut assessments = all(Assessment::Pass);
        assessments.push(("fire_safety", Assessment::NotAssessed));
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::Incomplete {
                missing: vec![GateGap::NotAssessed("fire_safety")]
            }
        );

        // Repeating a Pass is harmless.
        let mut assessments = all(Assessment::Pass);
        assessments.push(("child_labour", Assessment::Pass));
        assert_eq!(
            decide(&complete_facts(&assessments)),
            GateDecision::Approved
        );
    }
}
