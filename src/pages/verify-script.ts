/**
 * The script of the /verify page, served from /assets/verify.js (the CSP allows no inline
 * script). It repeats the server's check in the browser, trusting nothing but the math: it fetches
 * the latest checkpoint and the inclusion proof, recomputes the root with RFC 9162 2.1.3.2 using
 * WebCrypto SHA-256, compares it with the root inside the signed checkpoint text, and verifies the
 * Ed25519 signature where the browser's WebCrypto supports Ed25519 (it says so where it does not).
 * Plain ES2017, no build step, no dependencies.
 */
export const verifyScript = String.raw`(function () {
  'use strict';
  var box = document.getElementById('receipt-check');
  var out = document.getElementById('browser-verdict');
  if (!box || !out) return;
  var msg = JSON.parse(box.getAttribute('data-messages') || '{}');
  var index = Number(box.getAttribute('data-index'));
  var leafHex = String(box.getAttribute('data-hash') || '').toLowerCase();

  function say(kind, text) {
    out.className = 'notice ' + kind;
    out.textContent = text;
    out.hidden = false;
  }
  function fromHex(h) {
    var b = new Uint8Array(h.length / 2);
    for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16);
    return b;
  }
  function toHex(b) {
    var s = '';
    for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
  }
  function fromB64(t) {
    var s = atob(t);
    var b = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return b;
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  }
  async function children(l, r) {
    var b = new Uint8Array(65);
    b[0] = 1;
    b.set(l, 1);
    b.set(r, 33);
    return sha256(b);
  }
  // RFC 9162 section 2.1.3.2
  async function rootFromInclusion(fn, size, leaf, path) {
    if (fn >= size) return null;
    var sn = size - 1;
    var r = leaf;
    for (var i = 0; i < path.length; i++) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await children(path[i], r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await children(r, path[i]);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }
  async function getJson(url) {
    var res = await fetch(url, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(url + ': HTTP ' + res.status);
    return res.json();
  }
  async function checkSignature(text, key) {
    try {
      var split = text.indexOf('\n\n');
      var body = new TextEncoder().encode(text.slice(0, split + 1));
      var line = text.slice(split + 2).split('\n')[0];
      var blob = fromB64(line.split(' ')[2]);
      var pub = await crypto.subtle.importKey('raw', fromB64(key.publicKey), { name: 'Ed25519' }, false, ['verify']);
      return (await crypto.subtle.verify({ name: 'Ed25519' }, pub, blob.slice(4), body)) ? 'ok' : 'bad';
    } catch (e) {
      return 'unsupported';
    }
  }
  async function run() {
    if (!window.crypto || !crypto.subtle) { say('warn', msg.noCrypto); return; }
    say('info', msg.checking);
    var cp = await getJson('/api/v1/audit/checkpoint');
    var key = await getJson('/api/v1/audit/key');
    var lines = cp.checkpoint.split('\n');
    var size = Number(lines[1]);
    var signedRoot = fromB64(lines[2]);
    var sig = await checkSignature(cp.checkpoint, key);
    if (sig === 'bad') { say('error', msg.badSignature); return; }
    if (!(index < size)) { say('error', msg.notIncluded.replace('{size}', String(size))); return; }
    var proof = await getJson('/api/v1/audit/proofs/inclusion?index=' + index + '&size=' + size);
    var root = await rootFromInclusion(index, size, fromHex(leafHex), proof.path.map(fromHex));
    var ok = root !== null && toHex(root) === toHex(signedRoot);
    var text = (ok ? msg.included : msg.notIncluded).replace('{size}', String(size)).replace('{root}', toHex(signedRoot));
    if (ok) text += ' ' + (sig === 'ok' ? msg.signatureOk : msg.signatureUnchecked);
    say(ok ? 'ok' : 'error', text);
    out.setAttribute('data-result', ok ? 'included' : 'not-included');
  }
  run().catch(function (e) { say('error', msg.failed + ' ' + (e && e.message ? e.message : String(e))); });
})();
`;
