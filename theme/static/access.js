// Unlocks a page of a passphrase-protected site (`[access]` in vitrine.toml). The page is
// a shell around its own ciphertext (#vitrine-sealed); this script derives the key from
// the passphrase exactly as the build did (PBKDF2-HMAC-SHA256 with the site's salt, then
// HKDF-SHA256 to the AES-256-GCM key), decrypts with Web Crypto only, and puts the page in
// place of the shell. The key (never the passphrase) is kept in sessionStorage, or in
// localStorage when the reader asks to be remembered, so the next page opens at once.
// No request leaves the page: it works from file://, any sub-path and any static host.
(function () {
  "use strict";
  var sealed = document.getElementById("vitrine-sealed");
  if (!sealed) return;
  var form = document.getElementById("vitrine-unlock");
  var field = document.getElementById("vitrine-passphrase");
  var remember = document.getElementById("vitrine-remember");
  var status = document.getElementById("vitrine-unlock-status");
  var salt = sealed.getAttribute("data-salt");
  var iterations = parseInt(sealed.getAttribute("data-iterations"), 10);
  var slot = "vitrine-key:" + salt; // one per site, even with several sites on one host
  var subtle = window.crypto && window.crypto.subtle;
  var utf8 = new TextEncoder();

  function bytes(b64url) {
    var s = atob(b64url.trim().replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function base64url(buf) {
    var s = "", b = new Uint8Array(buf);
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function store(name) {
    try { return window[name]; } catch (e) { return null; } // storage can be switched off
  }
  var session = store("sessionStorage"), local = store("localStorage");

  // The AES-GCM key of a passphrase: the build's derivation (see src/access.rs).
  function derive(passphrase) {
    return subtle.importKey("raw", utf8.encode(passphrase), "PBKDF2", false, ["deriveBits"])
      .then(function (k) {
        return subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: bytes(salt), iterations: iterations }, k, 256);
      })
      .then(function (bits) { return subtle.importKey("raw", bits, "HKDF", false, ["deriveKey"]); })
      .then(function (k) {
        return subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: utf8.encode("vitrine/v1/aes-256-gcm") },
          k, { name: "AES-GCM", length: 256 }, true, ["decrypt"]);
      });
  }
  // Decrypts one blob: base64url(nonce ‖ ciphertext ‖ tag). Rejects on a wrong key.
  function open(key, blob) {
    var b = bytes(blob);
    return subtle.decrypt({ name: "AES-GCM", iv: b.slice(0, 12) }, key, b.slice(12))
      .then(function (plain) { return new TextDecoder().decode(plain); });
  }
  function keep(key, persist) {
    return subtle.exportKey("raw", key).then(function (raw) {
      if (session) session.setItem(slot, base64url(raw));
      if (local && persist) local.setItem(slot, base64url(raw));
    });
  }
  function forget() {
    [session, local].forEach(function (s) { if (s) s.removeItem(slot); });
  }

  // Sealed data files (the search index) push their ciphertext onto VITRINE_SEALED when
  // they load; each is decrypted and run in the order the page loaded them.
  function drain(key) {
    var queue = window.VITRINE_SEALED || [];
    window.VITRINE_SEALED = [];
    return queue.reduce(function (done, blob) {
      return done.then(function () { return open(key, blob); }).then(function (js) {
        var s = document.createElement("script");
        s.textContent = js;
        document.head.appendChild(s);
      });
    }, Promise.resolve());
  }
  // Runs the page's scripts one after the other, as the parser would have.
  function runScripts(key, scripts) {
    return scripts.reduce(function (done, old) {
      return done.then(function () {
        return new Promise(function (resolve) {
          var s = document.createElement("script");
          for (var i = 0; i < old.attributes.length; i++) s.setAttribute(old.attributes[i].name, old.attributes[i].value);
          s.textContent = old.textContent;
          if (s.src) { s.async = false; s.onload = s.onerror = resolve; }
          old.parentNode.replaceChild(s, old);
          if (!s.src) resolve();
        }).then(function () { return drain(key); });
      });
    }, Promise.resolve());
  }
  // Puts the decrypted page in place of the shell.
  function show(key, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    var have = {};
    Array.prototype.forEach.call(document.head.children, function (el) { have[el.outerHTML] = true; });
    var scripts = [];
    Array.prototype.forEach.call(doc.head.children, function (el) {
      if (el.tagName === "TITLE" || have[el.outerHTML]) return;
      var node = document.importNode(el, true);
      document.head.appendChild(node);
      if (el.tagName === "SCRIPT") scripts.push(node);
    });
    for (var i = 0; i < doc.body.attributes.length; i++) document.body.setAttribute(doc.body.attributes[i].name, doc.body.attributes[i].value);
    document.body.classList.remove("locked");
    document.body.textContent = "";
    Array.prototype.forEach.call(doc.body.childNodes, function (n) { document.body.appendChild(document.importNode(n, true)); });
    scripts = scripts.concat(Array.prototype.slice.call(document.body.querySelectorAll("script")));
    addLock();
    var target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();
    return runScripts(key, scripts);
  }
  function addLock() {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "lock-button";
    b.textContent = sealed.getAttribute("data-lock");
    b.addEventListener("click", function () { forget(); location.reload(); });
    var header = document.querySelector(".site-header .wrap");
    (header || document.body).appendChild(b);
  }
  function ask(message) {
    form.hidden = false;
    status.textContent = message || "";
    field.focus();
  }
  // Unlocks with a passphrase; false when it is not the site's.
  function unlock(passphrase, persist) {
    return derive(passphrase).then(function (key) {
      return open(key, sealed.textContent).then(function (html) {
        return keep(key, persist).then(function () { return show(key, html); }).then(function () { return true; });
      }, function () { return false; });
    });
  }

  if (!subtle) { ask(status.getAttribute("data-unsupported")); return; }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    status.textContent = status.getAttribute("data-working");
    unlock(field.value, remember.checked).then(function (ok) {
      if (!ok) { ask(status.getAttribute("data-wrong")); field.select(); return; }
      var main = document.getElementById("main"); // keyboard and screen-reader users start there
      if (main && !location.hash) main.focus();
    });
  });
  // A share link (`#key=PASSPHRASE`, when the site allows them): used once, then taken out
  // of the address bar and the history.
  var shared = null;
  if (location.hash.indexOf("#key=") === 0) {
    if (sealed.hasAttribute("data-share")) shared = decodeURIComponent(location.hash.slice(5));
    try { history.replaceState(history.state, "", location.pathname + location.search); } catch (e) { location.hash = ""; }
  }
  if (shared !== null) {
    unlock(shared, false).then(function (ok) { if (!ok) ask(status.getAttribute("data-wrong")); });
    return;
  }
  var raw = (session && session.getItem(slot)) || (local && local.getItem(slot));
  if (!raw) { ask(); return; }
  subtle.importKey("raw", bytes(raw), "AES-GCM", true, ["decrypt"])
    .then(function (key) {
      return open(key, sealed.textContent).then(function (html) {
        if (session) session.setItem(slot, raw);
        return show(key, html);
      });
    })
    .catch(function () { forget(); ask(); }); // a key of an earlier passphrase
})();
