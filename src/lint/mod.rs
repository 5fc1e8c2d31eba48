//! The fourth stage: running the rules. What a rule is (its metadata, what it sees, what it
//! reports), the configuration and the waivers, and the engine that runs the rules over each
//! deployment into findings.

pub mod config;
pub mod draft;
pub mod engine;
pub mod error;
pub mod finding;
pub mod meta;
pub mod options;
pub mod prelude;
pub mod rule;
pub mod shared;
pub mod waiver;
