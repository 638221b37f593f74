//! Open findings of a supplier by severity, as the risk model needs them:
//! findings whose corrective action is not closed.

use diesel::prelude::*;

use crate::db::schema::{corrective_actions, findings};
use crate::db::DbConnection;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenFindings {
    pub priority: i32,
    pub major: i32,
    pub minor: i32,
    pub red_line: bool,
}

pub fn open_for(conn: &mut DbConnection, supplier_id: i32) -> QueryResult<OpenFindings> {
    let open: Vec<(String, Option<String>)> = corrective_actions::table
        .inner_join(findings::table)
        .filter(corrective_actions::supplier_id.eq(supplier_id))
        .filter(corrective_actions::status.ne("closed"))
        .select((findings::severity, findings::red_line))
        .load(conn)?;
    let count = |s: &str| open.iter().filter(|(sev, _)| sev == s).count() as i32;
    Ok(OpenFindings {
        priority: count("priority"),
        major: count("major"),
        minor: count("minor"),
        red_line: open.iter().any(|(_, red)| red.is_some()),
    })
}
