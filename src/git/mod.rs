//! The only place git2 is used. Everything that leaves this module is an owned, plain
//! struct: a file list read from a tree, commit metadata, a per-file history index.
//!
//! Reading the *committed* tree (never the work tree) is what makes a build reproducible
//! from a commit id and keeps an uncommitted draft out of a client build.

pub mod cache;
mod commits;
mod history;
pub mod packs;
mod script;
mod treediff;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use git2::{ObjectType, Repository};

pub use cache::CacheUse;
pub use history::{Change, CommitMeta, FileEvent, HistoryIndex, blob_key};
pub use script::Scripted;

/// Where a new history index is to be kept for the next build (see
/// [`Repo::history_unstored`]).
pub struct HistoryStore {
    file: PathBuf,
    prefix: String,
}

impl HistoryStore {
    /// Writes the index; a cache that cannot be written only costs the next build its speed.
    pub fn store(&self, index: &HistoryIndex) {
        let _ = cache::store(&self.file, &self.prefix, index);
    }
}

/// A file of the site root as read from a tree or the work tree.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub bytes: Vec<u8>,
    /// Its blob id, when read from a commit (not from the work tree).
    pub blob: Option<String>,
}

/// A problem found while reading a tree that is not fatal (a skipped entry).
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// The repository enclosing a site root.
pub struct Repo {
    repo: Repository,
    /// The site root relative to the repository's work tree, `/`-separated, no trailing slash;
    /// empty when the site root is the repository root.
    prefix: String,
    /// Its pack files, opened when first read (shared with [`Repo::another`]'s handles).
    packs: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<packs::Packs>>>,
}

/// The commit a build reads from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Revision {
    pub id: String,
    pub short: String,
    /// What the user asked for (`HEAD`, a tag…).
    pub spec: String,
}

