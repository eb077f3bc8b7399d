//! Shared pieces of pages.

pub mod application_form;
pub mod error_summary;
pub mod print_button;
pub mod timeline;
