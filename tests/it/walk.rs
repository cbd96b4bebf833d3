//! The history walk reads raw commit objects and orders them itself; libgit2's revwalk and
//! commit parser are the oracle: same commits, same order (ties of committer time
//! included), same metadata (through a mailmap too), whatever odd shape a commit has.

use std::collections::BTreeMap;

use git2::{ObjectType, Oid, Repository};
use vitrine::git::{Change, HistoryIndex, Repo};

/// A new repository in a temporary folder, with an empty site root `status/`.
fn site_repo() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    std::fs::create_dir_all(dir.path().join("status")).unwrap();
    (dir, repo)
}

/// Writes a commit object exactly as given.
fn raw_commit(repo: &Repository, tree: Oid, parents: &[Oid], headers: &str, msg: &[u8]) -> Oid {
    let mut body = format!("tree {tree}\n");
    for p in parents {
        body.push_str(&format!("parent {p}\n"));
    }
    let mut bytes = body.into_bytes();
    bytes.extend_from_slice(headers.as_bytes());
    bytes.extend_from_slice(b"\n");
    bytes.extend_from_slice(msg);
    repo.odb()
        .unwrap()
        .write(ObjectType::Commit, &bytes)
        .unwrap()
}

/// A tree with `status/<name>` files and a top-level README.
fn tree(repo: &Repository, files: &[(&str, &str)], readme: &str) -> Oid {
    let mut site = repo.treebuilder(None).unwrap();
    for (name, text) in files {
        let blob = repo.blob(text.as_bytes()).unwrap();
        site.insert(name, blob, 0o100644).unwrap();
    }
    let site = site.write().unwrap();
    let mut top = repo.treebuilder(None).unwrap();
    top.insert("status", site, 0o040000).unwrap();
    top.insert("README", repo.blob(readme.as_bytes()).unwrap(), 0o100644)
        .unwrap();
    top.write().unwrap()
}

fn sig(who: &str, time: i64, tz: &str) -> String {
    format!("author {who} {time} {tz}\ncommitter {who} {time} {tz}\n")
}

fn index_of(dir: &std::path::Path) -> HistoryIndex {
    let repo = Repo::discover(&dir.join("status")).unwrap();
    let rev = repo.resolve("HEAD").unwrap();
    repo.history(&rev, false).unwrap().0
}

/// What libgit2's own walk and parser say: (id, author, email, time, offset, message,
/// parents) in `Sort::TIME` order made topological (see [`date_ordered`]).
type Row = (String, String, String, i64, i32, String, Vec<String>);

/// Rows in libgit2's time order, reordered as `git log --date-order` does: again and
/// again, the first row whose children are all out (a parent never before its child).
fn date_ordered(mut rows: Vec<Row>) -> Vec<Row> {
    let mut out = Vec::with_capacity(rows.len());
    while !rows.is_empty() {
        let free = (0..rows.len())
            .find(|i| !rows.iter().any(|r| r.6.contains(&rows[*i].0)))
            .expect("a history has no cycles");
        out.push(rows.remove(free));
    }
    out
}

fn oracle(dir: &std::path::Path) -> Vec<Row> {
    let repo = Repository::open(dir).unwrap();
    let mailmap = repo.mailmap().unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.set_sorting(git2::Sort::TIME).unwrap();
    walk.push_head().unwrap();
    date_ordered(
        walk.map(|id| {
            let c = repo.find_commit(id.unwrap()).unwrap();
            let raw = c.author();
            let a = mailmap.resolve_signature(&raw).unwrap_or(raw);
            (
                c.id().to_string(),
                String::from_utf8_lossy(a.name_bytes()).into_owned(),
                String::from_utf8_lossy(a.email_bytes()).into_owned(),
                a.when().seconds(),
                a.when().offset_minutes() * 60,
                String::from_utf8_lossy(c.message_bytes()).into_owned(),
                c.parent_ids().map(|p| p.to_string()).collect(),
            )
        })
        .collect(),
    )
}

fn rows(idx: &HistoryIndex) -> Vec<Row> {
    idx.commits
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                c.author.clone(),
                c.email.clone(),
                c.time,
                c.offset_seconds,
                c.message.clone(),
                c.parents.clone(),
            )
        })
        .collect()
}

fn head_at(repo: &Repository, id: Oid) {
    repo.reference("refs/heads/main", id, true, "test").unwrap();
    repo.set_head("refs/heads/main").unwrap();
}

