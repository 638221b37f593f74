//! Work that runs outside a request: the annual audit plan (and, later,
//! reminders).

pub mod planner;
