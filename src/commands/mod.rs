//! The commands: each a few calls into the pipeline (`crate::pipeline`), one file each.
//! The command line maps its arguments onto these functions' options.

pub mod build;
pub mod changelog;
pub mod check;
pub mod demo;
pub mod publish;
pub mod report;
pub mod scaffold;
pub mod serve;
