//! Private sites on public hosting (`[access] mode = "passphrase"`): after rendering, every
//! page and the search index are encrypted, and each page becomes a small shell (the site
//! title, a passphrase field, the brand colour) around its ciphertext, which
//! `theme/static/access.js` decrypts in the browser with WebCrypto. Outputs that a browser
//! reads without that script (feeds, calendar, `status.json`, badge, sitemap) cannot be
//! encrypted and are left out unless `[access] public` names them.
//!
//! This stage works on rendered files only: it knows nothing of content, so a theme
//! override cannot slip past it, and the leak guard checks what it returns.
//!
//! # The construction
//!
//! - **Key derivation, once per build.** `master = PBKDF2-HMAC-SHA256(passphrase, salt,
//!   600,000 iterations, 32 bytes)`. The salt is public and stored in every page; it only
//!   has to differ between sites so that one precomputed table does not serve them all,
//!   so it is derived from the site's identity (title, client, repository), not drawn at
//!   random: a rebuild of the same commit derives the same key and so can give the same
//!   bytes. Changing the title changes the salt, and readers type the passphrase again.
//! - **Two independent keys from it** with HKDF-SHA256 (empty salt, distinct labels): the
//!   AES-256-GCM key, which the browser derives the same way and keeps, and a nonce key,
//!   which never leaves the build. One key is never used by two algorithms.
//! - **Nonces, SIV-like.** The 96-bit nonce of a file is the first 12 bytes of
//!   `HMAC-SHA256(nonce key, len(path) ‖ path ‖ plaintext)`. The same file with the same
//!   content gets the same nonce and so the same ciphertext, byte for byte (incremental
//!   builds and gh-pages diffs show only pages that changed). Two different (path,
//!   content) pairs get the same nonce only if truncated HMAC collides: about n²/2⁹⁷ for n
//!   encrypted files over the life of a key, negligible for any site. A repeated nonce
//!   under GCM is only dangerous with different plaintexts; with the same plaintext it
//!   reveals nothing beyond "this page did not change", which the publish diff shows
//!   anyway. No random source is needed, so none can fail or be weak.
//! - **Format.** Each sealed blob is `base64url(nonce ‖ ciphertext ‖ tag)`, URL-safe
//!   without padding, so it needs no escaping inside HTML or a script.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{Result, anyhow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::{AccessMode, Config, UNSEALABLE_OUTPUTS};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{OutFile, Theme};

/// The environment variable the passphrase is read from (a CI secret; never a file of the
/// repository).
pub const PASSPHRASE_VAR: &str = "VITRINE_PASSPHRASE";
/// The shortest passphrase accepted, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// PBKDF2 iterations (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). Stored in every page,
/// so it can be raised without breaking the script.
pub const ITERATIONS: u32 = 600_000;
/// The data file the pages read, sealed like a page.
const SEARCH_INDEX: &str = "assets/search-index.js";
const AES_LABEL: &[u8] = b"vitrine/v1/aes-256-gcm";
const NONCE_LABEL: &[u8] = b"vitrine/v1/nonce";

/// The keys of one build.
pub struct Keys {
    aead: Aes256Gcm,
    nonce_key: [u8; 32],
    salt: [u8; 16],
}

impl Keys {
    /// Derives the keys from the passphrase (slow on purpose: PBKDF2, see the module doc).
    pub fn derive(passphrase: &str, salt: [u8; 16]) -> Keys {
        let master =
            pbkdf2::pbkdf2_hmac_array::<Sha256, 32>(passphrase.as_bytes(), &salt, ITERATIONS);
        let hk = hkdf::Hkdf::<Sha256>::new(Some(&[]), &master);
        let (mut aes, mut nonce_key) = ([0u8; 32], [0u8; 32]);
        // 32 bytes is far below HKDF's limit of 255 × 32: these cannot fail.
        hk.expand(AES_LABEL, &mut aes).expect("HKDF length");
        hk.expand(NONCE_LABEL, &mut nonce_key).expect("HKDF length");
        Keys {
            aead: Aes256Gcm::new(&aes.into()),
            nonce_key,
            salt,
        }
    }