#[test]
fn the_walk_reads_odd_commits_merges_and_a_mailmap_as_libgit2_does() {
    let (dir, repo) = site_repo();
    let two = [("a.md", "one\n"), ("b.md", "bee\nbee\n")];
    let c0 = raw_commit(
        &repo,
        tree(&repo, &two, "r0"),
        &[],
        &sig("Ann <ann@x.org>", 1000, "+0800"),
        b"root\n",
    );
    let edited = [("a.md", "two\n"), ("b.md", "bee\nbee\n")];
    let c1 = raw_commit(
        &repo,
        tree(&repo, &edited, "r0"),
        &[c0],
        // Crud around the name and email, as libgit2 trims it.
        &sig(" \"Ann, Lee\" <<ann@x.org>>", 2000, "-0530"),
        b"\n\nfix: edit a (leading newlines)\n",
    );
    let c2 = raw_commit(
        &repo,
        tree(&repo, &edited, "r1"),
        &[c1],
        &sig("Bob <bob@x.org>", 3000, "+0000"),
        b"outside the site root\n",
    );
    let renamed = [("a.md", "two\n"), ("c.md", "bee\nbee\n")];
    let b1 = raw_commit(
        &repo,
        tree(&repo, &renamed, "r0"),
        &[c1],
        &sig("Cy <cy@x.org>", 3000, "+0100"),
        b"rename b to c on a branch\n",
    );
    let m1 = raw_commit(
        &repo,
        tree(&repo, &renamed, "r1"),
        &[c2, b1],
        &sig("Bob <bob@x.org>", 3000, "+0000"),
        b"Merge branch\n",
    );
    let u0 = raw_commit(
        &repo,
        tree(&repo, &[("x.md", "ex\n")], "other"),
        &[],
        &sig("Dee <dee@x.org>", 2500, "+0200"),
        b"unrelated root\n",
    );
    let all = [("a.md", "two\n"), ("c.md", "bee\nbee\n"), ("x.md", "ex\n")];
    let m2 = raw_commit(
        &repo,
        tree(&repo, &all, "r1"),
        &[m1, u0],
        &sig("Bob <bob@x.org>", 4000, "+0000"),
        b"Merge unrelated history\n",
    );
    // No timezone; a message that is not UTF-8.
    let c3 = raw_commit(
        &repo,
        tree(&repo, &all, "r2"),
        &[m2],
        "author Eve <eve@x.org> 4500\ncommitter Eve <eve@x.org> 4500\n",
        b"caf\xe9\n",
    );
    // Extra headers, an out-of-range timezone, a tie of committer time.
    let c4 = raw_commit(
        &repo,
        tree(&repo, &all, "r3"),
        &[c3],
        "author Fay <fay@x.org> 4400 +1500\ncommitter Fay <fay@x.org> 4500 +0000\nencoding ISO-8859-1\ngpgsig -----BEGIN-----\n line\n -----END-----\n",
        b"signed\n",
    );
    // Two author lines, a NUL in the message, uppercase parent hex, a name with `<`.
    let c5 = {
        let t = tree(&repo, &all, "r4");
        let headers = "author Gil <g <gil@x.org> 4600 +0000\nauthor Other <o@x.org> 1 +0000\ncommitter Gil <gil@x.org> 4600 +0000\n";
        let text = format!(
            "tree {t}\nparent {}\n{headers}\nbefore\0after\n",
            c4.to_string().to_uppercase()
        );
        repo.odb()
            .unwrap()
            .write(ObjectType::Commit, text.as_bytes())
            .unwrap()
    };
    let c6 = raw_commit(
        &repo,
        tree(&repo, &all, "r4"),
        &[c5],
        "author Hal <hal@x.org>  4700 +0000\ncommitter Hal <hal@x.org> 4700 +0000\n",
        b"two spaces before the time\n",
    );
    head_at(&repo, c6);

    // Without a mailmap, then with one.
    let idx = index_of(dir.path());
    assert_eq!(rows(&idx), oracle(dir.path()));
    std::fs::write(
        dir.path().join(".mailmap"),
        "Ann Canonical <ann@canonical.org> <ann@x.org>\nGil Real <gil@real.org> <gil@x.org>\n",
    )
    .unwrap();
    let mapped = index_of(dir.path());
    assert_eq!(rows(&mapped), oracle(dir.path()));
    assert!(mapped.commits.iter().any(|c| c.author == "Ann Canonical"));

    // And the events, commit by commit.
    let events = |path: &str| -> Vec<(String, Change, Option<String>)> {
        idx.files[path]
            .iter()
            .map(|e| (idx.commit(e).id.clone(), e.change, e.from.clone()))
            .collect()
    };
    let s = |o: Oid| o.to_string();
    assert_eq!(
        events("a.md"),
        [
            (s(c1), Change::Modified, None),
            (s(c0), Change::Added, None)
        ]
    );
    assert_eq!(
        events("b.md"),
        [(s(b1), Change::Deleted, None), (s(c0), Change::Added, None)]
    );
    assert_eq!(
        events("c.md"),
        [(s(b1), Change::Added, Some("b.md".to_string()))]
    );
    assert_eq!(events("x.md"), [(s(u0), Change::Added, None)]);
    assert_eq!(idx.files.len(), 4);

    // The same history from a pack file (as a clone or `git gc` leaves it), which vitrine
    // reads without libgit2: the same commits in the same order, the same events.
    let events = |i: &HistoryIndex| format!("{:?}", i.files.iter().collect::<BTreeMap<_, _>>());
    let unpacked = (rows(&mapped), events(&mapped));
    pack_everything(&repo, dir.path());
    let packed = index_of(dir.path());
    assert_eq!(rows(&packed), unpacked.0);
    assert_eq!(events(&packed), unpacked.1);
}

/// Moves every object of `repo` into one pack file, deltas included, and removes the
/// loose copies.
fn pack_everything(repo: &Repository, dir: &std::path::Path) {
    let mut pb = repo.packbuilder().unwrap();
    let odb = repo.odb().unwrap();
    odb.foreach(|id| {
        pb.insert_object(*id, None).unwrap();
        true
    })
    .unwrap();
    let objects = dir.join(".git/objects");
    pb.write(&objects.join("pack"), 0o644).unwrap();
    for e in std::fs::read_dir(&objects).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.len() == 2 && name.chars().all(|c| c.is_ascii_hexdigit()) {
            std::fs::remove_dir_all(e.path()).unwrap();
        }
    }
    assert!(
        std::fs::read_dir(objects.join("pack"))
            .unwrap()
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "pack"))
    );
}

#[test]
fn commits_with_equal_times_come_in_libgit2s_order_never_before_a_child() {
    let (dir, repo) = site_repo();
    // A tangle of branches, merges and new roots whose committer times repeat and go
    // backwards, as clock skew and rebases leave them.
    let mut ids: Vec<Oid> = Vec::new();
    let mut is_parent = Vec::new();
    let mut seed = 7u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for i in 0..120usize {
        let mut parents = Vec::new();
        if i > 0 && next(10) != 0 {
            parents.push(i - 1 - next(i.min(6) as u64) as usize);
            if next(4) == 0 {
                let other = next(i as u64) as usize;
                if !parents.contains(&other) {
                    parents.push(other);
                }
            }
        }
        let time = 1000 + (next(6) as i64) * 100;
        let files = [("n.md", format!("{}\n", next(3)))];
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let parent_ids: Vec<Oid> = parents.iter().map(|p| ids[*p]).collect();
        for p in &parents {
            is_parent[*p] = true;
        }
        ids.push(raw_commit(
            &repo,
            tree(&repo, &files, &format!("r{i}")),
            &parent_ids,
            &sig("Ann <ann@x.org>", time, "+0000"),
            format!("commit {i}\n").as_bytes(),
        ));
        is_parent.push(false);
    }
    let tips: Vec<Oid> = ids
        .iter()
        .zip(&is_parent)
        .filter(|(_, p)| !**p)
        .map(|(id, _)| *id)
        .collect();
    let top = raw_commit(
        &repo,
        tree(&repo, &[("n.md", "end\n")], "end"),
        &tips,
        &sig("Ann <ann@x.org>", 1200, "+0000"),
        b"octopus\n",
    );
    head_at(&repo, top);
    let idx = index_of(dir.path());
    assert_eq!(idx.commits.len(), 121);
    assert_eq!(rows(&idx), oracle(dir.path()));
}

