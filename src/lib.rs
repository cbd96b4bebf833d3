//! vitrine: a git-native static site generator for client-facing project status.
//!
//! The pipeline (see `build`) flows one way: `git` (tree at a revision, history index) →
//! `content` (typed project) → `insight` (figures) → `render` (views, Markdown, templates)
//! → `output` (atomic write). The `cli` module is a thin layer over it.

pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod dates;
pub mod diag;
pub mod forge;
pub mod format;
pub mod git;
pub mod guard;
pub mod insight;
pub mod lint;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod routes;
pub mod urls;
