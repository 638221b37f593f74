//! The five roles of DESIGN §1.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    Procurement,
    Auditor,
    Supplier,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Procurement,
        Role::Auditor,
        Role::Supplier,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Procurement => "procurement",
            Role::Auditor => "auditor",
            Role::Supplier => "supplier",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value.trim())
    }

    /// Auditors and supplier contacts see only their own slice of the data
    /// (assigned audits, their own company); every other role sees the lists.
    pub fn is_scoped(self) -> bool {
        matches!(self, Role::Auditor | Role::Supplier)
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_round_trip_and_unknown_is_rejected() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Auditor.is_scoped() && Role::Supplier.is_scoped());
        assert!(!Role::Viewer.is_scoped());
    }
}
