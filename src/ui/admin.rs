//! The clerk's pages (`/admin`).

pub mod agent_page;
pub mod calendar_page;
pub mod credit_page;
pub mod case_page;
pub mod login_page;
pub mod queue_page;
