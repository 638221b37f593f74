//! The annual audit plan (DESIGN §2.4): which suppliers to audit this year,
//! within the capacity, and why each was picked.

use chrono::NaiveDate;

use super::grade::Grade;
use super::risk::Tier;

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub supplier_id: i32,
    pub tier: Option<Tier>,
    pub score: Option<i32>,
    pub last_audit: Option<NaiveDate>,
    pub last_grade: Option<Grade>,
    /// A key tier-2 supplier in the pilot: included in scope.
    pub tier2: bool,
}

/// Why a supplier was picked, as i18n keys with an optional detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub supplier_id: i32,
    pub reasons: Vec<(&'static str, String)>,
}

/// Orders candidates: high, then medium suppliers (they need an on-site
/// audit), then the rest; within that by risk score (highest first), never
/// audited or longest since the last audit first, a poor last grade first.
pub fn pick(candidates: &[Candidate], capacity: usize) -> Vec<Pick> {
    let mut ordered: Vec<&Candidate> = candidates.iter().collect();
    ordered.sort_by_key(|c| {
        let group = match c.tier {
            Some(Tier::High) => 0,
            Some(Tier::Medium) => 1,
            _ => 2,
        };
        (
            group,
            std::cmp::Reverse(c.score.unwrap_or(0)),
            c.last_audit.unwrap_or(NaiveDate::MIN),
            c.last_grade != Some(Grade::Poor),
            c.supplier_id,
        )
    });
    ordered
        .into_iter()
        .take(capacity)
        .map(|c| {
            let mut reasons = Vec::new();
            if let Some(tier) = c.tier {
                reasons.push(("plan.reason.tier", tier.as_str().to_owned()));
            }
            if let Some(score) = c.score {
                reasons.push(("plan.reason.score", score.to_string()));
            }
            match c.last_audit {
                None => reasons.push(("plan.reason.never_audited", String::new())),
                Some(d) => reasons.push(("plan.reason.last_audit", d.to_string())),
            }
            if c.last_grade == Some(Grade::Poor) {
                reasons.push(("plan.reason.poor_grade", String::new()));
            }
            if c.tier2 {
                reasons.push(("plan.reason.tier2", String::new()));
            }
            Pick {
                supplier_id: c.supplier_id,
                reasons,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(
        id: i32,
        tier: Option<Tier>,
        score: i32,
        last: Option<(i32, u32)>,
        grade: Option<Grade>,
    ) -> Candidate {
        Candidate {
            supplier_id: id,
            tier,
            score: Some(score),
            last_audit: last.map(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1).unwrap()),
            last_grade: grade,
            tier2: false,
        }
    }

    #[test]
    fn high_then_medium_then_score_then_oldest_audit_then_poor_grade() {
        let all = vec![
            c(1, Some(Tier::Low), 90, None, None),
            c(2, Some(Tier::Medium), 50, Some((2020, 1)), None),
            c(3, Some(Tier::High), 61, Some((2021, 1)), None),
            c(4, Some(Tier::High), 61, None, None),
            c(
                5,
                Some(Tier::Medium),
                50,
                Some((2020, 1)),
                Some(Grade::Poor),
            ),
            c(6, Some(Tier::High), 75, Some((2021, 6)), None),
        ];
        let order: Vec<i32> = pick(&all, 10).iter().map(|p| p.supplier_id).collect();
        assert_eq!(order, vec![6, 4, 3, 5, 2, 1]);
        assert_eq!(pick(&all, 2).len(), 2);
        assert!(pick(&all, 0).is_empty());
    }

    #[test]
    fn reasons_explain_the_pick() {
        let mut one = c(7, Some(Tier::High), 80, None, Some(Grade::Poor));
        one.tier2 = true;
        let reasons = &pick(&[one], 1)[0].reasons;
        let keys: Vec<&str> = reasons.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            vec![
                "plan.reason.tier",
                "plan.reason.score",
                "plan.reason.never_audited",
                "plan.reason.poor_grade",
                "plan.reason.tier2"
            ]
        );
        assert_eq!(reasons[0].1, "high");
    }
}
