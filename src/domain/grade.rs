//! Audit grades from scores (DESIGN §2.4): thresholds are settings.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grade {
    Excellent,
    Medium,
    Poor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeThresholds {
    /// Lowest score graded excellent (default 85).
    pub excellent: i32,
    /// Lowest score graded medium (default 70).
    pub medium: i32,
}

impl Default for GradeThresholds {
    fn default() -> Self {
        Self {
            excellent: 85,
            medium: 70,
        }
    }
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::Excellent, Grade::Medium, Grade::Poor];

    pub fn of(score: i32, thresholds: GradeThresholds) -> Grade {
        if score >= thresholds.excellent {
            Grade::Excellent
        } else if score >= thresholds.medium {
            Grade::Medium
        } else {
            Grade::Poor
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Medium => "medium",
            Grade::Poor => "poor",
        }
    }

    pub fn parse(value: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.as_str() == value.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_inclusive() {
        let t = GradeThresholds::default();
        assert_eq!(Grade::of(85, t), Grade::Excellent);
        assert_eq!(Grade::of(84, t), Grade::Medium);
        assert_eq!(Grade::of(70, t), Grade::Medium);
        assert_eq!(Grade::of(69, t), Grade::Poor);
        assert_eq!(Grade::of(0, t), Grade::Poor);
        let strict = GradeThresholds {
            excellent: 90,
            medium: 75,
        };
        assert_eq!(Grade::of(88, strict), Grade::Medium);
        assert_eq!(Grade::parse("poor"), Some(Grade::Poor));
        assert_eq!(Grade::parse("bad"), None);
    }
}
