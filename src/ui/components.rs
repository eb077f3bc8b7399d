//! Shared pieces of pages.

pub mod application_form;
pub mod code_fields;
pub mod error_summary;
pub mod fee_panel;
pub mod material_upload;
pub mod print_button;
pub mod service_search;
pub mod timeline;