    /// Encrypts the file at `path`: `base64url(nonce ‖ ciphertext ‖ tag)`.
    pub fn seal(&self, path: &str, plaintext: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.nonce_key)
            .expect("HMAC takes any key length");
        mac.update(&(path.len() as u64).to_be_bytes());
        mac.update(path.as_bytes());
        mac.update(plaintext);
        let tag = mac.finalize().into_bytes();
        let nonce: [u8; 12] = tag[..12].try_into().expect("12 of 32 bytes");
        let ciphertext = self
            .aead
            .encrypt(&Nonce::from(nonce), plaintext)
            .expect("AES-GCM encrypts any length a page can have");
        let mut blob = nonce.to_vec();
        blob.extend(ciphertext);
        URL_SAFE_NO_PAD.encode(blob)
    }

    /// Names these keys without revealing them: an HMAC of a fixed label under the nonce
    /// key, which only PBKDF2 of the passphrase gives (guessing the passphrase from it
    /// costs what guessing it from any page costs). The build cache records it, so a page
    /// sealed with other keys is never carried over.
    pub fn fingerprint(&self) -> String {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.nonce_key)
            .expect("HMAC takes any key length");
        mac.update(b"vitrine/v1/build-cache");
        let tag = mac.finalize().into_bytes();
        URL_SAFE_NO_PAD.encode(&tag[..16])
    }

    /// Decrypts a blob of [`Keys::seal`] (what the browser does; for tests).
    pub fn open(&self, blob: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(blob).ok()?;
        let (nonce, ciphertext) = bytes.split_at_checked(12)?;
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        self.aead.decrypt(&Nonce::from(nonce), ciphertext).ok()
    }
}

/// The site's PBKDF2 salt: public, stable for the site, different between sites.
pub fn site_salt(config: &Config) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(b"vitrine/v1/salt");
    for part in [
        Some(config.title.as_str()),
        config.client.as_deref(),
        config.repository.as_deref(),
    ] {
        let part = part.unwrap_or_default();
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize()[..16].try_into().expect("16 of 32 bytes")
}

/// The passphrase `[access]` asks for, from `VITRINE_PASSPHRASE`; `None` when the site is
/// not protected. Missing, short or malformed: an error that says what to do.
pub fn passphrase(config: &Config) -> Result<Option<String>, Diagnostics> {
    let Some(access) = &config.access else {
        return Ok(None);
    };
    match access.mode {
        AccessMode::Passphrase => {}
    }
    let value = std::env::var(PASSPHRASE_VAR).ok();
    check_passphrase(value.as_deref()).map(Some)
}

fn check_passphrase(value: Option<&str>) -> Result<String, Diagnostics> {
    let fail = |message: String, hint: &str| {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error(message).at("vitrine.toml").hint(hint));
        Err(d)
    };
    let Some(p) = value.filter(|p| !p.is_empty()) else {
        return fail(
            format!(
                "`[access] mode = \"passphrase\"` is set, but the environment variable {PASSPHRASE_VAR} is not"
            ),
            "set it to the site's passphrase (in CI, from a secret); it never belongs in the repository",
        );
    };
    if p.chars().count() < MIN_PASSPHRASE_CHARS {
        return fail(
            format!(
                "{PASSPHRASE_VAR} is {} characters long; a passphrase needs at least {MIN_PASSPHRASE_CHARS}",
                p.chars().count()
            ),
            "anyone can guess a short passphrase offline from any page; use four or five random words",
        );
    }
    if p.chars().any(char::is_control) {
        return fail(
            format!("{PASSPHRASE_VAR} holds a control character (a line break?)"),
            "readers could never type it: set the variable without the trailing newline",
        );
    }
    Ok(p.to_string())
}

/// What sealing produced: the files to publish, and what the user should know.
pub struct Sealed {
    pub files: Vec<OutFile>,
    pub notes: Diagnostics,
}

/// Applies `[access]` to the rendered site with the passphrase [`passphrase`] gave:
/// unchanged without one, else [`seal`]ed.
pub fn apply(
    files: Vec<OutFile>,
    config: &Config,
    theme: &Theme,
    passphrase: Option<&str>,
) -> Result<Sealed, Diagnostics> {
    match passphrase {
        None => Ok(Sealed {
            files,
            notes: Diagnostics::default(),
        }),
        Some(p) => apply_keys(
            files,
            config,
            theme,
            Some(&Keys::derive(p, site_salt(config))),
        ),
    }
}

