//! vitrine: a git-native static site generator for client-facing project status.
//!
//! Data flows one way, each stage a module with one job:
//!
//! ```text
//! git (tree at a revision, history index) ─┐
//! config ──────────────────────────────────┴─> content (typed project, visibility)
//!   ─> routes (every page's address) ─> insight (dashboard, histories, changelog, reports)
//!   ─> lint (whole-project checks) ─> render (views, Markdown, templates, charts)
//!   ─> guard (the leak guard) ─> output (atomic write)
//! pipeline (the stages in order) ─> commands (one file per command) ─> cli (clap only)
//! ```
//!
//! The layering is a fact a test checks (`tests/it/layering.rs`): each module may use only
//! the modules listed after it here; anything else is a back edge and fails the test.
//! `git2` is used only in `git`, `clap` only in `cli`.
//!
//! - `diag`:
//! - `escape`:
//! - `dates`:
//! - `format`: dates
//! - `urls`:
//! - `forge`: urls
//! - `cachefile`:
//! - `git`: cachefile, diag
//! - `buildcache`: cachefile, diag
//! - `config`: diag, dates, forge, urls
//! - `content`: config, dates, diag, git
//! - `routes`: content
//! - `insight`: config, content, dates, diag, format, git, routes
//! - `lint`: config, content, diag, routes
//! - `render`: buildcache, config, content, dates, diag, escape, forge, format, git, insight, routes, urls
//! - `guard`: buildcache, content, diag, render
//! - `output`: diag, render
//! - `access`: buildcache, config, content, diag, escape, guard, render
//! - `pipeline`: access, buildcache, cachefile, config, content, dates, diag, format, git, guard, insight, lint, output, render, routes, urls
//! - `commands`: buildcache, config, escape, content, dates, diag, git, guard, insight, lint, output, pipeline, render, routes
//! - `cli`: commands, config, diag, git, pipeline, render

pub mod access;
pub mod buildcache;
pub mod cachefile;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod dates;
pub mod diag;
pub mod escape;
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
