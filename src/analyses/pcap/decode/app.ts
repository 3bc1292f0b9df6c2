/**
 * Application-layer sniffing from one TCP payload, without reassembly: an HTTP request line and
 * its Host header, and IRC lines. Both read at most the first few kilobytes of a segment.
 *
 *   HTTP request: METHOD SP request-target SP HTTP/1.x CRLF, header lines, CRLF CRLF
 *   IRC:          [":" prefix SP] command params CRLF, one message per line (RFC 1459)
 */

/** An HTTP request seen at the start of a TCP payload. */
export interface HttpRequest {
  method: string;
  uri: string;
  /** Host header value, or null when absent (or beyond the segment). */
  host: string | null;
  /**
   * User-Agent header value, or null. A method, not a field: the hot loop makes the string only
   * when a collector asks (the HTTP table does until it is full; no detector does), from the
   * segment's bytes, so ask during the callback.
   */
  userAgent(): string | null;
}

/** The hot loop's reusable request (see {@link parseHttpRequest}'s `into`). */
export interface ReusableHttpRequest extends HttpRequest {
  /** Where the User-Agent value lies: `uaBuf[uaStart, uaEnd)`, uaStart -1 when there is none. */
  uaBuf: Buffer;
  uaStart: number;
  uaEnd: number;
}

/** Makes the reusable request object of a session. (A method, not a getter: V8 stores into an object with accessors much more slowly.) */
export function newHttpRequest(): ReusableHttpRequest {
  return {
    method: "",
    uri: "",
    host: null,
    uaBuf: EMPTY,
    uaStart: -1,
    uaEnd: -1,
    userAgent() {
      return this.uaStart < 0 ? null : text(this.uaBuf, this.uaStart, this.uaEnd);
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
const HOST = "host:";
const USER_AGENT = "user-agent:";

/** True when `c` is an ASCII digit. */
function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** The method spelled by `buf[off, sp)`, or null. */
function methodAt(buf: Buffer, off: number, sp: number): string | null {
  const cands = BY_FIRST[buf[off]!];
  if (!cands) return null;
  next: for (const m of cands) {
    if (m.length !== sp - off) continue;
    for (let i = 1; i < m.length; i++) if (buf[off + i] !== m.charCodeAt(i)) continue next;
    return m;
  }
  return null;
}

/** True when the header line at `buf[p, end)` starts with `name` (lower case), letters folded. */
function startsWithName(buf: Buffer, p: number, end: number, name: string): boolean {
  if (p + name.length > end) return false;
  for (let i = 0; i < name.length; i++) {
    const want = name.charCodeAt(i);
    const c = buf[p + i]!;
    // Fold letters only, so no control byte can pass for ':' (0x1a | 0x20) or '-' (0x0d | 0x20).
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
const INTERN_MAX = 256;
const internText: (string | undefined)[] = new Array(INTERN_SLOTS);

/** `buf[from, to)` as a latin1 string, interned when short. */
function text(buf: Buffer, from: number, to: number): string {
  const len = to - from;
  if (len > INTERN_MAX) return buf.toString("latin1", from, to);
  // FNV-1a over the length, the first and middle bytes and the last eight: paths, hosts and agents
  // that differ mostly differ at their ends, and a collision costs one string, not a wrong one.
  let h = Math.imul(0x811c9dc5 ^ len, 0x01000193);
  if (len > 0) h = Math.imul(Math.imul(h ^ buf[from]!, 0x01000193) ^ buf[from + (len >> 1)]!, 0x01000193);
  for (let i = Math.max(from + 1, to - 8); i < to; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  const slot = (h >>> 0) & (INTERN_SLOTS - 1);
  // A latin1 string's char codes are its bytes: the interned string is compared as it is.
  const t = internText[slot];
  if (t !== undefined && t.length === len) {
    let i = 0;
    while (i < len && t.charCodeAt(i) === buf[from + i]) i++;
    if (i === len) return t;
  }
  const s = buf.toString("latin1", from, to);
  internText[slot] = s;
  return s;
}

/** Start of the header value at `buf[p, eol)` (just after the name's colon): blanks skipped. */
function valueStart(buf: Buffer, p: number, eol: number): number {
  while (p < eol && (buf[p] === 0x20 || buf[p] === 0x09)) p++;
  return p;
}

/** End of the header value that starts at `p` and whose line ends at `eol`: blanks and CR trimmed. */
function valueEnd(buf: Buffer, p: number, eol: number): number {
  let e = eol;
  while (e > p && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09 || buf[e - 1] === CR)) e--;
  return e;
}

/** The header value at `buf[p, eol)` (just after the name's colon), blanks and CR trimmed. */
function value(buf: Buffer, p: number, eol: number): string {
  const v = valueStart(buf, p, eol);
  return text(buf, v, valueEnd(buf, v, eol));
}

/**
 * Parses an HTTP request at `buf[off, off + len)`, or null when the payload does not start with one.
 * Reads at most SCAN_LIMIT bytes and never past the segment (the chunk `buf` holds later packets).
 * With `into`, fills and returns that object instead of a new one (the hot loop reuses one: its
 * method, uri and host are immutable strings, so what a collector copies out stays valid; its
 * userAgent() reads `buf` when asked).
 */
export function parseHttpRequest(buf: Buffer, off: number, len: number, into?: ReusableHttpRequest): HttpRequest | null {
  if (len < 14 || BY_FIRST[buf[off]!] === undefined) return null;
  const end = off + Math.min(len, SCAN_LIMIT);
  // 1. Method: up to 7 letters then a space; only the known ones.
  let sp = off + 1;
  while (sp < off + 8 && buf[sp] !== 0x20) sp++;
  if (buf[sp] !== 0x20) return null;
  const method = methodAt(buf, off, sp);
  if (method === null) return null;
  // 2. Request target: no whitespace or control bytes, ends at " HTTP/".
  const u0 = sp + 1;
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
  const uri = text(buf, u0, u);
  // 4. Header lines up to the blank line (or the end of the segment); the first of each wins.
  let host: string | null = null;
  let uaStart = -1;
  let uaEnd = -1;
  for (let p = v + 1; p < end; ) {
    let eol = p;
    while (eol < end && buf[eol] !== LF) eol++;
    if (eol === p || (eol === p + 1 && buf[p] === CR)) break;
    // The first letter picks the candidate name (most lines are neither).
    const c0 = buf[p]! | 0x20;
    if (c0 === 0x68 && host === null && startsWithName(buf, p, eol, HOST)) host = value(buf, p + HOST.length, eol);
    else if (c0 === 0x75 && uaStart < 0 && startsWithName(buf, p, eol, USER_AGENT)) {
      uaStart = valueStart(buf, p + USER_AGENT.length, eol);
      uaEnd = valueEnd(buf, uaStart, eol);
    }
    if (host !== null && uaStart >= 0) break;
    p = eol + 1;
  }
  if (into === undefined) {
    const userAgent = uaStart < 0 ? null : text(buf, uaStart, uaEnd);
    return { method, uri, host, userAgent: () => userAgent };
  }
  into.method = method;
  into.uri = uri;
  into.host = host;
  into.uaBuf = buf;
  into.uaStart = uaStart;
  into.uaEnd = uaEnd;
  return into;
}

/** The text lines of an IRC payload (CRLF or LF separated, at most `SCAN_LIMIT` bytes, empty lines dropped). */
export function ircLines(buf: Buffer, off: number, len: number): string[] {
  const text = buf.toString("utf8", off, off + Math.min(len, SCAN_LIMIT));
  return text.split(/\r?\n/).filter((l) => l.length > 0);
}
