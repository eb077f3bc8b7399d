//! The citizen's desktop pages.

pub mod answers_page;
pub mod bundle_pages;
pub mod catalog_page;
pub mod checkout_page;
pub mod check_page;
pub mod correction_page;
pub mod demo_messages_page;
pub mod guide_page;
pub mod home_page;
pub mod materials_page;
pub mod me_page;
pub mod question_page;
pub mod receipt_page;
pub mod track_page;
pub mod verify_page;