/// The example project's whole history (renames, internal notes, incidents, releases),
/// built from loose objects and again from one pack with deltas (as a clone or `git gc`
/// leaves a repository, read without libgit2): every file of the site is the same, for
/// the client and for the team.
#[test]
fn the_example_builds_the_same_from_a_pack_as_from_loose_objects() {
    use crate::support::{all_files, run, stderr};
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = run(&["demo", demo.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let build = |to: &str, internal: bool| {
        let to = dir.path().join(to);
        let mut args = vec![
            "-C",
            "status",
            "build",
            "--no-cache",
            "-o",
            to.to_str().unwrap(),
        ];
        if internal {
            args.push("--internal");
        }
        let out = run(&args, &demo);
        assert!(out.status.success(), "{}", stderr(&out));
        all_files(&to)
    };
    let loose = (build("loose", false), build("loose-internal", true));
    let repo = Repository::open(&demo).unwrap();
    pack_everything(&repo, &demo);
    let packed = (build("packed", false), build("packed-internal", true));
    assert!(loose.0.len() > 50, "{} files", loose.0.len());
    assert_eq!(packed, loose);
}

/// A file's events as (commit id, change).
fn events_of(idx: &HistoryIndex, path: &str) -> Vec<(String, Change)> {
    idx.files
        .get(path)
        .map(|es| {
            es.iter()
                .map(|e| (idx.commits[e.commit as usize].id.clone(), e.change))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn history_is_simplified_for_the_site_root_as_git_log_does() {
    let (dir, repo) = site_repo();
    let one = [("a.md", "one\n")];
    let root = tree(&repo, &one, "r0");
    let c0 = raw_commit(
        &repo,
        root,
        &[],
        &sig("A <a@x.org>", 1000, "+0000"),
        b"root\n",
    );
    // Main changes only what is outside the site root; a branch adds a file that the merge
    // leaves out (its site root is main's): git log -- status never reaches the branch.
    let m1_tree = tree(&repo, &one, "r1");
    let m1 = raw_commit(
        &repo,
        m1_tree,
        &[c0],
        &sig("A <a@x.org>", 2000, "+0000"),
        b"docs\n",
    );
    let with_gone = [("a.md", "one\n"), ("gone.md", "dropped\n")];
    let s1 = raw_commit(
        &repo,
        tree(&repo, &with_gone, "r0"),
        &[c0],
        &sig("B <b@x.org>", 1500, "+0000"),
        b"add gone\n",
    );
    let m = raw_commit(
        &repo,
        m1_tree,
        &[m1, s1],
        &sig("A <a@x.org>", 3000, "+0000"),
        b"Merge\n",
    );
    // Then a merge that takes the branch's site root (main changed only the README): the
    // walk follows the branch, the second parent, alone.
    let two = [("a.md", "two\n")];
    let s2_tree = tree(&repo, &two, "r1");
    let s2 = raw_commit(
        &repo,
        s2_tree,
        &[m],
        &sig("B <b@x.org>", 3500, "+0000"),
        b"edit a\n",
    );
    let m3 = raw_commit(
        &repo,
        tree(&repo, &one, "r2"),
        &[m],
        &sig("A <a@x.org>", 3600, "+0000"),
        b"docs again\n",
    );
    let tip_tree = tree(&repo, &two, "r2");
    let tip = raw_commit(
        &repo,
        tip_tree,
        &[m3, s2],
        &sig("A <a@x.org>", 4000, "+0000"),
        b"Merge 2\n",
    );
    head_at(&repo, tip);

    let idx = index_of(dir.path());
    let s = |id: Oid| id.to_string();
    assert_eq!(
        idx.commits.len(),
        7,
        "every commit is kept for the changelog"
    );
    assert_eq!(
        events_of(&idx, "a.md"),
        [(s(s2), Change::Modified), (s(c0), Change::Added)]
    );
    assert!(
        !idx.files.contains_key("gone.md"),
        "a branch whose site root the merge left out is not walked: {:?}",
        events_of(&idx, "gone.md")
    );
}

#[test]
fn a_parent_met_before_its_child_on_the_walk_is_still_read() {
    let (dir, repo) = site_repo();
    let z = raw_commit(
        &repo,
        tree(&repo, &[("z.md", "one\n")], "r0"),
        &[],
        &sig("A <a@x.org>", 800, "+0000"),
        b"root\n",
    );
    // `c` was committed by a clock that was behind: the walk (newest first) meets `z`
    // through `u`, which the simplified history leaves out, before it meets `c`.
    let c_tree = tree(&repo, &[("z.md", "two\n")], "r0");
    let c = raw_commit(
        &repo,
        c_tree,
        &[z],
        &sig("B <b@x.org>", 100, "+0000"),
        b"edit\n",
    );
    let u = raw_commit(
        &repo,
        tree(&repo, &[("z.md", "one\n")], "r1"),
        &[z],
        &sig("A <a@x.org>", 900, "+0000"),
        b"docs\n",
    );
    let m = raw_commit(
        &repo,
        c_tree,
        &[c, u],
        &sig("A <a@x.org>", 1000, "+0000"),
        b"Merge\n",
    );
    head_at(&repo, m);
    let idx = index_of(dir.path());
    let order: Vec<&str> = idx.commits.iter().map(|c| c.message.trim()).collect();
    assert_eq!(order, ["Merge", "docs", "edit", "root"], "the walk's order");
    // Events come in the walk's order, the child before its parent though it is older.
    assert_eq!(
        events_of(&idx, "z.md"),
        [
            (c.to_string(), Change::Modified),
            (z.to_string(), Change::Added)
        ]
    );
}

#[test]
fn a_cached_history_is_extended_as_a_whole_walk_would_when_a_merge_follows_an_older_branch() {
    let (dir, repo) = site_repo();
    let x = raw_commit(
        &repo,
        tree(&repo, &[("a.md", "one\n")], "r0"),
        &[],
        &sig("A <a@x.org>", 1000, "+0000"),
        b"root\n",
    );
    let both = [("a.md", "one\n"), ("main.md", "only on main\n")];
    let t = raw_commit(
        &repo,
        tree(&repo, &both, "r0"),
        &[x],
        &sig("A <a@x.org>", 2000, "+0000"),
        b"main\n",
    );
    head_at(&repo, t);
    let site = Repo::discover(&dir.path().join("status")).unwrap();
    let rev = site.resolve("HEAD").unwrap();
    let (cached, _) = site.history(&rev, true).unwrap();
    assert_eq!(events_of(&cached, "main.md").len(), 1);

    // A branch from before `t` edits a.md; the merge takes the branch's site root whole
    // (main.md is dropped): the walk follows both parents, and main.md's history goes on
    // through the branch alone, where it never was.
    let b_tree = tree(&repo, &[("a.md", "two\n")], "r0");
    let b = raw_commit(
        &repo,
        b_tree,
        &[x],
        &sig("B <b@x.org>", 1500, "+0000"),
        b"edit a\n",
    );
    let m = raw_commit(
        &repo,
        b_tree,
        &[t, b],
        &sig("A <a@x.org>", 3000, "+0000"),
        b"Merge\n",
    );
    head_at(&repo, m);
    let site = Repo::discover(&dir.path().join("status")).unwrap();
    let rev = site.resolve("HEAD").unwrap();
    let (warm, walked) = warm_history(&site, &rev);
    assert_eq!(
        walked, 0,
        "the cache is extended, not the whole history walked"
    );
    let (cold, _) = site.history(&rev, false).unwrap();
    assert_eq!(rows(&warm), rows(&cold));
    assert_eq!(files(&warm), files(&cold));
    assert!(cold.events("main.md").is_empty());
    assert_eq!(
        events_of(&cold, "a.md"),
        [
            (b.to_string(), Change::Modified),
            (x.to_string(), Change::Added)
        ]
    );
}

/// A history built with the cache, and how many commits a walk of the whole history read
/// (none when the cache was extended).
fn warm_history(site: &Repo, rev: &vitrine::git::Revision) -> (HistoryIndex, u64) {
    let walked = std::cell::Cell::new(0);
    let (idx, _) = site
        .history_with(rev, true, &|n| walked.set(walked.get().max(n + 1)))
        .unwrap();
    (idx, walked.get())
}

/// Every file's events, and the merges where its history leaves the first-parent line.
fn files(i: &HistoryIndex) -> String {
    format!(
        "{:?} {:?}",
        i.files.iter().collect::<BTreeMap<_, _>>(),
        i.took.iter().collect::<BTreeMap<_, _>>()
    )
}

#[test]
fn a_cached_history_is_walked_again_when_new_commits_reach_a_branch_it_left_out() {
    let (dir, repo) = site_repo();
    let one = [("a.md", "one\n")];
    let x = raw_commit(
        &repo,
        tree(&repo, &one, "r0"),
        &[],
        &sig("A <a@x.org>", 1000, "+0000"),
        b"root\n",
    );
    // A branch adds s.md; the merge leaves it out, so the cached walk never compares it.
    let with_s = [("a.md", "one\n"), ("s.md", "side\n")];
    let s_tree = tree(&repo, &with_s, "r0");
    let side = raw_commit(
        &repo,
        s_tree,
        &[x],
        &sig("B <b@x.org>", 1500, "+0000"),
        b"add s\n",
    );
    let main_tree = tree(&repo, &one, "r1");
    let m1 = raw_commit(
        &repo,
        main_tree,
        &[x],
        &sig("A <a@x.org>", 2000, "+0000"),
        b"docs\n",
    );
    let t = raw_commit(
        &repo,
        main_tree,
        &[m1, side],
        &sig("A <a@x.org>", 2500, "+0000"),
        b"Merge, without s\n",
    );
    head_at(&repo, t);
    let site = Repo::discover(&dir.path().join("status")).unwrap();
    let (cached, _) = site.history(&site.resolve("HEAD").unwrap(), true).unwrap();
    assert!(!cached.files.contains_key("s.md"));

    // The branch goes on and is merged again, this time whole: the new walk reaches the
    // branch's commit, whose changes the cache never held.
    let both = [("a.md", "two\n"), ("s.md", "side\n")];
    let b_tree = tree(&repo, &both, "r0");
    let b = raw_commit(
        &repo,
        b_tree,
        &[side],
        &sig("B <b@x.org>", 3000, "+0000"),
        b"edit a\n",
    );
    let n = raw_commit(
        &repo,
        b_tree,
        &[t, b],
        &sig("A <a@x.org>", 4000, "+0000"),
        b"Merge b\n",
    );
    head_at(&repo, n);
    let site = Repo::discover(&dir.path().join("status")).unwrap();
    let rev = site.resolve("HEAD").unwrap();
    let (warm, walked) = warm_history(&site, &rev);
    assert!(walked > 0, "the whole history is walked again");
    let (cold, _) = site.history(&rev, false).unwrap();
    assert_eq!(rows(&warm), rows(&cold));
    assert_eq!(files(&warm), files(&cold));
    assert_eq!(
        events_of(&cold, "s.md"),
        [(side.to_string(), Change::Added)]
    );
}

/// `VITRINE_WALKCHECK=/path/to/work/tree/sub/folder cargo test --release walkcheck --
/// --ignored`: on a real repository (git on the PATH), the history of each file now under
/// the folder (up to `VITRINE_WALKCHECK_FILES`, default 60, spread over them) is the list
/// `git log --no-merges -- <file>` gives: the same commits, as git's history
/// simplification for that file finds them (merges aside: git lists those whose version
/// differs from each parent, the index those that differ from every parent), every life of
/// the path, renames not followed.
#[test]
#[ignore]
fn walkcheck() {
    let folder =
        std::path::PathBuf::from(std::env::var("VITRINE_WALKCHECK").expect("VITRINE_WALKCHECK"));
    let most: usize = std::env::var("VITRINE_WALKCHECK_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(60);
    let repo = Repo::discover(&folder).unwrap();
    let rev = repo.resolve("HEAD").unwrap();
    let idx = repo.history(&rev, false).unwrap().0;
    let listed = std::process::Command::new("git")
        .args(["ls-tree", "-r", "--name-only", "--full-name", "HEAD", "."])
        .current_dir(&folder)
        .output()
        .unwrap();
    let all: Vec<String> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let step = all.len().div_ceil(most).max(1);
    let prefix = repo.prefix().to_string();
    let (mut checked, mut differ) = (0, Vec::new());
    for file in all.iter().step_by(step) {
        let in_repo = file.clone();
        let path = match prefix.is_empty() {
            true => in_repo.clone(),
            false => (in_repo.strip_prefix(&format!("{prefix}/")))
                .unwrap_or_else(|| panic!("{in_repo} is not under {prefix}"))
                .to_string(),
        };
        let mut ours: Vec<String> = (idx.events_at(&path).iter())
            .map(|e| &idx.commits[e.commit as usize])
            .filter(|c| c.parents.len() < 2)
            .map(|c| c.id.clone())
            .collect();
        let out = std::process::Command::new("git")
            .args([
                "log",
                "--no-merges",
                "--format=%H",
                "--",
                &format!(":/{in_repo}"),
            ])
            .current_dir(&folder)
            .output()
            .unwrap();
        let mut git: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        ours.sort();
        git.sort();
        checked += 1;
        if ours != git {
            differ.push((path, ours.len(), git.len()));
        }
    }
    eprintln!(
        "{} commits; {checked} files checked, {} differ: {:?}",
        idx.commits.len(),
        differ.len(),
        &differ[..differ.len().min(5)]
    );
    assert!(differ.is_empty());
}

#[test]
fn extending_a_cache_finds_what_a_whole_walk_finds_in_a_tangle_of_merges() {
    let (dir, repo) = site_repo();
    let mut seed = 11u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    // (id, tree) of each commit; merges often take one side's tree whole (TREESAME to it),
    // commits often change only what is outside the site root.
    let mut commits: Vec<(Oid, Oid)> = Vec::new();
    let mut is_parent = Vec::new();
    for i in 0..90usize {
        let mut parents = Vec::new();
        if i > 0 {
            parents.push(i - 1 - next(i.min(5) as u64) as usize);
            if next(3) == 0 {
                let other = next(i as u64) as usize;
                if !parents.contains(&other) {
                    parents.push(other);
                }
            }
        }
        let tree_id = match (parents.len(), next(3)) {
            (2, 0) => commits[parents[0]].1,
            (2, 1) => commits[parents[1]].1,
            (1, 0) => {
                // The parent's site root, another README.
                let site = repo
                    .find_tree(commits[parents[0]].1)
                    .unwrap()
                    .get_name("status")
                    .unwrap()
                    .id();
                let mut top = repo.treebuilder(None).unwrap();
                top.insert("status", site, 0o040000).unwrap();
                let readme = repo.blob(format!("r{i}").as_bytes()).unwrap();
                top.insert("README", readme, 0o100644).unwrap();
                top.write().unwrap()
            }
            _ => {
                let a = format!("{}\n", next(4));
                let b = format!("{}\n", next(4));
                let mut files = vec![("a.md", a.as_str())];
                if next(2) == 0 {
                    files.push(("b.md", b.as_str()));
                }
                tree(&repo, &files, &format!("r{i}"))
            }
        };
        let parent_ids: Vec<Oid> = parents.iter().map(|p| commits[*p].0).collect();
        for p in &parents {
            is_parent[*p] = true;
        }
        let time = 1000 + i as i64 * 10 - (next(4) as i64) * 15;
        let id = raw_commit(
            &repo,
            tree_id,
            &parent_ids,
            &sig("Ann <ann@x.org>", time, "+0000"),
            format!("commit {i}\n").as_bytes(),
        );
        commits.push((id, tree_id));
        is_parent.push(false);
    }
    let tips: Vec<Oid> = (commits.iter().zip(&is_parent))
        .filter(|(_, p)| !**p)
        .map(|(c, _)| c.0)
        .collect();
    let top = raw_commit(
        &repo,
        commits[89].1,
        &tips,
        &sig("Ann <ann@x.org>", 5000, "+0000"),
        b"octopus\n",
    );
    // Events by path as sets (commit id, change, blob, rename source), for a readable
    // failure, then in order.
    let events = |i: &HistoryIndex| {
        let mut out: Vec<(String, String, String, String, String)> = Vec::new();
        for (path, es) in &i.files {
            for e in es {
                let id = i.commits[e.commit as usize].id.clone();
                let from = e.from.clone().unwrap_or_default();
                out.push((
                    path.clone(),
                    id,
                    format!("{:?}", e.change),
                    e.blob.clone(),
                    from,
                ));
            }
        }
        out.sort();
        out
    };
    let site_at = |id: Oid| {
        head_at(&repo, id);
        Repo::discover(&dir.path().join("status")).unwrap()
    };
    let cold = {
        let site = site_at(top);
        site.history(&site.resolve("HEAD").unwrap(), false)
            .unwrap()
            .0
    };
    let (mut extended, mut rewalked) = (0, 0);
    for cut in (5..90).step_by(7) {
        let _ = std::fs::remove_dir_all(dir.path().join(".git").join("vitrine"));
        let site = site_at(commits[cut].0);
        site.history(&site.resolve("HEAD").unwrap(), true).unwrap();
        let site = site_at(top);
        let (warm, walked) = warm_history(&site, &site.resolve("HEAD").unwrap());
        if walked == 0 {
            extended += 1;
        } else {
            rewalked += 1;
        }
        assert_eq!(events(&warm), events(&cold), "cache at commit {cut}");
        // The same order too: commits, and each file's events.
        assert_eq!(rows(&warm), rows(&cold), "cache at commit {cut}");
        assert_eq!(files(&warm), files(&cold), "cache at commit {cut}");
    }
    eprintln!("{extended} caches extended, {rewalked} walked again");
    assert!(
        extended > 0,
        "some caches are extended ({rewalked} walked again)"
    );
}

/// A first commit (a.md, by A at `time`) at HEAD, with its history cached.
fn cached_first_commit(repo: &Repository, dir: &std::path::Path, time: i64) -> Oid {
    let c1 = raw_commit(
        repo,
        tree(repo, &[("a.md", "one\n")], "r0"),
        &[],
        &sig("A <a@x.org>", time, "+0000"),
        b"one\n",
    );
    head_at(repo, c1);
    let site = Repo::discover(&dir.join("status")).unwrap();
    site.history(&site.resolve("HEAD").unwrap(), true).unwrap();
    c1
}

#[test]
fn a_rebased_commit_comes_first_in_an_extended_cache_as_in_a_whole_walk() {
    let (dir, repo) = site_repo();
    let c1 = cached_first_commit(&repo, dir.path(), 2000);
    // Rebased: written before the commit it now follows, committed after it.
    let c2 = raw_commit(
        &repo,
        tree(&repo, &[("a.md", "two\n")], "r0"),
        &[c1],
        "author B <b@x.org> 1000 +0000\ncommitter B <b@x.org> 3000 +0000\n",
        b"two\n",
    );
    head_at(&repo, c2);
    let site = Repo::discover(&dir.path().join("status")).unwrap();
    let rev = site.resolve("HEAD").unwrap();
    let (warm, walked) = warm_history(&site, &rev);
    assert_eq!(walked, 0);
    let (cold, _) = site.history(&rev, false).unwrap();
    assert_eq!(
        rows(&cold)[0].0,
        c2.to_string(),
        "libgit2 walks by commit time"
    );
    assert_eq!(rows(&warm), rows(&cold));
    assert_eq!(files(&warm), files(&cold));
}

/// The history cache is not used once what it was made from besides the commits has
/// changed: a mailmap added to the work tree, a shallow clone deepened.
#[test]
fn a_cache_made_with_another_mailmap_or_shallow_boundary_is_not_used() {
    let (dir, repo) = site_repo();
    let c0 = raw_commit(
        &repo,
        tree(&repo, &[("a.md", "one\n")], "r0"),
        &[],
        &sig("Bob <bob@x.org>", 1000, "+0000"),
        b"one\n",
    );
    let c1 = raw_commit(
        &repo,
        tree(&repo, &[("a.md", "two\n")], "r0"),
        &[c0],
        &sig("Ann <ann@x.org>", 2000, "+0000"),
        b"two\n",
    );
    let c2 = raw_commit(
        &repo,
        tree(&repo, &[("a.md", "two\n"), ("b.md", "b\n")], "r0"),
        &[c1],
        &sig("Ann <ann@x.org>", 3000, "+0000"),
        b"three\n",
    );
    head_at(&repo, c2);
    let build = |cache: bool| {
        let site = Repo::discover(&dir.path().join("status")).unwrap();
        site.history(&site.resolve("HEAD").unwrap(), cache)
            .unwrap()
            .0
    };
    build(true);
    std::fs::write(
        dir.path().join(".mailmap"),
        "Robert <bob@x.org> Bob <bob@x.org>\n",
    )
    .unwrap();
    let warm = build(true);
    assert_eq!(rows(&warm), rows(&build(false)));
    assert_eq!(warm.commits[2].author, "Robert");
    // A mailmap named in the configuration, changed outside the repository.
    let other = dir.path().join("other.mailmap");
    std::fs::write(&other, "Bobby <bob@x.org> Bob <bob@x.org>\n").unwrap();
    std::fs::remove_file(dir.path().join(".mailmap")).unwrap();
    (repo.config().unwrap())
        .set_str("mailmap.file", other.to_str().unwrap())
        .unwrap();
    assert_eq!(build(true).commits[2].author, "Bobby");
    std::fs::write(&other, "Roberto <bob@x.org> Bob <bob@x.org>\n").unwrap();
    let warm = build(true);
    assert_eq!(warm.commits[2].author, "Roberto");
    assert_eq!(rows(&warm), rows(&build(false)));
    (repo.config().unwrap()).remove("mailmap.file").unwrap();

    // Shallow at c1, then deepened: the whole history again.
    std::fs::write(dir.path().join(".git").join("shallow"), format!("{c1}\n")).unwrap();
    let shallow = build(true);
    assert!(shallow.shallow);
    assert_eq!(shallow.commits.len(), 2);
    std::fs::remove_file(dir.path().join(".git").join("shallow")).unwrap();
    let deepened = build(true);
    assert!(!deepened.shallow);
    assert_eq!(rows(&deepened), rows(&build(false)));
    assert_eq!(files(&deepened), files(&build(false)));
    assert_eq!(events_of(&deepened, "a.md").len(), 2);
}

/// A series of commits made in the same second (as `git rebase` writes them) or by a
/// clock that went backwards: a file's versions come child first, so it was created by
/// the first commit of the series and last changed by the last, its authors in order.
#[test]
fn a_file_made_by_commits_of_one_second_or_a_clock_gone_back_has_its_versions_in_order() {
    let (dir, repo) = site_repo();
    let mut parent: Vec<Oid> = Vec::new();
    let mut ids = Vec::new();
    for i in 0..6 {
        let headers = format!(
            "author U{i} <u{i}@x.org> {} +0000\ncommitter C <c@x.org> 5000 +0000\n",
            1000 + i * 100
        );
        let text = format!("v{i}\n");
        let id = raw_commit(
            &repo,
            tree(&repo, &[("a.md", &text)], "r0"),
            &parent,
            &headers,
            format!("v{i}\n").as_bytes(),
        );
        parent = vec![id];
        ids.push(id);
    }
    // Then one committed by a clock an hour behind its parent's.
    let late = raw_commit(
        &repo,
        tree(&repo, &[("a.md", "v6\n")], "r0"),
        &parent,
        &sig("U6 <u6@x.org>", 1400, "+0000"),
        b"v6\n",
    );
    ids.push(late);
    head_at(&repo, late);
    let idx = index_of(dir.path());
    let newest_first: Vec<String> = ids.iter().rev().map(Oid::to_string).collect();
    let events: Vec<String> = events_of(&idx, "a.md").into_iter().map(|e| e.0).collect();
    assert_eq!(events, newest_first);
    assert_eq!(idx.created("a.md").unwrap().author, "U0");
    assert_eq!(idx.updated("a.md").unwrap().author, "U6");
    assert_eq!(
        idx.authors("a.md"),
        ["U0", "U1", "U2", "U3", "U4", "U5", "U6"]
    );
}

/// New commits all newer than the cached ones, but one committed by a clock behind its
/// parent's: an extended cache puts the child first, as a whole walk does.
#[test]
fn new_commits_from_a_clock_gone_back_are_ordered_in_an_extended_cache_as_in_a_whole_walk() {
    let (dir, repo) = site_repo();
    let c1 = cached_first_commit(&repo, dir.path(), 1000);
    let c2 = raw_commit(
        &repo,
        tree(&repo, &[("a.md", "two\n")], "r0"),
        &[c1],
        &sig("B <b@x.org>", 3000, "+0000"),
        b"two\n",
    );
    let c3 = raw_commit(
        &repo,
        tree(&repo, &[("a.md", "three\n")], "r0"),
        &[c2],
        &sig("C <c@x.org>", 2000, "+0000"),
        b"three\n",
    );
    head_at(&repo, c3);
    let site = Repo::discover(&dir.path().join("status")).unwrap();
    let rev = site.resolve("HEAD").unwrap();
    let (warm, walked) = warm_history(&site, &rev);
    assert_eq!(walked, 0, "the cache was extended");
    let (cold, _) = site.history(&rev, false).unwrap();
    let ids: Vec<String> = [c3, c2, c1].iter().map(Oid::to_string).collect();
    assert_eq!(
        rows(&cold).into_iter().map(|r| r.0).collect::<Vec<_>>(),
        ids
    );
    assert_eq!(rows(&warm), rows(&cold));
    assert_eq!(files(&warm), files(&cold));
    assert_eq!(warm.updated("a.md").unwrap().author, "C");
}

/// A tree of `status/<path>` files (paths may name folders) and a top-level README.
fn nested(repo: &Repository, files: &[(&str, &str)], readme: &str) -> Oid {
    fn folder(repo: &Repository, files: &[(&str, &str)]) -> Oid {
        let mut b = repo.treebuilder(None).unwrap();
        let mut subs: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        for (path, text) in files {
            match path.split_once('/') {
                Some((dir, rest)) => subs.entry(dir).or_default().push((rest, text)),
                None => {
                    let blob = repo.blob(text.as_bytes()).unwrap();
                    b.insert(path, blob, 0o100644).unwrap();
                }
            }
        }
        for (dir, inner) in subs {
            b.insert(dir, folder(repo, &inner), 0o040000).unwrap();
        }
        b.write().unwrap()
    }
    let mut all: Vec<(String, &str)> = files
        .iter()
        .map(|(p, t)| (format!("status/{p}"), *t))
        .collect();
    all.push(("README".into(), readme));
    let all: Vec<(&str, &str)> = all.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    folder(repo, &all)
}

fn blob_of(text: &str) -> String {
    Oid::hash_object(ObjectType::Blob, text.as_bytes())
        .unwrap()
        .to_string()
}

/// A note whose body is `body`.
fn note(body: &str) -> String {
    format!("---\ntitle: Note\n---\n{body}")
}

/// The commits of a note's versions, oldest first, when its body now is `now`.
fn life(idx: &HistoryIndex, path: &str, now: &str) -> Vec<String> {
    let now = blob_of(&note(now));
    (idx.versions_now(path, Some(&now)).iter())
        .map(|e| idx.commit(e).id.clone())
        .collect()
}

/// A commit of a site with `vitrine.toml` and these notes (path, body) by `who` at `t`.
fn notes_commit(
    repo: &Repository,
    files: &[(&str, &str)],
    parents: &[Oid],
    who: &str,
    t: i64,
    msg: &str,
) -> Oid {
    let notes: Vec<(&str, String)> = files.iter().map(|(p, t)| (*p, note(t))).collect();
    let mut all = vec![("vitrine.toml", "title = \"T\"\n")];
    all.extend(notes.iter().map(|(p, t)| (*p, t.as_str())));
    raw_commit(
        repo,
        nested(repo, &all, msg),
        parents,
        &sig(&format!("{who} <{}@x.org>", who.to_lowercase()), t, "+0000"),
        format!("{msg}\n").as_bytes(),
    )
}

/// Builds the site of HEAD (with `args`) into `dir/out`, the work tree checked out, and
/// returns a reader of its pages.
fn built(repo: &Repository, dir: &std::path::Path, args: &[&str]) -> impl Fn(&str) -> String {
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    let out = dir.join("out");
    let mut all = vec!["-C", "status", "build", "-o", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let done = crate::support::run(&all, dir);
    assert!(done.status.success(), "{}", crate::support::stderr(&done));
    move |p: &str| crate::support::read(&out.join(p))
}

/// A file's life goes back through the versions its content came from, as
/// `git log -- <file>` does: not through a deletion on a branch whose side of the file a
/// merge dropped, nor through an edit a merge left out (even when the merge is followed
/// for another file), but through both sides of a merge that joined two edits.
#[test]
fn a_files_life_follows_the_versions_its_content_came_from() {
    let (dir, repo) = site_repo();
    let c = |files: &[(&str, &str)], parents: &[Oid], who: &str, t: i64, msg: &str| {
        notes_commit(&repo, files, parents, who, t, msg)
    };
    let (a1, b1) = (("notes/a.md", "a one\n"), ("notes/b.md", "b one\n"));
    let root = c(&[a1, b1], &[], "Alice", 1000, "init");
    // Deleted on main while edited on a branch (later); the merge keeps the edit.
    let a2 = ("notes/a.md", "a two\n");
    let edit = c(&[a2, b1], &[root], "Bob", 2000, "edit a");
    let b2 = ("notes/b.md", "b two\n");
    let delete = c(&[b2], &[root], "Carol", 1500, "delete a");
    let keep = c(&[a2, b2], &[delete, edit], "Dave", 4000, "keep edited a");
    // An edit of b.md and c.md dropped by an `-s ours` merge, then c.md edited on main,
    // and a branch from the dropped edit merged (with a change to d.md): the merge is
    // followed, but b.md and c.md came from main (the dropped edit is b.md's newest).
    let (c1, d1) = (("notes/c.md", "c one\n"), ("notes/d.md", "d one\n"));
    let base = c(&[a2, b2, c1, d1], &[keep], "Erin", 5000, "add c, d");
    let dropped = c(
        &[
            a2,
            ("notes/b.md", "b dropped\n"),
            ("notes/c.md", "c dropped\n"),
            d1,
        ],
        &[base],
        "Frank",
        6000,
        "edit c",
    );
    let ours = c(
        &[a2, b2, c1, d1],
        &[base, dropped],
        "Erin",
        7000,
        "merge -s ours",
    );
    let d2 = ("notes/d.md", "d two\n");
    let fork = c(
        &[
            a2,
            ("notes/b.md", "b dropped\n"),
            ("notes/c.md", "c dropped\n"),
            d2,
        ],
        &[dropped],
        "Gina",
        8000,
        "edit d",
    );
    // Both sides edit e.md; the merge joins them.
    let c2 = ("notes/c.md", "c two\n");
    let main = c(&[a2, b2, c2, d1], &[ours], "Kim", 7500, "edit c");
    let both = c(&[a2, b2, c2, d2], &[main, fork], "Erin", 9000, "merge fork");
    let e1 = ("notes/e.md", "e one\n");
    let e_base = c(&[a2, b2, c2, d2, e1], &[both], "Erin", 10000, "add e");
    let e_left = c(
        &[a2, b2, c2, d2, ("notes/e.md", "e left\n")],
        &[e_base],
        "Hal",
        11000,
        "left",
    );
    let e_right = c(
        &[a2, b2, c2, d2, ("notes/e.md", "e right\n")],
        &[e_base],
        "Ida",
        12000,
        "right",
    );
    let e3 = ("notes/e.md", "e joined\n");
    let tip = c(
        &[a2, b2, c2, d2, e3],
        &[e_left, e_right],
        "Erin",
        13000,
        "join e",
    );
    head_at(&repo, tip);
    let idx = index_of(dir.path());
    let ids = |c: &[Oid]| c.iter().map(Oid::to_string).collect::<Vec<_>>();
    assert_eq!(life(&idx, "notes/a.md", a2.1), ids(&[root, edit]));
    assert_eq!(life(&idx, "notes/b.md", b2.1), ids(&[root, delete]));
    assert_eq!(life(&idx, "notes/c.md", c2.1), ids(&[base, main]));
    assert_eq!(life(&idx, "notes/d.md", d2.1), ids(&[base, fork]));
    let mut e = life(&idx, "notes/e.md", e3.1);
    e[1..3].sort();
    let mut sides = ids(&[e_left, e_right]);
    sides.sort();
    assert_eq!(e, [vec![e_base.to_string()], sides, ids(&[tip])].concat());

    // The site says so: a.md by Alice and Bob, c.md by Erin and Kim.
    let page = built(&repo, dir.path(), &[]);
    assert!(
        page("notes/a.html").contains("by Alice, Bob · Updated"),
        "{}",
        page("notes/a.html")
    );
    assert!(page("notes/b.html").contains("by Alice, Carol · Updated"));
    assert!(
        page("notes/c.html").contains("by Erin, Kim · Updated"),
        "{}",
        page("notes/c.html")
    );
    // And so does a build of the work tree (HEAD's history, HEAD's versions).
    let page = built(&repo, dir.path(), &["--worktree"]);
    assert!(page("notes/c.html").contains("by Erin, Kim · Updated"));
    assert!(page("notes/b.html").contains("by Alice, Carol · Updated"));
}

/// At a merge, each file's history goes on through the first parent whose version of it
/// the merge has, as `git log -- <file>` follows it, whichever parent the site root as a
/// whole came from: an edit and its revert on the side branch are not the file's history
/// when the merge kept the first parent's version, and the same on the first parent are
/// when the merge's site root is the side branch's.
#[test]
fn each_files_history_goes_through_the_parent_its_version_came_from() {
    let (dir, repo) = site_repo();
    let c = |files: &[(&str, &str)], parents: &[Oid], who: &str, t: i64| {
        notes_commit(&repo, files, parents, who, t, who)
    };
    let (a1, x1) = (("notes/a.md", "a one\n"), ("notes/x.md", "x one\n"));
    let root = c(&[a1, x1], &[], "Alice", 1000);
    // The side branch edits a.md and reverts it, then adds b.md.
    let bob = c(&[("notes/a.md", "a two\n"), x1], &[root], "Bob", 2000);
    let carol = c(&[a1, x1], &[bob], "Carol", 3000);
    let b = ("notes/b.md", "b\n");
    let erin = c(&[a1, x1, b], &[carol], "Erin", 4000);
    // Main edits x.md and reverts it.
    let dave = c(&[a1, ("notes/x.md", "x two\n")], &[root], "Dave", 2500);
    let fay = c(&[a1, x1], &[dave], "Fay", 3500);
    // The merge's site root is the side branch's.
    let tip = c(&[a1, x1, b], &[fay, erin], "Gus", 5000);
    head_at(&repo, tip);
    let idx = index_of(dir.path());
    let ids = |c: &[Oid]| c.iter().map(Oid::to_string).collect::<Vec<_>>();
    assert_eq!(life(&idx, "notes/a.md", a1.1), ids(&[root]));
    assert_eq!(life(&idx, "notes/x.md", x1.1), ids(&[root, dave, fay]));
    assert_eq!(life(&idx, "notes/b.md", b.1), ids(&[erin]));

    let page = built(&repo, dir.path(), &[]);
    assert!(
        page("notes/a.html").contains("by Alice</p>"),
        "{}",
        page("notes/a.html")
    );
    assert!(page("notes/x.html").contains("by Alice, Dave, Fay · Updated"));
}

/// A path whose content comes both from a rename (on one branch) and from the path itself
/// (re-added on another), joined by a merge: the file's history has both lines.
#[test]
fn a_file_renamed_on_one_branch_and_added_on_another_has_both_histories() {
    let (dir, repo) = site_repo();
    let c = |files: &[(&str, &str)], parents: &[Oid], who: &str, t: i64| {
        notes_commit(&repo, files, parents, who, t, who)
    };
    let text = "one\ntwo\nthree\nfour\nfive\nsix\n";
    let alice = c(&[("notes/b.md", text)], &[], "Alice", 1000);
    let carol = c(
        &[("notes/b.md", text), ("notes/a.md", "side\n")],
        &[alice],
        "Carol",
        2000,
    );
    let dave = c(
        &[("notes/b.md", text), ("notes/a.md", "side, edited\n")],
        &[carol],
        "Dave",
        3000,
    );
    let erin = c(&[("notes/a.md", text)], &[alice], "Erin", 4000);
    let fay = c(
        &[("notes/a.md", "one\ntwo\nthree\nfour\nfive\nsix!\n")],
        &[erin],
        "Fay",
        5000,
    );
    let joined = "both\n";
    let gus = c(&[("notes/a.md", joined)], &[fay, dave], "Gus", 6000);
    head_at(&repo, gus);
    let idx = index_of(dir.path());
    let ids = |c: &[Oid]| c.iter().map(Oid::to_string).collect::<Vec<_>>();
    assert_eq!(
        life(&idx, "notes/a.md", joined),
        ids(&[alice, carol, dave, erin, fay, gus])
    );
}
