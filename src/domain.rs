//! The portal's rules, in pure Rust with no I/O. Compiled for the server and for the
//! browser (WASM) alike, so a rule is written once and checked in both places.

pub mod access;
pub mod bundle;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod correction;
pub mod credit;
pub mod deadline;
pub mod delivery;
pub mod fee;
pub mod form;
pub mod ids;
pub mod instant;
pub mod licence;
pub mod lockout;
pub mod lookup;
pub mod material;
#[cfg(test)]
mod hostile_input;
pub mod one_time_code;
pub mod proactive;
pub mod provision;
pub mod proxy;
pub mod review;
pub mod search;
pub mod site;
pub mod text;
