//! The maths of the year's figures (DESIGN §4): percentages with one
//! decimal, half away from zero, `None` when there is no denominator.

use super::corrective::{bucket, Bucket};
use super::grade::Grade;

/// `part / whole` in percent, one decimal, half away from zero.
pub fn pct(part: usize, whole: usize) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    Some(round1(part as f64 * 100.0 / whole as f64))
}

/// One decimal, half away from zero (`f64::round` rounds half away from
/// zero); the tiny nudge absorbs binary noise such as 0.15 → 0.1499….
pub fn round1(value: f64) -> f64 {
    let scaled = value * 10.0;
    let nudged = scaled + scaled.signum() * 1e-9;
    nudged.round() / 10.0
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Shares {
    pub excellent: Option<f64>,
    pub medium: Option<f64>,
    pub poor: Option<f64>,
}

/// Performance: the share of each grade among the suppliers' grades.
pub fn performance(grades: &[Grade]) -> Shares {
    let n = grades.len();
    let count = |g: Grade| grades.iter().filter(|x| **x == g).count();
    Shares {
        excellent: pct(count(Grade::Excellent), n),
        medium: pct(count(Grade::Medium), n),
        poor: pct(count(Grade::Poor), n),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Remediation {
    pub suppliers: usize,
    pub above_80_pct: Option<f64>,
    pub from_60_to_80_pct: Option<f64>,
    pub below_60_pct: Option<f64>,
}

/// Remediation: each supplier's on-time rate (percent) put in its bucket.
pub fn remediation(rates: &[f64]) -> Remediation {
    let n = rates.len();
    let count = |b: Bucket| rates.iter().filter(|r| bucket(**r) == b).count();
    Remediation {
        suppliers: n,
        above_80_pct: pct(count(Bucket::Above80), n),
        from_60_to_80_pct: pct(count(Bucket::From60To80), n),
        below_60_pct: pct(count(Bucket::Below60), n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(pct(95, 320), Some(29.7));
        assert_eq!(pct(83, 320), Some(25.9));
        assert_eq!(pct(142, 320), Some(44.4));
        assert_eq!(pct(56, 249), Some(22.5));
        assert_eq!(pct(137, 249), Some(55.0));
        assert_eq!(pct(403, 431), Some(93.5));
        assert_eq!(pct(1, 0), None);
        assert_eq!(round1(0.15), 0.2);
        assert_eq!(round1(0.25), 0.3);
        assert_eq!(round1(-0.25), -0.3);
    }

    #[test]
    fn performance_and_remediation_shares() {
        let grades: Vec<Grade> = std::iter::repeat_n(Grade::Excellent, 95)
            .chain(std::iter::repeat_n(Grade::Medium, 83))
            .chain(std::iter::repeat_n(Grade::Poor, 142))
            .collect();
        let s = performance(&grades);
        assert_eq!(
            (s.excellent, s.medium, s.poor),
            (Some(29.7), Some(25.9), Some(44.4))
        );
        assert_eq!(performance(&[]), Shares::default(), "empty year: no shares");
        let rates: Vec<f64> = [100.0; 24]
            .into_iter()
            .chain([80.0; 6])
            .chain([60.0; 5])
            .chain([40.0; 15])
            .collect();
        let r = remediation(&rates);
        assert_eq!(r.suppliers, 50);
        assert_eq!(
            (r.above_80_pct, r.from_60_to_80_pct, r.below_60_pct),
            (Some(48.0), Some(22.0), Some(30.0))
        );
    }
}
