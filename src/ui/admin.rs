//! The clerk's pages (`/admin`).

pub mod case_page;
pub mod login_page;
pub mod queue_page;