/// [`apply`] with the keys already derived (`None`: the site is not protected).
pub fn apply_keys(
    files: Vec<OutFile>,
    config: &Config,
    theme: &Theme,
    keys: Option<&Keys>,
) -> Result<Sealed, Diagnostics> {
    match keys {
        None => Ok(Sealed {
            files,
            notes: Diagnostics::default(),
        }),
        Some(keys) => seal(files, config, theme, keys).map_err(|e| {
            let mut d = Diagnostics::default();
            d.push(Diagnostic::error(format!("encrypting the site: {e:#}")));
            d
        }),
    }
}

/// The leak guard's rule for a protected site ([`crate::guard::check_sealed`]): no content
/// text readable in any file but those named public. The theme's UI strings and code may
/// say anything, and the site title is the shell's. Empty without `[access]`.
pub fn check(
    files: &[OutFile],
    config: &Config,
    project: &crate::content::Project,
    theme: &Theme,
) -> Diagnostics {
    let Some(access) = &config.access else {
        return Diagnostics::default();
    };
    let code: Vec<String> = (theme.statics.values())
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    let allowed = (theme.strings.values().map(String::as_str))
        .chain([config.title.as_str()])
        .chain(code.iter().map(String::as_str));
    let public = |p: &str| access.public.iter().any(|x| x == p);
    crate::guard::check_sealed(files, project, allowed, public)
}

/// What happens to one output file of a protected site.
enum Fate {
    Page,
    Data,
    Public,
    Dropped,
    /// A theme file (code and style, no content) or the logo: as it is.
    Kept,
    /// A file of the site's `static/` folder: published as it is, said in a warning.
    Unsealed,
}

fn fate(path: &str, config: &Config, theme: &Theme) -> Fate {
    let access = config.access.as_ref();
    let logo = config
        .logo
        .as_deref()
        .and_then(|l| l.strip_prefix("static/"));
    if UNSEALABLE_OUTPUTS.contains(&path) {
        match access.is_some_and(|a| a.public.iter().any(|p| p == path)) {
            true => Fate::Public,
            false => Fate::Dropped,
        }
    } else if path.ends_with(".html") {
        Fate::Page
    } else if path == SEARCH_INDEX {
        Fate::Data
    } else if logo == Some(path)
        || path
            .strip_prefix("assets/")
            .is_some_and(|p| theme.statics.contains_key(p))
    {
        Fate::Kept
    } else {
        Fate::Unsealed
    }
}

/// Encrypts every page and the search index under `keys`, leaves out what cannot be
/// encrypted (unless public), and says so.
pub fn seal(files: Vec<OutFile>, config: &Config, theme: &Theme, keys: &Keys) -> Result<Sealed> {
    let mut notes = Diagnostics::default();
    let (mut dropped, mut unsealed) = (Vec::new(), Vec::new());
    let mut out = Vec::with_capacity(files.len() + 1);
    let mut pages = Vec::new();
    for f in files {
        match fate(&f.path, config, theme) {
            Fate::Page => pages.push(f),
            Fate::Data => out.push(OutFile {
                bytes: sealed_script(&keys.seal(&f.path, &f.bytes)).into_bytes(),
                path: f.path,
            }),
            Fate::Dropped => dropped.push(f.path),
            Fate::Unsealed => {
                unsealed.push(f.path.clone());
                out.push(f);
            }
            Fate::Public | Fate::Kept => out.push(f),
        }
    }
    let shells: Vec<OutFile> = pages
        .par_iter()
        .map(|f| shell(f, config, theme, keys))
        .collect::<Result<_>>()?;
    out.extend(shells);
    if !dropped.is_empty() {
        notes.push(
            Diagnostic::warning(format!(
                "passphrase mode: left out because they cannot be encrypted: {}",
                dropped.join(", ")
            ))
            .at("vitrine.toml")
            .hint("name one in `[access] public = [...]` to publish it unencrypted, as it is"),
        );
    }
    if !unsealed.is_empty() {
        unsealed.sort();
        notes.push(
            Diagnostic::warning(format!(
                "passphrase mode: files of static/ are published unencrypted: {}",
                unsealed.join(", ")
            ))
            .hint(
                "anyone with the address can read them; keep confidential documents out of static/",
            ),
        );
    }
    Ok(Sealed { files: out, notes })
}

