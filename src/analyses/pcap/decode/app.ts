/**
 * Application-layer sniffing from one TCP payload, without reassembly: an HTTP request line and
 * its Host header, and IRC lines. Both read at most the first few kilobytes of a segment.
 *
 *   HTTP request: METHOD SP request-target SP HTTP/1.x CRLF, header lines, CRLF CRLF
 *   IRC:          [":" prefix SP] command params CRLF, one message per line (RFC 1459)
 */

import { viewOf } from "../read/packet.js";

/** An HTTP request seen at the start of a TCP payload. */
export interface HttpRequest {
  method: string;
  uri: string;
  /** Host header value, or null when absent (or beyond the segment). */
  host: string | null;
  /**
   * User-Agent header value, or null. A method, not a field: the hot loop looks for the header
   * only when a collector asks (the HTTP table does until it is full; no detector does), in the
   * segment's bytes, so ask during the callback.
   */
  userAgent(): string | null;
}

/** The hot loop's reusable request (see {@link parseHttpRequest}'s `into`). */
export interface ReusableHttpRequest extends HttpRequest {
  /** Where the header lines lie: `buf[headers, end)`, headers -1 when the segment has none. */
  buf: Buffer;
  view: DataView;
  headers: number;
  end: number;
}

/** Makes the reusable request object of a session. (A method, not a getter: V8 stores into an object with accessors much more slowly.) */
export function newHttpRequest(): ReusableHttpRequest {
  return {
    method: "",
    uri: "",
    host: null,
    buf: EMPTY,
    view: viewOf(EMPTY),
    headers: -1,
    end: -1,
    userAgent() {
      return this.headers < 0 ? null : header(this.buf, this.view, this.headers, this.end, USER_AGENT);
    },
  };
}

const EMPTY = Buffer.alloc(0);

const METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE"];
/** Methods by their first byte: few enough to compare byte by byte, so no string is made. */
const BY_FIRST: string[][] = [];
for (const m of METHODS) (BY_FIRST[m.charCodeAt(0)] ??= []).push(m);
const SCAN_LIMIT = 8192;
const LF = 0x0a;
const CR = 0x0d;

/**
 * A header name to look for (lower case, with its colon), as big-endian 4-byte words with a mask
 * of 0x20 on each letter: `(word | mask) === words[k]` folds the case of letters only, so no
 * control byte can pass for ':' (0x1a | 0x20) or '-' (0x0d | 0x20). The last 0-3 bytes go one by one.
 */
interface HeaderName {
  name: string;
  words: number[];
  masks: number[];
}

function headerName(name: string): HeaderName {
  const words: number[] = [];
  const masks: number[] = [];
  for (let i = 0; i + 4 <= name.length; i += 4) {
    let w = 0;
    let m = 0;
    for (let k = 0; k < 4; k++) {
      const c = name.charCodeAt(i + k);
      w = (w << 8) | c;
      m = (m << 8) | (c >= 0x61 && c <= 0x7a ? 0x20 : 0);
    }
    words.push(w);
    masks.push(m);
  }
  return { name, words, masks };
}

const HOST = headerName("host:");
const USER_AGENT = headerName("user-agent:");

/** True when `c` is an ASCII digit. */
function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * The known method spelled at `buf[off]` and followed by a space, or null. Compared candidate by
 * candidate, so a response ("HTTP/1.1 200") fails at its second byte.
 */
function methodAt(buf: Buffer, off: number, end: number): string | null {
  const cands = BY_FIRST[buf[off]!];
  if (!cands) return null;
  next: for (const m of cands) {
    if (off + m.length >= end) continue;
    for (let i = 1; i < m.length; i++) if (buf[off + i] !== m.charCodeAt(i)) continue next;
    if (buf[off + m.length] === 0x20) return m;
  }
  return null;
}

/** True when the header line at `buf[p, end)` starts with `h`'s name, letters folded; `view` is a DataView of `buf`. */
function startsWithName(buf: Buffer, view: DataView, p: number, end: number, h: HeaderName): boolean {
  const name = h.name;
  if (p + name.length > end) return false;
  const words = h.words;
  let i = 0;
  for (let k = 0; k < words.length; k++, i += 4) if ((view.getInt32(p + i) | h.masks[k]!) !== words[k]) return false;
  for (; i < name.length; i++) {
    const want = name.charCodeAt(i);
    const c = buf[p + i]!;
    if (c !== want && !(want >= 0x61 && want <= 0x7a && (c | 0x20) === want)) return false;
  }
  return true;
}

/**
 * Strings of recent request targets and header values by their bytes: a capture repeats the same
 * Host, User-Agent and paths over and over, and one interned string serves them all (and keeps
 * its cached hash for the collectors' Set and Map lookups).
 */
const INTERN_SLOTS = 1024;
const INTERN_SHIFT = 32 - 10;
const INTERN_MAX = 256;
const internText: (string | undefined)[] = new Array(INTERN_SLOTS);
/** The bytes of each interned string, slot i at i * INTERN_MAX: compared four at a time. */
const internView = new DataView(new ArrayBuffer(INTERN_SLOTS * INTERN_MAX));
const internBytes = new Uint8Array(internView.buffer);