impl Repo {
    /// Opens the repository that contains `site_root`.
    pub fn discover(site_root: &Path) -> Result<Repo> {
        // Every object read is hashed again by default (SHA-1DC, a third of a history walk);
        // git itself does not, and a corrupt object still fails to inflate.
        git2::opts::strict_hash_verification(false);
        // libgit2 keeps every commit and tree it reads in a cache, then frees them one by one
        // when the repository is dropped; a history walk reads each object once (its trees
        // are cached by the walk itself), so the cache only cost time (a fifth of a cold
        // build of a 23,000-commit repository, perf) and memory (the system allocator kept
        // it: 90 MiB of a 50,000-commit build's peak).
        git2::opts::enable_caching(false);
        let repo = Repository::discover(site_root)
            .with_context(|| format!("{} is not inside a git repository", site_root.display()))?;
        let base = match repo.workdir() {
            Some(w) => w.to_path_buf(),
            // A bare repository: the site root is the top of its tree.
            None => {
                return Ok(Repo {
                    packs: Default::default(),
                    repo,
                    prefix: String::new(),
                });
            }
        };
        let base = base.canonicalize().unwrap_or(base);
        let root = site_root
            .canonicalize()
            .unwrap_or_else(|_| site_root.to_path_buf());
        let rel = root.strip_prefix(&base).unwrap_or(Path::new(""));
        let prefix = rel
            .iter()
            .map(|c| c.to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        Ok(Repo {
            repo,
            prefix,
            packs: Default::default(),
        })
    }

    /// A second handle on the same repository, for another thread, sharing the pack files
    /// read so far (a repository handle is not shared across threads).
    pub fn another(&self) -> Option<Repo> {
        Some(Repo {
            repo: Repository::open(self.repo.path()).ok()?,
            prefix: self.prefix.clone(),
            packs: self.packs.clone(),
        })
    }

    /// The repository's work tree, if it has one.
    pub fn workdir(&self) -> Option<PathBuf> {
        self.repo.workdir().map(Path::to_path_buf)
    }

    /// The site root relative to the repository root (`""` at the top).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether the repository has no work tree (`git clone --bare`, a server's copy).
    pub fn is_bare(&self) -> bool {
        self.repo.is_bare()
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// Resolves a revision to a commit.
    pub fn resolve(&self, spec: &str) -> Result<Revision> {
        let obj = self.repo.revparse_single(spec).map_err(|e| {
            if self.repo.is_empty().unwrap_or(false) {
                anyhow::anyhow!(
                    "the repository has no commits yet; commit your site first (or use --worktree)"
                )
            } else {
                anyhow::anyhow!("cannot resolve revision `{spec}`: {}", e.message())
            }
        })?;
        let commit = obj
            .peel_to_commit()
            .with_context(|| format!("`{spec}` does not name a commit"))?;
        let id = commit.id().to_string();
        Ok(Revision {
            short: id[..10].to_string(),
            id,
            spec: spec.to_string(),
        })
    }

    /// Reads every file under the site root from the tree of `rev`.
    ///
    /// Symlinks are never followed, submodules are skipped; both are reported in `skipped`.
    pub fn read_tree(&self, rev: &Revision) -> Result<(Vec<SourceFile>, Vec<Skipped>)> {
        let commit = self.repo.find_commit(git2::Oid::from_str(&rev.id)?)?;
        let tree = commit.tree()?;
        let root = if self.prefix.is_empty() {
            tree
        } else {
            let entry = tree.get_path(Path::new(&self.prefix)).with_context(|| {
                format!(
                    "the site root `{}` does not exist at {}; was vitrine.toml committed?",
                    self.prefix, rev.spec
                )
            })?;
            self.repo.find_tree(entry.id())?
        };
        let mut blobs = Vec::new();
        let mut skipped = Vec::new();
        let walked = root.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            let name = String::from_utf8_lossy(entry.name_bytes());
            let path = format!("{dir}{name}");
            match (entry.kind(), entry.filemode()) {
                (Some(ObjectType::Tree), _) => git2::TreeWalkResult::Ok,
                (Some(ObjectType::Commit), _) => {
                    skipped.push(Skipped {
                        path,
                        reason: "a submodule; vitrine does not read submodules".into(),
                    });
                    git2::TreeWalkResult::Skip
                }
                (_, 0o120000) => {
                    skipped.push(Skipped {
                        path,
                        reason: "a symbolic link; links are never followed".into(),
                    });
                    git2::TreeWalkResult::Ok
                }
                (Some(ObjectType::Blob), _) => {
                    blobs.push((path, entry.id()));
                    git2::TreeWalkResult::Ok
                }
                _ => git2::TreeWalkResult::Ok,
            }
        });
        walked?;
        let ids: Vec<git2::Oid> = blobs.iter().map(|(_, id)| *id).collect();
        let mut files = Vec::with_capacity(blobs.len());
        for ((path, id), bytes) in blobs.into_iter().zip(self.read_objects(&ids)) {
            let bytes = bytes.with_context(|| format!("cannot read {path}"))?;
            let blob = Some(id.to_string());
            files.push(SourceFile { path, bytes, blob });
        }
        Ok((files, skipped))
    }

    /// Whether every file under the site root at `rev` is in the object database (a
    /// partial clone may lack some), checked without reading any of them.
    pub fn has_site_files(&self, rev: &Revision) -> bool {
        let tree = git2::Oid::from_str(&rev.id)
            .and_then(|id| self.repo.find_commit(id))
            .and_then(|c| c.tree());
        let (Ok(tree), Ok(odb)) = (tree, self.repo.odb()) else {
            return false;
        };
        let root = if self.prefix.is_empty() {
            Some(tree)
        } else {
            tree.get_path(Path::new(&self.prefix))
                .and_then(|e| self.repo.find_tree(e.id()))
                .ok()
        };
        let Some(root) = root else {
            return false;
        };
        let mut whole = true;
        let walked = root.walk(git2::TreeWalkMode::PreOrder, |_, entry| {
            if entry.kind() == Some(ObjectType::Blob) && !odb.exists(entry.id()) {
                whole = false;
                return git2::TreeWalkResult::Abort;
            }
            git2::TreeWalkResult::Ok
        });
        whole && walked.is_ok()
    }

