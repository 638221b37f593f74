pub mod country;
pub mod file_kind;
pub mod minerals;
pub mod red_lines;
pub mod role;
pub mod supplier_status;
pub mod uscc;
pub mod values;