/** `buf[from, to)` as a latin1 string, interned when short; `view` is a DataView of `buf`. */
function text(buf: Buffer, view: DataView, from: number, to: number): string {
  const len = to - from;
  if (len > INTERN_MAX) return buf.toString("latin1", from, to);
  // FNV-1a over 4-byte words, then the last 0-3 bytes; the slot is the top bits, which every
  // input bit reaches. A collision costs one string, not a wrong one.
  let h = Math.imul(0x811c9dc5 ^ len, 0x01000193);
  let i = from;
  for (; i + 4 <= to; i += 4) h = Math.imul(h ^ view.getInt32(i), 0x01000193);
  for (; i < to; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  const slot = h >>> INTERN_SHIFT;
  const t = internText[slot];
  const at = slot * INTERN_MAX;
  if (t !== undefined && t.length === len) {
    let k = 0;
    while (k + 4 <= len && internView.getInt32(at + k) === view.getInt32(from + k)) k += 4;
    while (k < len && internBytes[at + k] === buf[from + k]) k++;
    if (k === len) return t;
  }
  const str = buf.toString("latin1", from, to);
  internText[slot] = str;
  buf.copy(internBytes, at, from, to);
  return str;
}

/** The header value at `buf[p, eol)` (just after the name's colon), blanks and CR trimmed. */
function value(buf: Buffer, view: DataView, p: number, eol: number): string {
  while (p < eol && (buf[p] === 0x20 || buf[p] === 0x09)) p++;
  let e = eol;
  while (e > p && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09 || buf[e - 1] === CR)) e--;
  return text(buf, view, p, e);
}

/**
 * End of the line that starts at `p`: its LF, or `end`. Buffer.indexOf is memchr, a tenth of a
 * byte loop's cost on a header line. It may read on past `end` to the next LF in `buf`, but each
 * search starts just after an LF and after where the last one started (packets come in buffer
 * order), so one pass over the requests of a chunk reads each byte of it at most once, however
 * the segments are crafted. The Host search and the User-Agent search (when asked) are two such
 * passes; live capture's chunk is one frame's 64 KiB buffer.
 */
function lineEnd(buf: Buffer, p: number, end: number): number {
  const lf = buf.indexOf(LF, p);
  return lf < 0 || lf > end ? end : lf;
}

/**
 * The value of the first header line named `h` in the header lines at `buf[p, end)`, or null.
 * Lines after the blank line are body, not headers.
 */
function header(buf: Buffer, view: DataView, p: number, end: number, h: HeaderName): string | null {
  const first = h.name.charCodeAt(0);
  while (p < end) {
    const eol = lineEnd(buf, p, end);
    if (eol === p || (eol === p + 1 && buf[p] === CR)) return null;
    // The first letter rules out most lines.
    if ((buf[p]! | 0x20) === first && startsWithName(buf, view, p, eol, h)) return value(buf, view, p + h.name.length, eol);
    p = eol + 1;
  }
  return null;
}

/**
 * Parses an HTTP request at `buf[off, off + len)`, or null when the payload does not start with one.
 * Uses at most SCAN_LIMIT bytes and never any past the segment (the chunk `buf` holds later
 * packets). With `into`, fills and returns that object instead of a new one (the hot loop reuses
 * one: its method, uri and host are immutable strings, so what a collector copies out stays
 * valid; its userAgent() reads `buf` when asked). `view` is a DataView of `buf` (the packet's).
 */
export function parseHttpRequest(buf: Buffer, off: number, len: number, into?: ReusableHttpRequest, view: DataView = viewOf(buf)): HttpRequest | null {
  if (len < 14) return null;
  const end = off + Math.min(len, SCAN_LIMIT);
  // 1. Method: one of the known ones, then a space.
  const method = methodAt(buf, off, end);
  if (method === null) return null;
  // 2. Request target: no whitespace or control bytes, ends at " HTTP/".
  const u0 = off + method.length + 1;
  let u = u0;
  while (u < end && buf[u]! > 0x20) u++;
  if (u === u0 || u + 7 > end || buf[u] !== 0x20) return null;
  // 3. Version: "HTTP/" digit ["." digit], then the end of the line (CRLF, LF or end of segment).
  let v = u + 1;
  if (buf[v] !== 0x48 || buf[v + 1] !== 0x54 || buf[v + 2] !== 0x54 || buf[v + 3] !== 0x50 || buf[v + 4] !== 0x2f) return null;
  v += 5;
  if (!isDigit(buf[v])) return null;
  v++;
  if (v < end && buf[v] === 0x2e) {
    if (v + 1 >= end || !isDigit(buf[v + 1])) return null;
    v += 2;
  }
  if (v < end && buf[v] === CR) v++;
  if (v < end && buf[v] !== LF) return null;
  const uri = text(buf, view, u0, u);
  // 4. Header lines up to the blank line (or the end of the segment); the first Host wins.
  const headers = v + 1 < end ? v + 1 : -1;
  const host = headers < 0 ? null : header(buf, view, headers, end, HOST);
  if (into === undefined) {
    const userAgent = headers < 0 ? null : header(buf, view, headers, end, USER_AGENT);
    return { method, uri, host, userAgent: () => userAgent };
  }
  into.method = method;
  into.uri = uri;
  into.host = host;
  into.buf = buf;
  into.view = view;
  into.headers = headers;
  into.end = end;
  return into;
}

/** The text lines of an IRC payload (CRLF or LF separated, at most `SCAN_LIMIT` bytes, empty lines dropped). */
export function ircLines(buf: Buffer, off: number, len: number): string[] {
  const text = buf.toString("utf8", off, off + Math.min(len, SCAN_LIMIT));
  return text.split(/\r?\n/).filter((l) => l.length > 0);
}
