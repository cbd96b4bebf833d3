//! `vitrine check`: everything a build does but write — content, links against the route
//! table, every page rendered with the theme, the leak guard — and every diagnostic at
//! once.

use crate::diag::Diagnostics;
use crate::pipeline::{BuildError, BuildOptions, render_files};

/// Every diagnostic of the site `opts` names; `Err` only for a failure that is not about
/// the content (no repository, an unreadable revision).
pub fn check(opts: &BuildOptions) -> Result<Diagnostics, BuildError> {
    match render_files(opts) {
        Ok((_, loaded, _)) => Ok(loaded.diagnostics),
        Err(BuildError::Content(d)) => Ok(d),
        Err(e) => Err(e),
    }
}
