//! `vitrine serve`: the work tree as a preview site on 127.0.0.1, rebuilt when a file of
//! the site root, the theme or the repository's HEAD and refs change, with the open page
//! reloaded. The site lives in memory: nothing is written, so the output folder cannot
//! trigger a rebuild and a failed rebuild (an error or a panic) keeps serving the last good
//! site, with the diagnostics shown over it.
//!
//! The preview may show the team's internal view, so it only answers requests whose `Host`
//! names this machine (a web page cannot reach it by DNS rebinding), and a fixed pool of
//! threads answers them, with a cap on the long polls that wait for a rebuild.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use notify::RecursiveMode;

use crate::pipeline::{self, BuildError, BuildOptions, Source};
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
    site: Option<Arc<Site>>,
    /// Bumped on every rebuild, good or failed: pages poll it to reload.
    generation: u64,
    /// The diagnostics of the last failed rebuild.
    errors: Option<String>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// A built site and its template values, converted once on the first request for a page.
struct Site {
    prepared: pipeline::Prepared,
    pages: std::sync::OnceLock<render::OnDemand>,
}

impl Site {
    fn file(&self, path: &str) -> Result<Option<render::OutFile>, crate::diag::Diagnostic> {
        let s = &self.prepared;
        let t = std::time::Instant::now();
        let pages = self.pages.get_or_init(|| render::OnDemand::of(&s.data));
        let converted = t.elapsed();
        let file = render::render_one_with(pages, &s.data, &s.theme, &s.assets, path);
        if std::env::var_os("VITRINE_TIMINGS").is_some() {
            eprintln!(
                "  {path}: values {:.0} ms, page {:.0} ms",
                converted.as_secs_f64() * 1e3,
                (t.elapsed() - converted).as_secs_f64() * 1e3
            );
        }
        file
    }
}

/// Threads that answer requests.
const WORKERS: usize = 8;
/// Long polls that may wait at once; more are told to come back later, so that pages are
/// always answered by the other workers.
const MAX_POLLS: usize = WORKERS / 2;
/// How long a poll waits for a rebuild.
const POLL_WAIT: Duration = Duration::from_secs(25);

/// What every worker needs to answer a request.
struct Served {
    shared: Shared,
    hosts: Hosts,
    polls: AtomicUsize,
}

