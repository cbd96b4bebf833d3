//! vitrine: a git-native static site generator for client-facing project status.
//!
//! The pipeline (see `build`) flows one way: `git` (tree at a revision, history index) →
//! `content` (typed project) → `insight` (figures) → `render` (views, Markdown, templates)
//! → `output` (atomic write). The `cli` module is a thin layer over it.

pub mod access;
pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod dates;
pub mod demo;
pub mod diag;
pub mod forge;
pub mod git;
pub mod guard;
pub mod insight;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
