pub mod country;
pub mod red_lines;
pub mod role;
pub mod supplier_status;
pub mod uscc;