/// Runs the server until the process is interrupted.
pub fn serve(opts: &ServeOptions) -> Result<()> {
    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    let mut memo = Arc::new(pipeline::Memo::default());
    rebuild(opts, &shared, &mut memo);
    let server = tiny_http::Server::http((opts.bind.as_str(), opts.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let url = format!(
        "http://{}:{}/",
        opts.bind,
        server.server_addr().to_ip().map_or(opts.port, |a| a.port())
    );
    // Watching before saying where we listen: a change made once the address is known is seen.
    let _watcher = watch(opts, shared.clone(), memo)?;
    eprintln!(
        "serving the work tree of {} at {url} (Ctrl-C to stop)",
        opts.root.display()
    );
    if opts.open {
        open_browser(&url);
    }
    let server = Arc::new(server);
    let served = Arc::new(Served {
        shared,
        hosts: Hosts::for_bind(&opts.bind),
        polls: AtomicUsize::new(0),
    });
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, served) = (server.clone(), served.clone());
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    // A panic while rendering one page must not cost a worker.
                    let answer = || respond(request, &served);
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(answer));
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

/// Builds the work tree into memory and publishes the result (or the errors) to pages.
/// A panic in the build is caught and shown like an error; the memo it may have left
/// half-updated is dropped.
fn rebuild(opts: &ServeOptions, shared: &Shared, memo: &mut Arc<pipeline::Memo>) {
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
        progress: None,
    };
    let t = std::time::Instant::now();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        test_panic(&opts.root);
        pipeline::prepare(&build)
    }));
    let result = result.unwrap_or_else(|panic| {
        *memo = Arc::default();
        Err(BuildError::Other(anyhow::anyhow!(
            "vitrine panicked while rebuilding: {}\n  (this is a bug in vitrine; please report it)",
            panic_message(panic.as_ref())
        )))
    });
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
            state.site = Some(Arc::new(Site {
                prepared: site,
                pages: std::sync::OnceLock::new(),
            }));
            state.errors = None;
            cvar.notify_all();
            drop(state);
            if !opts.internal {
                let lint = std::panic::catch_unwind(|| crate::lint::lint(&project, &config));
                match lint {
                    Ok(d) => d.sorted().iter().for_each(|d| eprintln!("{d}")),
                    Err(p) => eprintln!("the checks panicked: {}", panic_message(p.as_ref())),
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

/// Tests only: a rebuild panics while the file named by `VITRINE_TEST_PANIC_IF` exists in
/// the site root, so that the recovery from a panic can be tested without a real bug.
fn test_panic(root: &Path) {
    if let Some(name) = std::env::var_os("VITRINE_TEST_PANIC_IF")
        && root.join(name).exists()
    {
        panic!("a test asked for a panic");
    }
}

/// The text a panic was raised with.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Watches the site root (minus `.git` internals) and the repository's HEAD and refs.
fn watch(
    opts: &ServeOptions,
    shared: Shared,
    mut memo: Arc<pipeline::Memo>,
) -> Result<
    notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        Duration::from_millis(10),
        Some(Duration::from_millis(2)),
        tx,
    )?;
    debouncer
        .watch(&opts.root, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", opts.root.display()))?;
    if let Some(git) = crate::git::git_dir(&opts.root) {
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
                rebuild(&opts, &shared, &mut memo);
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

/// The `Host` names the server answers: this machine's loopback names (any port), the bind
/// address when it is not a loopback one, and any IP literal when bound to all addresses.
/// A DNS name pointing at this machine is refused: that is how DNS rebinding gets in.
struct Hosts {
    names: Vec<String>,
    any_ip: bool,
}

impl Hosts {
    fn for_bind(bind: &str) -> Hosts {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"].map(String::from).into();
        let mut any_ip = false;
        match bind.trim_matches(['[', ']']).parse::<IpAddr>() {
            Ok(ip) if ip.is_unspecified() => any_ip = true,
            Ok(ip) if ip.is_loopback() => {}
            Ok(IpAddr::V6(ip)) => names.push(format!("[{ip}]")),
            Ok(ip) => names.push(ip.to_string()),
            Err(_) => names.push(bind.to_ascii_lowercase()),
        }
        Hosts { names, any_ip }
    }

    /// Whether a request with this `Host` header value is answered.
    fn allow(&self, header: Option<&str>) -> bool {
        let Some(host) = header.map(host_name) else {
            return false;
        };
        let ip = host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok();
        self.names.contains(&host) || (self.any_ip && ip)
    }
}

/// The host of a `Host` header without its port, lower-cased: `[::1]:8080` → `[::1]`.
fn host_name(value: &str) -> String {
    let value = value.trim();
    let host = match value.strip_prefix('[') {
        Some(rest) => rest.split(']').next().map(|h| format!("[{h}]")),
        None => value.split(':').next().map(str::to_string),
    };
    host.unwrap_or_default().to_ascii_lowercase()
}

fn respond(request: tiny_http::Request, served: &Served) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if !served.hosts.allow(host.as_deref()) {
        let _ = request.respond(
            tiny_http::Response::from_string(
                "vitrine serve answers only requests addressed to this machine (Host: localhost); \
                 use --bind ADDR to serve on another address\n",
            )
            .with_status_code(403),
        );
        return;
    }
    let shared = &served.shared;
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == "/__vitrine/poll" {
        return poll(request, &url, served);
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
    let render = |p: &str| site.as_ref().and_then(|s| s.file(p).ok().flatten());
    // A template error shows on the error page, with its diagnostic, instead of a 404.
    let outcome = site.as_ref().map(|s| s.file(&key));
    if let Some(Err(d)) = &outcome {
        let page = b"<!doctype html><meta charset=\"utf-8\"><title>template error</title>";
        let bytes = inject(page, generation, Some(&d.to_string()));
        let response = tiny_http::Response::from_data(bytes)
            .with_status_code(500)
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store"));
        let _ = request.respond(response);
        return;
    }
    let first = outcome.and_then(|r| r.ok().flatten());
    let (status, key, bytes) = match first {
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

/// Answers when the site's generation differs from the page's, or after [`POLL_WAIT`].
/// Beyond [`MAX_POLLS`] waiting at once, the answer is at once: come back later.
fn poll(request: tiny_http::Request, url: &str, served: &Served) {
    if served.polls.fetch_add(1, Ordering::SeqCst) >= MAX_POLLS {
        served.polls.fetch_sub(1, Ordering::SeqCst);
        let _ = request.respond(
            tiny_http::Response::from_string("busy")
                .with_status_code(429)
                .with_header(header("Retry-After", "1"))
                .with_header(header("Cache-Control", "no-store")),
        );
        return;
    }
    let seen: u64 = url
        .split("gen=")
        .nth(1)
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    let (lock, cvar) = &*served.shared;
    let state = lock.lock().unwrap_or_else(|e| e.into_inner());
    let (state, _) = cvar
        .wait_timeout_while(state, POLL_WAIT, |s| s.generation == seen)
        .unwrap_or_else(|e| e.into_inner());
    let body = state.generation.to_string();
    drop(state);
    served.polls.fetch_sub(1, Ordering::SeqCst);
    let _ = request.respond(
        tiny_http::Response::from_string(body).with_header(header("Cache-Control", "no-store")),
    );
}

/// Adds the reload script (and the error overlay) before `</body>`.
fn inject(html: &[u8], generation: u64, errors: Option<&str>) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(e) = errors {
        let escaped = crate::escape::html(e);
        extra.push_str(&format!(
            "<div id=\"vitrine-errors\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99;\
             background:#2d1416;color:#ffb4ab;padding:1rem 1.25rem;font:14px/1.5 ui-monospace,monospace;border-top:3px solid #ff7b72\">\
             <strong>The last rebuild failed; this is the last good site.</strong><pre style=\"white-space:pre-wrap\">{escaped}</pre></div>"
        ));
    }
    extra.push_str(&format!(
        "<script>(function(){{var g={generation};function poll(){{fetch('/__vitrine/poll?gen='+g,{{cache:'no-store'}})\
         .then(function(r){{if(!r.ok)throw r.status;return r.text()}}).then(function(t){{if(t!==String(g))location.reload();else poll()}})\
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_lose_their_port_and_case() {
        assert_eq!(host_name("LocalHost:8080"), "localhost");
        assert_eq!(host_name("[::1]:8080"), "[::1]");
        assert_eq!(host_name("[::1]"), "[::1]");
        assert_eq!(host_name(" 127.0.0.1 "), "127.0.0.1");
    }

    #[test]
    fn only_this_machines_names_are_answered() {
        let loopback = Hosts::for_bind("127.0.0.1");
        for ok in ["localhost:1", "127.0.0.1", "[::1]:8080"] {
            assert!(loopback.allow(Some(ok)), "{ok}");
        }
        for bad in ["evil.example", "10.0.0.2:80", "localhost.evil.example"] {
            assert!(!loopback.allow(Some(bad)), "{bad}");
        }
        assert!(!loopback.allow(None));
        let lan = Hosts::for_bind("192.168.1.5");
        assert!(lan.allow(Some("192.168.1.5:8080")) && !lan.allow(Some("192.168.1.6")));
        let v6 = Hosts::for_bind("fe80::1");
        assert!(v6.allow(Some("[fe80::1]:8080")));
        let all = Hosts::for_bind("::");
        assert!(all.allow(Some("[fe80::2]")) && all.allow(Some("10.0.0.2")));
        assert!(!all.allow(Some("evil.example")));
    }
}
