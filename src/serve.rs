//! `vitrine serve`: the work tree as a preview site on 127.0.0.1, rebuilt when a file of
//! the site root, the theme or the repository's HEAD and refs change, with the open page
//! reloaded. The site lives in memory: nothing is written, so the output folder cannot
//! trigger a rebuild and a failed rebuild keeps serving the last good site, with the
//! diagnostics shown over it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use notify::RecursiveMode;

use crate::build::{self, BuildError, BuildOptions, Source};
use crate::render;

/// Options of `serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    pub internal: bool,
}

/// The site being served.
#[derive(Default)]
struct State {
    /// The last good site; pages are rendered from it on request.
    site: Option<Arc<build::Prepared>>,
    /// Bumped on every rebuild, good or failed: pages poll it to reload.
    generation: u64,
    /// The diagnostics of the last failed rebuild.
    errors: Option<String>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// Runs the server until the process is interrupted.
pub fn serve(opts: &ServeOptions) -> Result<()> {
    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    let memo = Arc::new(build::Memo::default());
    rebuild(opts, &shared, &memo);
    let server = tiny_http::Server::http((opts.bind.as_str(), opts.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let url = format!(
        "http://{}:{}/",
        opts.bind,
        server.server_addr().to_ip().map_or(opts.port, |a| a.port())
    );
    eprintln!(
        "serving the work tree of {} at {url} (Ctrl-C to stop)",
        opts.root.display()
    );
    let _watcher = watch(opts, shared.clone(), memo)?;
    if opts.open {
        open_browser(&url);
    }
    for request in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || respond(request, &shared));
    }
    Ok(())
}

/// Builds the work tree into memory and publishes the result (or the errors) to pages.
fn rebuild(opts: &ServeOptions, shared: &Shared, memo: &Arc<build::Memo>) {
    let build = BuildOptions {
        root: opts.root.clone(),
        source: Source::Worktree,
        internal: opts.internal,
        out: opts.root.join("public"),
        base_url: None,
        use_cache: true,
        memo: Some(memo.clone()),
        // Checked after the new site is served, so a save shows up sooner.
        lint: false,
    };
    let t = std::time::Instant::now();
    let result = build::prepare(&build);
    let (lock, cvar) = &**shared;
    let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
    state.generation += 1;
    match result {
        Ok((site, loaded, timings)) => {
            if std::env::var_os("VITRINE_TIMINGS").is_some() {
                let parts: Vec<String> = timings
                    .iter()
                    .map(|(k, v)| format!("{k} {:.0} ms", v * 1e3))
                    .collect();
                eprintln!("  {}", parts.join(", "));
            }
            for d in loaded.diagnostics.iter() {
                eprintln!("{d}");
            }
            eprintln!("rebuilt in {} ms", t.elapsed().as_millis());
            let project = loaded.project;
            let config = loaded.config;
            state.site = Some(Arc::new(site));
            state.errors = None;
            cvar.notify_all();
            drop(state);
            if !opts.internal {
                for d in crate::check::lint(&project, &config).sorted() {
                    eprintln!("{d}");
                }
            }
            return;
        }
        Err(e) => {
            let text = match e {
                BuildError::Content(d) => d
                    .sorted()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
                BuildError::Other(e) => format!("error: {e:#}"),
            };
            eprintln!("{text}\nrebuild failed; still serving the last good site");
            state.errors = Some(text);
        }
    }
    cvar.notify_all();
}

/// Watches the site root (minus `.git` internals) and the repository's HEAD and refs.
fn watch(
    opts: &ServeOptions,
    shared: Shared,
    memo: Arc<build::Memo>,
) -> Result<
    notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        Duration::from_millis(20),
        Some(Duration::from_millis(5)),
        tx,
    )?;
    debouncer
        .watch(&opts.root, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", opts.root.display()))?;
    if let Ok(repo) = git2::Repository::discover(&opts.root) {
        let git = repo.path().to_path_buf();
        for p in ["HEAD", "packed-refs"] {
            let _ = debouncer.watch(git.join(p), RecursiveMode::NonRecursive);
        }
        let _ = debouncer.watch(git.join("refs"), RecursiveMode::Recursive);
    }
    let opts = opts.clone();
    std::thread::spawn(move || {
        for result in rx {
            let Ok(events) = result else { continue };
            let changed = |e: &notify_debouncer_full::DebouncedEvent| {
                use notify::EventKind::{Create, Modify, Remove};
                use notify::event::ModifyKind::Metadata;
                matches!(e.kind, Create(_) | Remove(_) | Modify(_))
                    && !matches!(e.kind, Modify(Metadata(_)))
            };
            let trigger = events
                .iter()
                .filter(|e| changed(e))
                .flat_map(|e| &e.paths)
                .find(|p| relevant(p));
            if let Some(p) = trigger {
                if std::env::var_os("VITRINE_DEBUG").is_some() {
                    eprintln!("change: {}", p.display());
                }
                rebuild(&opts, &shared, &memo);
            }
        }
    });
    Ok(debouncer)
}

