//! The yearly ESG risk score and tier (DESIGN §2.3): a weighted mean of
//! factor risks, each 0 (no risk) to 100; weights and cut-offs are settings.
//! An open red-line finding forces `high` whatever the score.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    High,
    Medium,
    Low,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::High, Tier::Medium, Tier::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::High => "high",
            Tier::Medium => "medium",
            Tier::Low => "low",
        }
    }

    pub fn parse(value: &str) -> Option<Tier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == value.trim().to_lowercase())
    }

    /// High and medium suppliers must get a third-party on-site audit.
    pub fn needs_onsite_audit(self) -> bool {
        matches!(self, Tier::High | Tier::Medium)
    }
}

/// The weights of the factors and the tier cut-offs.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskModel {
    pub weight_saq: i32,
    pub weight_country: i32,
    pub weight_category: i32,
    pub weight_audit: i32,
    pub weight_findings: i32,
    /// Lowest score that is `high` (default 60).
    pub high_from: i32,
    /// Lowest score that is `medium` (default 40).
    pub medium_from: i32,
    /// Countries and categories considered higher-risk.
    pub high_risk_countries: Vec<String>,
    pub high_risk_categories: Vec<String>,
}

impl Default for RiskModel {
    fn default() -> Self {
        Self {
            weight_saq: 30,
            weight_country: 15,
            weight_category: 15,
            weight_audit: 25,
            weight_findings: 15,
            high_from: 60,
            medium_from: 40,
            high_risk_countries: ["CN", "VN", "IN", "ID", "MY", "TH", "PH", "MX"]
                .map(String::from)
                .to_vec(),
            high_risk_categories: ["battery", "pcb", "structural_parts", "assembly", "display"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// What is known of a supplier when it is assessed.
#[derive(Debug, Clone, Default)]
pub struct RiskFacts<'a> {
    /// Self-assessment questionnaire score, 0–100 (higher is better).
    pub saq_score: Option<i32>,
    pub country: &'a str,
    pub category: &'a str,
    /// Score of the latest audit, if ever audited.
    pub last_audit_score: Option<i32>,
    pub open_priority: i32,
    pub open_major: i32,
    pub open_minor: i32,
    pub open_red_line: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RiskResult {
    pub score: i32,
    pub tier: Tier,
    /// (factor, risk 0–100, weight), to show why.
    pub factors: Vec<(&'static str, i32, i32)>,
    pub forced_by_red_line: bool,
}

impl RiskModel {
    pub fn assess(&self, facts: &RiskFacts) -> RiskResult {
        let listed =
            |list: &[String], value: &str| list.iter().any(|v| v.eq_ignore_ascii_case(value));
        let factors = vec![
            (
                "saq",
                facts.saq_score.map_or(50, |s| 100 - s.clamp(0, 100)),
                self.weight_saq,
            ),
            (
                "country",
                if listed(&self.high_risk_countries, facts.country) {
                    80
                } else {
                    30
                },
                self.weight_country,
            ),
            (
                "category",
                if listed(&self.high_risk_categories, facts.category) {
                    80
                } else {
                    30
                },
                self.weight_category,
            ),
            // Never audited counts as fairly risky: nothing has been verified.
            (
                "audit",
                facts.last_audit_score.map_or(70, |s| 100 - s.clamp(0, 100)),
                self.weight_audit,
            ),
            (
                "findings",
                (facts.open_priority * 40 + facts.open_major * 15 + facts.open_minor * 5).min(100),
                self.weight_findings,
            ),
        ];
        let total_weight: i32 = factors.iter().map(|(_, _, w)| (*w).max(0)).sum();
        let weighted: i32 = factors.iter().map(|(_, r, w)| r * (*w).max(0)).sum();
        let score = if total_weight == 0 {
            0
        } else {
            // Rounded half up; integer maths keeps both backends and tests exact.
            (2 * weighted + total_weight) / (2 * total_weight)
        };
        let by_score = if score >= self.high_from {
            Tier::High
        } else if score >= self.medium_from {
            Tier::Medium
        } else {
            Tier::Low
        };
        RiskResult {
            score,
            tier: if facts.open_red_line {
                Tier::High
            } else {
                by_score
            },
            factors,
            forced_by_red_line: facts.open_red_line && by_score != Tier::High,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> RiskFacts<'static> {
        RiskFacts {
            saq_score: Some(90),
            country: "JP",
            category: "packaging",
            last_audit_score: Some(92),
            ..RiskFacts::default()
        }
    }

    #[test]
    fn a_good_supplier_is_low_risk() {
        let r = RiskModel::default().assess(&facts());
        // (10*30 + 30*15 + 30*15 + 8*25 + 0*15) / 100 = 14
        assert_eq!(r.score, 14);
        assert_eq!(r.tier, Tier::Low);
        assert_eq!(r.factors.len(), 5);
    }

    #[test]
    fn risky_facts_raise_the_tier_at_the_cut_offs() {
        let model = RiskModel::default();
        let mut f = facts();
        f.saq_score = Some(40);
        f.country = "CN";
        f.category = "battery";
        f.last_audit_score = None;
        // (60*30 + 80*15 + 80*15 + 70*25) / 100 = 59.5 → 60
        let r = model.assess(&f);
        assert_eq!((r.score, r.tier), (60, Tier::High));
        f.saq_score = Some(80);
        // (20*30 + 1200 + 1200 + 1750) / 100 = 47.5 → 48
        assert_eq!(model.assess(&f).tier, Tier::Medium);
    }

    #[test]
    fn an_open_red_line_forces_high() {
        let mut f = facts();
        f.open_red_line = true;
        let r = RiskModel::default().assess(&f);
        assert_eq!(r.tier, Tier::High);
        assert!(r.forced_by_red_line);
        assert_eq!(r.score, 14, "the score itself is not changed");
    }

    #[test]
    fn findings_and_weights_matter() {
        let mut f = facts();
        f.open_priority = 1;
        f.open_major = 2;
        let r = RiskModel::default().assess(&f);
        assert_eq!(r.factors[4].1, 70);
        let zero = RiskModel {
            weight_saq: 0,
            weight_country: 0,
            weight_category: 0,
            weight_audit: 0,
            weight_findings: 0,
            ..RiskModel::default()
        };
        assert_eq!(zero.assess(&f).score, 0);
        assert_eq!(Tier::parse("HIGH"), Some(Tier::High));
        assert!(Tier::Medium.needs_onsite_audit() && !Tier::Low.needs_onsite_audit());
    }
}