    /// The blob id of every file of the site root in commit `id`, by path (empty when it
    /// cannot be read): what a file is now, for a build of the work tree, whose files'
    /// histories are those of HEAD.
    pub fn blob_ids(&self, id: &str) -> std::collections::HashMap<String, String> {
        let mut ids = std::collections::HashMap::new();
        let tree = git2::Oid::from_str(id)
            .and_then(|id| self.repo.find_commit(id))
            .and_then(|c| c.tree());
        let root = match (tree, self.prefix.is_empty()) {
            (Ok(tree), true) => Some(tree),
            (Ok(tree), false) => tree
                .get_path(Path::new(&self.prefix))
                .and_then(|e| self.repo.find_tree(e.id()))
                .ok(),
            (Err(_), _) => None,
        };
        if let Some(root) = root {
            let _ = root.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() == Some(ObjectType::Blob) {
                    let name = String::from_utf8_lossy(entry.name_bytes());
                    ids.insert(format!("{dir}{name}"), entry.id().to_string());
                }
                git2::TreeWalkResult::Ok
            });
        }
        ids
    }

    /// Reads one file of the site root at `rev`, if it exists.
    pub fn read_file(&self, rev: &Revision, path: &str) -> Result<Option<Vec<u8>>> {
        let commit = self.repo.find_commit(git2::Oid::from_str(&rev.id)?)?;
        let full = if self.prefix.is_empty() {
            path.to_string()
        } else {
            format!("{}/{path}", self.prefix)
        };
        let Ok(entry) = commit.tree()?.get_path(Path::new(&full)) else {
            return Ok(None);
        };
        Ok(Some(self.repo.find_blob(entry.id())?.content().to_vec()))
    }

    /// Reads one file at the top of the repository (not the site root) at `rev`, if it
    /// exists: `.cliffignore` lives there.
    pub fn read_repo_file(&self, rev: &Revision, path: &str) -> Result<Option<Vec<u8>>> {
        let commit = self.repo.find_commit(git2::Oid::from_str(&rev.id)?)?;
        let Ok(entry) = commit.tree()?.get_path(Path::new(path)) else {
            return Ok(None);
        };
        Ok(Some(self.repo.find_blob(entry.id())?.content().to_vec()))
    }

    /// The ids of the commits reachable from `to` and not from `from` (`git log from..to`).
    pub fn range_ids(&self, from: &str, to: &str) -> Result<std::collections::HashSet<String>> {
        let mut walk = self.repo.revwalk()?;
        let oid =
            |spec: &str| -> Result<git2::Oid> { Ok(self.resolve(spec)?.id.parse::<git2::Oid>()?) };
        let (a, b) = (oid(from)?, oid(to)?);
        walk.push(b)?;
        walk.hide(a)?;
        Ok(walk.flatten().map(|o| o.to_string()).collect())
    }

    /// Walks the history reachable from `rev` once and indexes, for every file under the
    /// site root, the commits that added, changed or deleted it.
    ///
    /// With `use_cache`, the index of the previous build (under `.git/vitrine/`) is reused
    /// and extended with the new commits only, and the result is stored for the next build.
    pub fn history(&self, rev: &Revision, use_cache: bool) -> Result<(HistoryIndex, CacheUse)> {
        self.history_with(rev, use_cache, &|_| {})
    }

    /// [`Repo::history`], telling `tick` how many commits were walked now and then.
    pub fn history_with(
        &self,
        rev: &Revision,
        use_cache: bool,
        tick: &dyn Fn(u64),
    ) -> Result<(HistoryIndex, CacheUse)> {
        let (index, status, store) = self.history_unstored(rev, use_cache, tick)?;
        if let Some(store) = store {
            store.store(&index);
        }
        Ok((index, status))
    }

    /// [`Repo::history_with`], leaving the caller to store the index for the next build
    /// (when it is new) with the [`HistoryStore`] given: on another thread, while the
    /// build goes on.
    pub fn history_unstored(
        &self,
        rev: &Revision,
        use_cache: bool,
        tick: &dyn Fn(u64),
    ) -> Result<(HistoryIndex, CacheUse, Option<HistoryStore>)> {
        if !use_cache {
            return Ok((
                history::index(&self.repo, &self.prefix, rev, None, tick, self.packs())?,
                CacheUse::Missing,
                None,
            ));
        }
        let file = cache::path(self.repo.path(), &self.prefix);
        let inputs = self.history_inputs();
        let (cached, status) = match cache::load(&file, &self.prefix) {
            Ok(Some(c)) if c.inputs == inputs => (Some(c), CacheUse::Used),
            // Made with another mailmap or shallow boundary: its authors or its history
            // are not this repository's any more.
            Ok(Some(_)) => (None, CacheUse::Rejected),
            Ok(None) => (None, CacheUse::Missing),
            Err(_) => (None, CacheUse::Rejected),
        };
        let current = cached.as_ref().is_some_and(|c| c.tip == rev.id);
        let mut index = history::index(&self.repo, &self.prefix, rev, cached, tick, self.packs())?;
        index.inputs = inputs;
        let store = (!current).then(|| HistoryStore {
            file,
            prefix: self.prefix.clone(),
        });
        Ok((index, status, store))
    }

    /// A fingerprint of what the history index is made from besides the commits: the
    /// mailmap's sources (the work tree's `.mailmap`, `mailmap.file` and its content,
    /// `mailmap.blob` as it resolves, or `HEAD:.mailmap` in a bare repository) and the
    /// parents git is told to pretend (`shallow`, `info/grafts`), which a fetch can change.
    pub fn history_inputs(&self) -> String {
        use std::hash::Hasher;
        let mut h = siphasher::sip::SipHasher13::new();
        let mut part = |name: &str, bytes: &[u8]| {
            h.write(name.as_bytes());
            h.write_usize(bytes.len());
            h.write(bytes);
        };
        let read = |p: &Path| std::fs::read(p).unwrap_or_default();
        if let Some(w) = self.repo.workdir() {
            part(".mailmap", &read(&w.join(".mailmap")));
        }
        let config = self.repo.config().ok();
        let setting = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
        if let Some(f) = setting("mailmap.file") {
            part("mailmap.file", f.as_bytes());
            part("mailmap.file content", &read(Path::new(&f)));
        }
        let blob = setting("mailmap.blob")
            .or_else(|| self.repo.is_bare().then(|| "HEAD:.mailmap".to_string()));
        if let Some(b) = blob {
            let id = self.repo.revparse_single(&b).map(|o| o.id().to_string());
            part("mailmap.blob", id.unwrap_or_default().as_bytes());
        }
        let common = self.repo.commondir();
        part("shallow", &read(&common.join("shallow")));
        part("grafts", &read(&common.join("info").join("grafts")));
        format!("{:016x}", h.finish())
    }

    /// Tags that point (through annotated tags) at commits: (name, commit id).
    pub fn tags(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Ok(refs) = self.repo.references_glob("refs/tags/*") else {
            return out;
        };
        for r in refs.flatten() {
            let (Ok(name), Ok(commit)) = (r.shorthand().map(str::to_string), r.peel_to_commit())
            else {
                continue;
            };
            out.push((name, commit.id().to_string()));
        }
        out
    }

    /// Reads blobs by id (hex); unknown ids are left out.
    pub fn read_blobs<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Vec<(String, Vec<u8>)> {
        let ids: Vec<(&str, git2::Oid)> = ids
            .filter_map(|id| Some((id, git2::Oid::from_str(id).ok()?)))
            .collect();
        let oids: Vec<git2::Oid> = ids.iter().map(|(_, o)| *o).collect();
        (ids.iter().zip(self.read_objects(&oids)))
            .filter_map(|((id, _), bytes)| Some((id.to_string(), bytes?)))
            .collect()
    }

    /// Its pack files (read once per `Repo`).
    fn packs(&self) -> std::sync::Arc<packs::Packs> {
        (self.packs.get_or_init(|| packs::Packs::of(&self.repo))).clone()
    }

    /// The content of each object, in order (`None` where it cannot be read). Inflating is
    /// most of the cost: every worker reads its share from the pack files with a reader of
    /// its own; what is not in a pack is read through libgit2 afterwards.
    fn read_objects(&self, ids: &[git2::Oid]) -> Vec<Option<Vec<u8>>> {
        use rayon::prelude::*;
        let packs = self.packs();
        let mut out: Vec<Option<Vec<u8>>> = ids
            .par_iter()
            .map_init(
                || packs::PackReader::new(packs.clone()),
                |r, id| {
                    let (_, bytes) = r.read(*id)?;
                    Some(
                        std::sync::Arc::try_unwrap(bytes)
                            .unwrap_or_else(|shared| (*shared).clone()),
                    )
                },
            )
            .collect();
        let missing: Vec<usize> = (0..ids.len()).filter(|i| out[*i].is_none()).collect();
        if !missing.is_empty() {
            let rest: Vec<git2::Oid> = missing.iter().map(|i| ids[*i]).collect();
            for (i, bytes) in missing.into_iter().zip(self.read_unpacked(&rest)) {
                out[i] = bytes;
            }
        }
        out
    }

    /// [`Repo::read_objects`] through libgit2 (loose objects, alternates): a repository
    /// is not shared across threads, so each worker reads its share through a handle of
    /// its own.
    fn read_unpacked(&self, ids: &[git2::Oid]) -> Vec<Option<Vec<u8>>> {
        use rayon::prelude::*;
        let read = |repo: &Repository, ids: &[git2::Oid]| -> Vec<Option<Vec<u8>>> {
            let odb = repo.odb().ok();
            (ids.iter())
                .map(|id| Some(odb.as_ref()?.read(*id).ok()?.data().to_vec()))
                .collect()
        };
        let workers = rayon::current_num_threads().min(ids.len() / 256).max(1);
        if workers == 1 {
            return read(&self.repo, ids);
        }
        let path = self.repo.path();
        type Share<'a> = Result<Vec<Option<Vec<u8>>>, &'a [git2::Oid]>;
        let parts: Vec<Share<'_>> = ids
            .par_chunks(ids.len().div_ceil(workers))
            .map(|part| match Repository::open(path) {
                Ok(other) => Ok(read(&other, part)),
                Err(_) => Err(part),
            })
            .collect();
        // A share whose worker could not open the repository is read here.
        (parts.into_iter())
            .flat_map(|p| p.unwrap_or_else(|part| read(&self.repo, part)))
            .collect()
    }

    /// The HEAD revision, or `None` in a repository without commits.
    pub fn head(&self) -> Option<Revision> {
        self.resolve("HEAD").ok()
    }
}

