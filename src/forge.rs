//! Links into the forge that hosts the repository (`repository` in `vitrine.toml`): a
//! commit, an issue or pull request (`#123`), and a compare view between two tags. Each
//! host spells these addresses its own way; this is the one place that knows how.

use serde::Serialize;

/// The forges vitrine knows the address patterns of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Host {
    GitHub,
    GitLab,
    /// Gitea, Forgejo and Codeberg share GitHub-like paths.
    Gitea,
    Bitbucket,
}

/// A repository on a forge: `https://host/owner/name` and how that host spells its pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forge {
    pub host: Host,
    /// `https://host/owner/name`, no trailing slash, no `.git`.
    pub base: String,
}

impl Forge {
    /// Reads `https://github.com/o/r`, `https://gitlab.com/g/sub/r.git`,
    /// `git@codeberg.org:o/r.git` and the like. The host is recognised by name: github.com,
    /// gitlab.com or a host whose name contains `gitlab`, codeberg.org or one containing
    /// `gitea`/`forgejo`, bitbucket.org.
    pub fn parse(url: &str) -> Result<Forge, String> {
        let url = url.trim();
        let (host, path) = if let Some(rest) = url.strip_prefix("git@") {
            rest.split_once(':')
                .ok_or("an ssh address reads git@host:owner/name")?
        } else {
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .ok_or("the repository is an https:// address of the project on its forge")?;
            rest.split_once('/').unwrap_or((rest, ""))
        };
        let host = host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase();
        let path = path.trim_end_matches('/').trim_end_matches(".git");
        if path.split('/').filter(|s| !s.is_empty()).count() < 2 {
            return Err(format!("`{url}` does not name a repository (owner/name)"));
        }
        let kind = match host.as_str() {
            "github.com" | "www.github.com" => Host::GitHub,
            "bitbucket.org" => Host::Bitbucket,
            "codeberg.org" => Host::Gitea,
            h if h.contains("gitlab") => Host::GitLab,
            h if h.contains("gitea") || h.contains("forgejo") => Host::Gitea,
            h => {
                return Err(format!(
                    "`{h}` is not a forge vitrine knows: use a GitHub, GitLab, Gitea/Codeberg or Bitbucket address"
                ));
            }
        };
        Ok(Forge {
            host: kind,
            base: format!("https://{host}/{path}"),
        })
    }

    /// The page of one commit.
    pub fn commit(&self, id: &str) -> String {
        let b = &self.base;
        match self.host {
            Host::GitHub | Host::Gitea => format!("{b}/commit/{id}"),
            Host::GitLab => format!("{b}/-/commit/{id}"),
            Host::Bitbucket => format!("{b}/commits/{id}"),
        }
    }

    /// The page `#n` names in a commit message: the issue or pull request (GitHub and
    /// Gitea redirect an issue number to its pull request); on Bitbucket, the pull request.
    pub fn reference(&self, n: u64) -> String {
        let b = &self.base;
        match self.host {
            Host::GitHub | Host::Gitea => format!("{b}/issues/{n}"),
            Host::GitLab => format!("{b}/-/issues/{n}"),
            Host::Bitbucket => format!("{b}/pull-requests/{n}"),
        }
    }

    /// What changed from `from` to `to` (tags or commits).
    pub fn compare(&self, from: &str, to: &str) -> String {
        let b = &self.base;
        match self.host {
            Host::GitHub | Host::Gitea => format!("{b}/compare/{from}...{to}"),
            Host::GitLab => format!("{b}/-/compare/{from}...{to}"),
            Host::Bitbucket => format!("{b}/branches/compare/{to}%0D{from}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_normalise_and_unknown_hosts_are_refused() {
        let f = Forge::parse("git@github.com:acme/portal.git").unwrap();
        assert_eq!(
            (f.host, f.base.as_str()),
            (Host::GitHub, "https://github.com/acme/portal")
        );
        let g = Forge::parse("https://gitlab.example.com/group/sub/app/").unwrap();
        assert_eq!(g.host, Host::GitLab);
        assert_eq!(g.base, "https://gitlab.example.com/group/sub/app");
        assert!(Forge::parse("https://example.com/a/b").is_err());
        assert!(Forge::parse("https://github.com/acme").is_err());
        assert!(Forge::parse("ftp://github.com/a/b").is_err());
    }

    #[test]
    fn each_host_spells_commit_reference_and_compare_addresses_its_own_way() {
        let cases = [
            (
                "https://github.com/o/r",
                "https://github.com/o/r/commit/abc",
                "https://github.com/o/r/issues/7",
                "https://github.com/o/r/compare/v1.0.0...v1.1.0",
            ),
            (
                "https://gitlab.com/g/s/r.git",
                "https://gitlab.com/g/s/r/-/commit/abc",
                "https://gitlab.com/g/s/r/-/issues/7",
                "https://gitlab.com/g/s/r/-/compare/v1.0.0...v1.1.0",
            ),
            (
                "git@codeberg.org:o/r.git",
                "https://codeberg.org/o/r/commit/abc",
                "https://codeberg.org/o/r/issues/7",
                "https://codeberg.org/o/r/compare/v1.0.0...v1.1.0",
            ),
            (
                "https://bitbucket.org/o/r",
                "https://bitbucket.org/o/r/commits/abc",
                "https://bitbucket.org/o/r/pull-requests/7",
                "https://bitbucket.org/o/r/branches/compare/v1.1.0%0Dv1.0.0",
            ),
        ];
        for (url, commit, reference, compare) in cases {
            let f = Forge::parse(url).unwrap();
            assert_eq!(f.commit("abc"), commit);
            assert_eq!(f.reference(7), reference);
            assert_eq!(f.compare("v1.0.0", "v1.1.0"), compare);
        }
    }
}