/// Changes worth a rebuild: not git's own object store, index or our cache.
fn relevant(p: &Path) -> bool {
    let s = p.to_string_lossy();
    let in_git = p.components().any(|c| c.as_os_str() == ".git");
    !in_git || s.ends_with("/HEAD") || s.contains("/refs/") || s.ends_with("packed-refs")
}

fn respond(request: tiny_http::Request, shared: &Shared) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == "/__vitrine/poll" {
        let seen: u64 = url
            .split("gen=")
            .nth(1)
            .and_then(|g| g.parse().ok())
            .unwrap_or(0);
        let (lock, cvar) = &**shared;
        let state = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (state, _) = cvar
            .wait_timeout_while(state, Duration::from_secs(25), |s| s.generation == seen)
            .unwrap_or_else(|e| e.into_inner());
        let body = state.generation.to_string();
        drop(state);
        let _ = request.respond(
            tiny_http::Response::from_string(body).with_header(header("Cache-Control", "no-store")),
        );
        return;
    }
    let (site, generation, errors) = {
        let (lock, _) = &**shared;
        let state = lock.lock().unwrap_or_else(|e| e.into_inner());
        (state.site.clone(), state.generation, state.errors.clone())
    };
    let key = decode(path.trim_start_matches('/'));
    let key = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key
    };
    let render = |p: &str| {
        site.as_ref().and_then(|s| {
            render::render_one(&s.data, &s.theme, &s.assets, p)
                .ok()
                .flatten()
        })
    };
    let (status, key, bytes) = match render(&key) {
        Some(f) => (200, key, f.bytes),
        None => (
            404,
            "404.html".to_string(),
            render("404.html")
                .map(|f| f.bytes)
                .unwrap_or_else(|| b"not found".to_vec()),
        ),
    };
    let mime = mime_of(&key);
    let bytes = if mime.starts_with("text/html") {
        inject(&bytes, generation, errors.as_deref())
    } else {
        bytes
    };
    let response = tiny_http::Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", mime))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

/// Adds the reload script (and the error overlay) before `</body>`.
fn inject(html: &[u8], generation: u64, errors: Option<&str>) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(e) = errors {
        let escaped = e
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        extra.push_str(&format!(
            "<div id=\"vitrine-errors\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99;\
             background:#2d1416;color:#ffb4ab;padding:1rem 1.25rem;font:14px/1.5 ui-monospace,monospace;border-top:3px solid #ff7b72\">\
             <strong>The last rebuild failed; this is the last good site.</strong><pre style=\"white-space:pre-wrap\">{escaped}</pre></div>"
        ));
    }
    extra.push_str(&format!(
        "<script>(function(){{var g={generation};function poll(){{fetch('/__vitrine/poll?gen='+g,{{cache:'no-store'}})\
         .then(function(r){{return r.text()}}).then(function(t){{if(t!==String(g))location.reload();else poll()}})\
         .catch(function(){{setTimeout(poll,1000)}})}}poll()}})();</script>"
    ));
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

fn header(k: &str, v: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
}

fn mime_of(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ics" => "text/calendar; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Percent-decoding of a URL path (UTF-8 names such as Chinese file names).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(cmd).arg(url).spawn().is_err() {
        eprintln!("open {url} in your browser");
    }
}