/// The git directory of the repository holding `path`, if any (what `serve` watches).
pub fn git_dir(path: &Path) -> Option<PathBuf> {
    git2::Repository::discover(path)
        .ok()
        .map(|r| r.path().to_path_buf())
}

/// Whether `dir` is a bare repository (a site can be built from its commits).
pub fn is_bare_repository(dir: &Path) -> bool {
    git2::Repository::open_bare(dir).is_ok()
}

/// Reads the site root from the work tree instead of a commit (`--worktree`, `serve`).
///
/// Skips `.git`, the output folder and anything that is not a regular file; symlinks are
/// reported and not followed.
pub fn read_worktree(
    site_root: &Path,
    exclude: &[PathBuf],
) -> Result<(Vec<SourceFile>, Vec<Skipped>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let walker = walkdir::WalkDir::new(site_root)
        .follow_links(false)
        .sort_by_file_name();
    let excluded =
        |p: &Path| p.file_name().is_some_and(|n| n == ".git") || exclude.iter().any(|e| p == e);
    for entry in walker.into_iter().filter_entry(|e| !excluded(e.path())) {
        let entry = entry.with_context(|| format!("cannot read {}", site_root.display()))?;
        let rel = entry.path().strip_prefix(site_root).unwrap_or(entry.path());
        let path = rel
            .iter()
            .map(|c| c.to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let ft = entry.file_type();
        if ft.is_symlink() {
            skipped.push(Skipped {
                path,
                reason: "a symbolic link; links are never followed".into(),
            });
        } else if ft.is_file() {
            files.push((path, entry.path().to_path_buf()));
        }
    }
    // The walk is serial; the reading is not.
    use rayon::prelude::*;
    let files: Vec<SourceFile> = files
        .into_par_iter()
        .map(|(path, abs)| {
            let bytes =
                std::fs::read(&abs).with_context(|| format!("cannot read {}", abs.display()))?;
            Ok(SourceFile {
                path,
                bytes,
                blob: None,
            })
        })
        .collect::<Result<_>>()?;
    if files.is_empty() {
        bail!("no files found under {}", site_root.display());
    }
    Ok((files, skipped))
}

/// Publishing: a folder's files as a new commit on a branch, and the push.
impl Repo {
    /// Paths under the site root with uncommitted changes (ignored files excepted).
    pub fn dirty_paths(&self) -> Result<Vec<String>> {
        if self.repo.is_bare() {
            return Ok(Vec::new());
        }
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false);
        if !self.prefix.is_empty() {
            opts.pathspec(format!("{}/", self.prefix));
        }
        let statuses = self.repo.statuses(Some(&mut opts))?;
        Ok(statuses
            .iter()
            .filter_map(|s| s.path().ok().map(str::to_string))
            .collect())
    }

    /// The work tree (the main one or a linked one) where `branch` is checked out, if any.
    /// Publishing must never move such a branch: that work tree would then show the site's
    /// files as staged changes against its own.
    pub fn checked_out_at(&self, branch: &str) -> Result<Option<PathBuf>> {
        let full = format!("refs/heads/{branch}");
        let main = Repository::open(self.repo.commondir())
            .with_context(|| format!("cannot open {}", self.repo.commondir().display()))?;
        let here = |r: &Repository| head_target(r).as_deref() == Some(full.as_str());
        if !main.is_bare() && here(&main) {
            return Ok(Some(main.workdir().unwrap_or(main.path()).to_path_buf()));
        }
        for name in main.worktrees()?.iter().flatten().flatten() {
            let wt = main.find_worktree(name)?;
            let target = match Repository::open_from_worktree(&wt) {
                Ok(r) => head_target(&r),
                // A work tree whose folder is gone still holds its branch until pruned, as in git.
                Err(_) => {
                    std::fs::read_to_string(main.path().join("worktrees").join(name).join("HEAD"))
                        .ok()
                        .and_then(|t| t.trim().strip_prefix("ref: ").map(str::to_string))
                }
            };
            if target.as_deref() == Some(full.as_str()) {
                return Ok(Some(wt.path().to_path_buf()));
            }
        }
        Ok(None)
    }

    /// Commits `files` (path → bytes) as the whole tree of `branch`, with the branch's tip
    /// (or, if there is no local branch, the remote's) as parent. Refuses when the remote
    /// branch has commits the local one lacks. Returns `None` when nothing changed.
    pub fn commit_files(
        &self,
        branch: &str,
        remote: &str,
        files: &[(String, Vec<u8>)],
        message: &str,
    ) -> Result<Option<String>> {
        let local_ref = format!("refs/heads/{branch}");
        let local = self.repo.refname_to_id(&local_ref).ok();
        let remote_tip = self
            .repo
            .refname_to_id(&format!("refs/remotes/{remote}/{branch}"))
            .ok();
        if let (Some(l), Some(r)) = (local, remote_tip)
            && l != r
            && !self.repo.graph_descendant_of(l, r)?
        {
            bail!(
                "refusing to publish: `{remote}/{branch}` has commits that the local `{branch}` lacks (someone else \
                 published); run `git fetch {remote}` and `git branch -f {branch} {remote}/{branch}`, then publish again"
            );
        }
        let parent = local
            .or(remote_tip)
            .map(|id| self.repo.find_commit(id))
            .transpose()?;
        let tree = self.write_tree(files)?;
        if parent.as_ref().is_some_and(|p| p.tree_id() == tree) {
            return Ok(None);
        }
        let sig = self
            .repo
            .signature()
            .or_else(|_| git2::Signature::now("vitrine", "vitrine@localhost"))?;
        let tree = self.repo.find_tree(tree)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let id = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &parents)?;
        // Move the branch only if nobody moved it meanwhile (never a force).
        match local {
            Some(old) => {
                self.repo
                    .reference_matching(&local_ref, id, true, old, "vitrine publish")?;
            }
            None => {
                self.repo
                    .reference(&local_ref, id, false, "vitrine publish")?;
            }
        }
        Ok(Some(id.to_string()))
    }

    /// Writes nested trees for `files` and returns the root tree id.
    fn write_tree(&self, files: &[(String, Vec<u8>)]) -> Result<git2::Oid> {
        tree_from_files(
            &self.repo,
            files.iter().map(|(p, b)| (p.as_str(), b.as_slice())),
        )
    }

    /// `git push REMOTE BRANCH` with the user's own git, credentials and hooks (no force).
    pub fn push(&self, remote: &str, branch: &str) -> Result<()> {
        let dir = self.repo.workdir().unwrap_or_else(|| self.repo.path());
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args([
                "push",
                remote,
                &format!("refs/heads/{branch}:refs/heads/{branch}"),
            ])
            .status()
            .context("cannot run `git push`; is git installed?")?;
        if !status.success() {
            bail!(
                "`git push {remote} {branch}` failed (see its message above); the commit is kept on the local `{branch}`"
            );
        }
        Ok(())
    }
}

