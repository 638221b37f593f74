pub mod country;
pub mod esg;
pub mod file_kind;
pub mod red_lines;
pub mod role;
pub mod supplier_status;
pub mod uscc;
pub mod values;