/// The search index, sealed: a script that hands its ciphertext to access.js, which
/// decrypts it and runs it once the reader has unlocked the page.
fn sealed_script(blob: &str) -> String {
    format!("(window.VITRINE_SEALED = window.VITRINE_SEALED || []).push(\"{blob}\");\n")
}

#[derive(Serialize)]
struct ShellContext<'a> {
    site: ShellSite<'a>,
    root: String,
    access: ShellAccess,
    sealed: String,
}

#[derive(Serialize)]
struct ShellSite<'a> {
    title: &'a str,
    lang: &'a str,
    brand_color: Option<&'a str>,
}

#[derive(Serialize)]
struct ShellAccess {
    /// base64url, like the blobs.
    salt: String,
    iterations: u32,
    share_links: bool,
}

/// The page at `f.path` as a shell around its ciphertext (template `locked.html`).
fn shell(f: &OutFile, config: &Config, theme: &Theme, keys: &Keys) -> Result<OutFile> {
    let ctx = ShellContext {
        site: ShellSite {
            title: &config.title,
            lang: &config.language,
            brand_color: config.brand_color.as_deref(),
        },
        root: crate::render::root_of(&f.path, config.base_url().as_deref()),
        access: ShellAccess {
            salt: URL_SAFE_NO_PAD.encode(keys.salt),
            iterations: ITERATIONS,
            share_links: config.access.as_ref().is_some_and(|a| a.share_links),
        },
        sealed: keys.seal(&f.path, &f.bytes),
    };
    let ctx = tera::Context::from_serialize(&ctx)
        .map_err(|e| anyhow!("the locked shell of {}: {e}", f.path))?;
    let html = theme
        .render(
            "locked.html",
            &ctx,
            &format!("rendering the locked shell of {}", f.path),
        )
        .map_err(|d| anyhow!("{d}"))?;
    Ok(OutFile {
        path: f.path.clone(),
        bytes: html.into_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Derived once: PBKDF2 is slow on purpose, and slower still in a debug build.
    fn keys() -> &'static Keys {
        static KEYS: std::sync::OnceLock<Keys> = std::sync::OnceLock::new();
        KEYS.get_or_init(|| Keys::derive("correct horse battery staple", [7; 16]))
    }

    #[test]
    fn sealing_is_deterministic_and_opens_with_the_same_keys() {
        let k = keys();
        let a = k.seal("notes/a.html", b"<p>hello</p>");
        assert_eq!(a, k.seal("notes/a.html", b"<p>hello</p>"));
        assert_eq!(k.open(&a).as_deref(), Some(&b"<p>hello</p>"[..]));
    }

    #[test]
    fn another_path_or_content_gets_another_nonce() {
        let k = keys();
        let nonce = |blob: &str| URL_SAFE_NO_PAD.decode(blob).unwrap()[..12].to_vec();
        let a = k.seal("a.html", b"same");
        assert_ne!(nonce(&a), nonce(&k.seal("b.html", b"same")));
        assert_ne!(nonce(&a), nonce(&k.seal("a.html", b"other")));
        // The length prefix keeps the path from running into the content.
        assert_ne!(nonce(&k.seal("ab", b"c")), nonce(&k.seal("a", b"bc")));
    }

    #[test]
    fn a_wrong_passphrase_or_a_changed_byte_does_not_open() {
        let blob = keys().seal("index.html", b"secret");
        let other = Keys::derive("correct horse battery stapler", [7; 16]);
        assert!(other.open(&blob).is_none());
        let mut bytes = URL_SAFE_NO_PAD.decode(&blob).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        assert!(keys().open(&URL_SAFE_NO_PAD.encode(bytes)).is_none());
    }

    #[test]
    fn passphrases_are_checked_before_anything_is_built() {
        let err = |v: Option<&str>| {
            check_passphrase(v)
                .err()
                .map(|d| d.iter().map(|x| x.to_string()).collect::<String>())
        };
        assert!(err(None).unwrap().contains(PASSPHRASE_VAR));
        assert!(err(Some("")).unwrap().contains(PASSPHRASE_VAR));
        assert!(err(Some("eleven char")).unwrap().contains("at least 12"));
        assert!(err(Some("twelve chars\n")).unwrap().contains("control"));
        assert_eq!(err(Some("twelve chars")), None);
    }
}