/// The branch HEAD names (even one without commits yet), if HEAD is not detached.
fn head_target(repo: &Repository) -> Option<String> {
    repo.find_reference("HEAD")
        .ok()?
        .symbolic_target()
        .ok()
        .flatten()
        .map(str::to_string)
}

/// Checks a branch name that publish would create or move: a name git accepts under
/// `refs/heads/`, not `HEAD`, and not one that reads as an option (`-x`).
pub fn check_branch_name(name: &str) -> Result<()> {
    if name == "HEAD"
        || name.starts_with('-')
        || !git2::Reference::is_valid_name(&format!("refs/heads/{name}"))
    {
        bail!("`{name}` is not a branch name git accepts (nor `HEAD`, nor one starting with `-`)");
    }
    Ok(())
}

/// Checks a remote name given to publish: one git accepts, never one that reads as an option.
pub fn check_remote_name(name: &str) -> Result<()> {
    if name.starts_with('-') || !git2::Remote::is_valid_name(name) {
        bail!("`{name}` is not a remote name git accepts (nor one starting with `-`)");
    }
    Ok(())
}

/// Writes blobs and nested trees for (path, bytes) pairs and returns the root tree id.
pub(crate) fn tree_from_files<'a>(
    repo: &Repository,
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<git2::Oid> {
    let mut index = git2::Index::new()?;
    let odb = repo.odb()?;
    for (path, bytes) in files {
        // A blob already there is not written again (libgit2 would write a file again
        // to throw it away, which costs seconds over a test on some file systems).
        let known = git2::Oid::hash_object(ObjectType::Blob, bytes)?;
        let id = match odb.exists(known) {
            true => known,
            false => repo.blob(bytes)?,
        };
        let entry = git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            file_size: bytes.len() as u32,
            id,
            flags: 0,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        };
        index.add(&entry)?;
    }
    Ok(index.write_tree_to(repo)?)
}
