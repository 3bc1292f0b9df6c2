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
  userAgent: string | null;
}

const METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE"];
const FIRST = new Uint8Array(256);
for (const m of METHODS) FIRST[m.charCodeAt(0)] = 1;
const SCAN_LIMIT = 8192;
const HEADER_END = Buffer.from("\r\n\r\n");
const LF = 0x0a;
const CR = 0x0d;
const HOST = "host:";
const USER_AGENT = "user-agent:";

/** True when `c` is an ASCII digit. */
function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * Value of header `name` (lower case, with its colon) in the header block `head` (from the request
 * line's line feed up to the blank line), or null. The first occurrence wins.
 */
function headerValue(head: Buffer, name: string): string | null {
  for (let p = head.indexOf(LF); p >= 0 && p + name.length < head.length; p = head.indexOf(LF, p + 1)) {
    // Header names are case-insensitive: fold letters only, so no control byte can pass for ':' or '-'.
    let i = 0;
    for (; i < name.length; i++) {
      const want = name.charCodeAt(i);
      const c = head[p + 1 + i]!;
      if (c !== want && !(want >= 0x61 && want <= 0x7a && (c | 0x20) === want)) break;
    }
    if (i < name.length) continue;
    let e = head.indexOf(LF, p + 1);
    if (e < 0) e = head.length;
    return head.toString("latin1", p + 1 + name.length, e).trim();
  }
  return null;
}

/** Parses an HTTP request at `buf[off, off + len)`, or null when the payload does not start with one. */
export function parseHttpRequest(buf: Buffer, off: number, len: number): HttpRequest | null {
  if (len < 14 || !FIRST[buf[off]!]) return null;
  // 1. Method: up to 7 letters then a space; only the known ones.
  let sp = off;
  while (sp < off + 8 && buf[sp] !== 0x20) sp++;
  if (buf[sp] !== 0x20) return null;
  const method = buf.toString("latin1", off, sp);
  if (!METHODS.includes(method)) return null;
  // A view bounds every search below to this segment's first SCAN_LIMIT bytes (the chunk `buf`
  // holds other packets after it). One small object per request candidate, not per packet.
  const seg = buf.subarray(off, off + Math.min(len, SCAN_LIMIT));
  // 2. Request target: no whitespace or control bytes, ends at " HTTP/".
  const u0 = sp - off + 1;
  let u = u0;
  while (u < seg.length && seg[u]! > 0x20) u++;
  if (u === u0 || u + 7 > seg.length || seg[u] !== 0x20) return null;
  // 3. Version: "HTTP/" digit ["." digit], then the end of the line (CRLF, LF or end of segment).
  let v = u + 1;
  if (seg[v] !== 0x48 || seg[v + 1] !== 0x54 || seg[v + 2] !== 0x54 || seg[v + 3] !== 0x50 || seg[v + 4] !== 0x2f) return null;
  v += 5;
  if (!isDigit(seg[v])) return null;
  v++;
  if (seg[v] === 0x2e) {
    if (!isDigit(seg[v + 1])) return null;
    v += 2;
  }
  if (seg[v] === CR) v++;
  if (v < seg.length && seg[v] !== LF) return null;
  const uri = seg.toString("latin1", u0, u);
  // 4. Headers: from the request line's LF to the blank line (or the end of the segment).
  let hend = seg.indexOf(HEADER_END, v - 1);
  hend = hend < 0 ? seg.length : hend + 2;
  const head = seg.subarray(v, Math.max(v, hend));
  return { method, uri, host: headerValue(head, HOST), userAgent: headerValue(head, USER_AGENT) };
}

/** The text lines of an IRC payload (CRLF or LF separated, at most `SCAN_LIMIT` bytes, empty lines dropped). */
export function ircLines(buf: Buffer, off: number, len: number): string[] {
  const text = buf.toString("utf8", off, off + Math.min(len, SCAN_LIMIT));
  return text.split(/\r?\n/).filter((l) => l.length > 0);
}
