/* The public verification page: judges the "DC1:…" code in the URL fragment here, in the
 * browser, against the published trust list and signed revocation list.
 *
 * The rules and their order are those of dualcert/credentials/signing/verify.py, and the
 * readers behave like the ones Python uses there (base64.urlsafe_b64decode, zlib, cbor2,
 * cryptography's strict Ed25519), so the page and the server give the same verdict for the
 * same text. The code never leaves the phone: a URL fragment is not sent to any server.
 */
import { inflateSync } from "fflate";
import { Encoder } from "cbor-x/encode.js";
import * as ed from "@noble/ed25519";
import { Tag, cborLoads, isInteger } from "./cbor.js";

const PREFIX = "DC1:";
const COSE_SIGN1_TAG = 18;
const HEADER_ALG = 1;
const HEADER_KID = 4;
const ALG_EDDSA = -8;
const CLAIM_ISS = 1;
const CLAIM_EXP = 4;
const CLAIM_IAT = 6;
const CLAIM_CERTIFICATE = -70001;
const MAX_DECOMPRESSED = 16 * 1024;
// No payload this system makes comes near this; it bounds the work a hostile fragment causes.
const MAX_COMPRESSED = 64 * 1024;
const REQUIRED_CLAIMS = ["n", "t", "h"];
const TRUST_FORMAT = "dualcert-trust-list/1";
const REVOCATIONS_FORMAT = "dualcert-revocations/1";
const REVOCATION_HASH_BYTES = 16;
const STORAGE_KEY = "dualcert.verify.lists";
// Verdicts reached only when a key allowed to sign the certificate did: its details are true.
const ISSUERS_OWN = new Set(["valid", "expired", "revoked"]);
const MARKS = {
  valid: "✓", forged: "✗", unknown_key: "✗", key_not_allowed: "✗", expired: "!", revoked: "!",
  unreadable: "?",
};

class Unreadable extends Error {}
// A whole payload whose compressed bytes fail their integrity check: it was changed
// (payload.py's Altered).
class Altered extends Unreadable {}
class ListError extends Error {}

const encoder = new Encoder({ useRecords: false, tagUint8Array: false });

/* ---- Readers that behave like Python's --------------------------------------------------- */

// The characters Python's str.strip() removes.
const SPACE = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const STRIP = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");
const pyStrip = (text) => text.replace(STRIP, "");

const BASE64 = new Int8Array(128).fill(-1);
[..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].forEach((c, i) => {
  BASE64[c.charCodeAt(0)] = i;
});
BASE64["-".charCodeAt(0)] = 62;
BASE64["_".charCodeAt(0)] = 63;

/* base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)) as CPython 3.11 and 3.12 run it:
 * ASCII only, characters outside the alphabet skipped, a complete padding ends the data.
 * (3.13 reads a "=" inside the text differently; no payload this system makes has one.) */
function unb64url(text, Failure = Unreadable) {
  if (typeof text !== "string" || /[^\x00-\x7f]/.test(text)) throw new Failure("base64");
  const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
  const out = [];
  let quad = 0;
  let left = 0;
  let pads = 0;
  for (let i = 0; i < padded.length; i++) {
    const code = padded.charCodeAt(i);
    if (code === 61) {
      if (quad >= 2 && quad + ++pads >= 4) return Uint8Array.from(out);
      continue;
    }
    const value = BASE64[code];
    if (value < 0) continue;
    pads = 0;
    // Six bits a character; a byte out as soon as eight are there.
    if (quad === 1) out.push(((left << 2) | (value >> 4)) & 0xff);
    else if (quad === 2) out.push(((left << 4) | (value >> 2)) & 0xff);
    else if (quad === 3) out.push(((left << 6) | value) & 0xff);
    left = value;
    quad = (quad + 1) % 4;
  }
  if (quad !== 0) throw new Failure("base64");
  return Uint8Array.from(out);
}

function b64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

