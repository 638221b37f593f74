//! Work that runs outside a request: the annual audit plan and the
//! e-mail reminders.

pub mod planner;
pub mod reminders;