function adler32(data) {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function inflateCapped(deflated) {
  // A fixed output buffer: fflate stops growing it, so a zlib bomb cannot fill the memory.
  const inflated = inflateSync(deflated, { out: new Uint8Array(MAX_DECOMPRESSED + 1) });
  if (inflated.length > MAX_DECOMPRESSED) throw new Unreadable("zlib size");
  return inflated.slice();
}

function deflateEnd(deflated) {
  // The shortest prefix that inflates completely ends where the stream ends.
  const complete = (length) => {
    try {
      inflateCapped(deflated.subarray(0, length));
      return true;
    } catch {
      return false;
    }
  };
  let low = 1;
  let high = deflated.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (complete(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/* zlib.decompressobj().decompress(raw, MAX_DECOMPRESSED) as payload.py uses it: the header
 * checked, at most 16 KB out, the stream complete and its Adler-32 checksum right; bytes after
 * the checksum are ignored, as Python ignores them. fflate inflates; its zlib wrapper skips the
 * checksum, so the header and checksum are checked here. */
function inflateZlib(raw) {
  if (raw.length < 2 || raw.length > MAX_COMPRESSED) throw new Unreadable("zlib");
  const [cmf, flg] = raw;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) {
    throw new Unreadable("zlib header");
  }
  const deflated = raw.subarray(2);
  if (!deflated.length) throw new Altered("zlib incomplete");
  let message;
  try {
    message = inflateCapped(deflated);
  } catch (error) {
    if (error instanceof Unreadable) throw error; // larger than any payload
    // Changed or cut short: as in payload.py, both are altered (where a decoder notices a
    // cut differs between zlib and fflate).
    throw new Altered("zlib");
  }
  const end = deflateEnd(deflated);
  const check = deflated.subarray(end, end + 4);
  if (check.length < 4) throw new Altered("zlib checksum");
  const expected = ((check[0] << 24) | (check[1] << 16) | (check[2] << 8) | check[3]) >>> 0;
  if (adler32(message) !== expected) throw new Altered("zlib checksum");
  return message;
}

const isBytes = (value) => value instanceof Uint8Array;
const numberEquals = (value, expected) =>
  (typeof value === "number" || typeof value === "bigint") && value == expected; // eslint-disable-line eqeqeq

/* ---- The payload (payload.py) ------------------------------------------------------------- */

function textFromUrlOrPayload(value) {
  const text = pyStrip(value);
  if (text.includes("#") && !text.startsWith(PREFIX)) return text.slice(text.indexOf("#") + 1);
  return text;
}

function unpackText(value) {
  const text = pyStrip(value);
  if (!text.startsWith(PREFIX)) throw new Unreadable("prefix");
  return inflateZlib(unb64url(text.slice(PREFIX.length)));
}

// A CBOR map as a Python dict sees it: True is the key 1, False the key 0.
function asDict(map) {
  const dict = new Map();
  for (const [key, value] of map) {
    dict.set(typeof key === "boolean" || typeof key === "bigint" ? Number(key) : key, value);
  }
  return dict;
}

function decodePayload(text) {
  let message = cborLoads(unpackText(text));
  if (message instanceof Tag) {
    if (message.tag !== COSE_SIGN1_TAG) throw new Unreadable("tag");
    message = message.value;
  }
  if (!Array.isArray(message) || message.length !== 4) throw new Unreadable("cose");
  const [protectedHeader, , payload, signature] = message;
  if (![protectedHeader, payload, signature].every(isBytes)) throw new Unreadable("cose");
  const header = cborLoads(protectedHeader);
  if (!(header instanceof Map)) throw new Unreadable("header");
  const headerDict = asDict(header);
  if (!numberEquals(headerDict.get(HEADER_ALG), ALG_EDDSA)) throw new Unreadable("header");
  const kid = headerDict.get(HEADER_KID);
  const claims = cborLoads(payload);
  if (!isBytes(kid) || !(claims instanceof Map)) throw new Unreadable("claims");
  return { protectedHeader, kid, payload, signature, claims: asDict(claims) };
}

// The bytes an Ed25519 COSE_Sign1 signature covers (RFC 9052 §4.4), no external AAD.
function sigStructure(protectedHeader, payload) {
  // The encoder reuses its buffer: keep a copy.
  return encoder.encode(["Signature1", protectedHeader, new Uint8Array(0), payload]).slice();
}

function certificateOf(claims) {
  const certificate = claims.get(CLAIM_CERTIFICATE);
  return certificate instanceof Map ? certificate : new Map();
}

function wellFormed({ claims }) {
  const certificate = certificateOf(claims);
  if (!isInteger(claims.get(CLAIM_IAT)) || typeof claims.get(CLAIM_ISS) !== "string") return false;
  if (claims.has(CLAIM_EXP) && !isInteger(claims.get(CLAIM_EXP))) return false;
  return REQUIRED_CLAIMS.every((key) => typeof certificate.get(key) === "string");
}

/* ---- The lists (trust.py) ----------------------------------------------------------------- */

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

async function revocationHash(number) {
  const digest = await sha256(new TextEncoder().encode(`dualcert-revocation:${number}`));
  return b64url(digest.subarray(0, REVOCATION_HASH_BYTES));
}

async function signatureHolds(publicKey, signature, data) {
  try {
    // zip215: false is RFC 8032's strict check, the one `cryptography` makes; noble hashes
    // with the browser's own SHA-512 (crypto.subtle) in verifyAsync.
    return await ed.verifyAsync(signature, data, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

function timestamp(value) {
  if (value === null) return null;
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new ListError("time");
  return Math.trunc(ms / 1000);
}

function trustedKey(entry) {
  const publicKey = unb64url(entry.public_key, ListError);
  if (publicKey.length !== 32 || !Array.isArray(entry.certificate_types)) {
    throw new ListError("trust list entry");
  }
  for (const field of ["issuer", "issuer_name", "signs_lists", "signs_from", "retired_at"]) {
    if (!(field in entry)) throw new ListError("trust list entry");
  }
  const signsFrom = timestamp(entry.signs_from) || 0;
  const retiredAt = timestamp(entry.retired_at);
  return {
    issuer: entry.issuer,
    issuerName: entry.issuer_name,
    certificateTypes: new Set(entry.certificate_types),
    signsLists: Boolean(entry.signs_lists),
    verifies: (signature, data) => signatureHolds(publicKey, signature, data),
    inPeriod: (at) => signsFrom <= at && (retiredAt === null || at < retiredAt),
  };
}

function parseTrustList(document) {
  if (!document || typeof document !== "object" || document.format !== TRUST_FORMAT) {
    throw new ListError("trust list format");
  }
  const keys = new Map();
  try {
    for (const entry of document.keys) keys.set(hex(unb64url(entry.kid, ListError)), trustedKey(entry));
  } catch {
    throw new ListError("trust list entry");
  }
  return keys;
}

const pyStr = (value) => (typeof value === "string" ? value : String(value));

// open_revocations: the list counts only if a key allowed to sign lists signed it.
async function openRevocations(envelope, keys) {
  if (!envelope || typeof envelope !== "object" || envelope.format !== REVOCATIONS_FORMAT) {
    throw new ListError("revocation list format");
  }
  const key = keys.get(hex(unb64url(pyStr(envelope.kid ?? ""), ListError)));
  if (!key || !key.signsLists) throw new ListError("revocation list key");
  const body = unb64url(pyStr(envelope.payload ?? ""), ListError);
  const signature = unb64url(pyStr(envelope.signature ?? ""), ListError);
  if (!(await key.verifies(signature, body))) throw new ListError("revocation list signature");
  const content = JSON.parse(new TextDecoder().decode(body));
  if (content.version !== envelope.version || !Array.isArray(content.revoked)) {
    throw new ListError("revocation list content");
  }
  return content;
}

async function trustStore(trustText, revocationsText) {
  const trust = JSON.parse(trustText);
  const keys = parseTrustList(trust);
  const content = await openRevocations(JSON.parse(revocationsText), keys);
  return {
    keys,
    revoked: new Set(content.revoked),
    trustVersion: trust.version,
    trustMadeAt: trust.made_at,
    revocationsVersion: content.version,
    revocationsMadeAt: content.made_at,
  };
}

/* ---- The verdict (verify.py) -------------------------------------------------------------- */

async function judge(text, store, now = Date.now() / 1000) {
  let decoded;
  try {
    decoded = decodePayload(textFromUrlOrPayload(text));
  } catch (error) {
    return { verdict: error instanceof Altered ? "forged" : "unreadable" };
  }
  if (!wellFormed(decoded)) return { verdict: "unreadable" };
  const { claims } = decoded;
  const certificate = certificateOf(claims);
  const key = store.keys.get(hex(decoded.kid));
  if (!key) return { verdict: "unknown_key", certificate };
  const base = { certificate, issuerName: key.issuerName };
  const signed = sigStructure(decoded.protectedHeader, decoded.payload);
  if (!(await key.verifies(decoded.signature, signed))) return { verdict: "forged", ...base };
  if (claims.get(CLAIM_ISS) !== key.issuer || !key.certificateTypes.has(certificate.get("t"))
      || !key.inPeriod(claims.get(CLAIM_IAT))) {
    return { verdict: "key_not_allowed", ...base };
  }
  if (store.revoked.has(await revocationHash(certificate.get("n")))) {
    return { verdict: "revoked", ...base };
  }
  if (claims.has(CLAIM_EXP) && now >= claims.get(CLAIM_EXP)) return { verdict: "expired", ...base };
  return { verdict: "valid", ...base };
}

/* ---- The page ------------------------------------------------------------------------------ */

const main = document.getElementById("main");
const TEXTS = JSON.parse(document.getElementById("verify-texts").textContent);
const $ = (id) => document.getElementById(id);
let lists = null;
let checking = 0;

function formatTime(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return "—";
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang, {
      dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai",
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");

function claimText(outcome, name) {
  const certificate = outcome.certificate;
  if (name === "signer") return outcome.issuerName || "";
  const value = certificate.get(name);
  const text = typeof value === "string" ? value : "";
  if (name === "k") return TEXTS.kinds[text] || text;
  if (name === "x") return text || TEXTS.noExpiry;
  return text;
}

function showDetails(outcome) {
  const trusted = ISSUERS_OWN.has(outcome.verdict);
  $("details").hidden = !trusted;
  const untrusted = !trusted && outcome.certificate !== undefined;
  $("not-shown").hidden = !untrusted;
  $("not-shown").textContent = untrusted ? TEXTS.notShown : "";
  if (!trusted) return;
  for (const cell of $("details").querySelectorAll("dd[data-claim]")) {
    const text = claimText(outcome, cell.dataset.claim);
    (cell.querySelector("[data-claim-text]") || cell).textContent = text;
  }
  for (const row of $("details").querySelectorAll("[data-row]")) {
    row.hidden = !claimText(outcome, row.dataset.row);
  }
}

function show(outcome) {
  const result = $("result");
  const texts = TEXTS.verdicts[outcome.verdict];
  result.hidden = false;
  $("how-to").hidden = true;
  result.querySelector(".verdict-mark").textContent = MARKS[outcome.verdict];
  $("verdict-title").textContent = texts.title;
  $("verdict-explain").textContent = outcome.note ? `${texts.explain} ${outcome.note}` : texts.explain;
  showDetails(outcome);
  result.dataset.verdict = outcome.verdict;
}

function showHowTo() {
  $("result").hidden = true;
  $("result").dataset.verdict = "";
  $("details").hidden = true;
  $("not-shown").hidden = true;
  $("how-to").hidden = false;
}

async function checkFragment() {
  const text = location.hash.slice(1);
  const turn = ++checking;
  if (!text) {
    showHowTo();
    return;
  }
  let outcome;
  if (!lists) outcome = { verdict: "unreadable", note: TEXTS.listsMissing };
  else outcome = await judge(text, lists);
  if (turn === checking) show(outcome);
}

function showLists(status) {
  $("trust-version").textContent = lists ? String(lists.trustVersion) : "—";
  $("trust-made").textContent = lists ? formatTime(lists.trustMadeAt) : "—";
  $("revocations-version").textContent = lists ? String(lists.revocationsVersion) : "—";
  $("revocations-made").textContent = lists ? formatTime(lists.revocationsMadeAt) : "—";
  $("lists-status").textContent = status;
}

async function download(url) {
  // "no-cache": ask the server every time (a cheap 304 when nothing changed).
  const response = await fetch(url, { cache: "no-cache", credentials: "omit" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return { text: await response.text(), kept: response.headers.has("X-Dualcert-Kept") };
}

function savedLists() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
  } catch {
    return null;
  }
}

async function downloadLists() {
  try {
    const [trust, revocations] = await Promise.all(
      [download(main.dataset.trustList), download(main.dataset.revocations)]);
    return { trust: trust.text, revocations: revocations.text, kept: trust.kept || revocations.kept };
  } catch {
    return null; // no network, and no copy in the service worker either
  }
}

function keep(copy) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(copy));
  } catch {
    /* storage full or refused: the service worker's copy remains */
  }
}

async function useKeptLists(fetched, refused) {
  for (const copy of [savedLists(), fetched].filter(Boolean)) {
    try {
      lists = await trustStore(copy.trust, copy.revocations);
      const time = formatTime(copy.at);
      if (refused) showLists(fill(TEXTS.listsRefused, { time }));
      else showLists(copy.at ? fill(TEXTS.listsOffline, { time }) : TEXTS.listsOfflineUndated);
      return;
    } catch {
      /* try the next copy */
    }
  }
  lists = null;
  showLists(TEXTS.listsMissing);
}

/* The lists from the network when there is one, else the copy this page kept in localStorage,
 * else the service worker's copy (it answers from its cache when there is no network). */
async function loadLists() {
  const fetched = await downloadLists();
  if (!fetched || fetched.kept) {
    await useKeptLists(fetched, false);
    return;
  }
  try {
    lists = await trustStore(fetched.trust, fetched.revocations);
  } catch {
    await useKeptLists(null, true); // a download whose signature does not hold is not used
    return;
  }
  const copy = { trust: fetched.trust, revocations: fetched.revocations, at: new Date().toISOString() };
  keep(copy);
  showLists(fill(TEXTS.listsFresh, { time: formatTime(copy.at) }));
}

async function refreshLists() {
  const button = $("refresh-lists");
  button.disabled = true;
  $("lists-status").textContent = TEXTS.refreshing;
  try {
    await loadLists();
    await checkFragment();
  } finally {
    button.disabled = false;
  }
}

function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker
    .register(main.dataset.serviceWorker, { scope: main.dataset.scope, updateViaCache: "none" })
    .catch(() => undefined);
}

function failSafe() {
  // Whatever went wrong, the visitor reads a verdict, never a blank page.
  if (location.hash.length > 1) show({ verdict: "unreadable" });
  else showHowTo();
}

// The same judgement for scripts on this page (the tests compare it with the server's).
window.dualcert = Object.freeze({
  check: async (text) => (lists ? (await judge(text, lists)).verdict : "unreadable"),
});

async function start() {
  document.documentElement.setAttribute("data-verify-ready", "1");
  registerWorker();
  $("refresh-lists").addEventListener("click", () => refreshLists().catch(failSafe));
  window.addEventListener("hashchange", () => checkFragment().catch(failSafe));
  await loadLists();
  await checkFragment();
}

start().catch(failSafe);
