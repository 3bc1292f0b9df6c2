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
const FIRST = new Set(METHODS.map((m) => m.charCodeAt(0)));
const SCAN_LIMIT = 8192;

/** Parses an HTTP request at `buf[off, off + len)`, or null when the payload does not start with one. */
export function parseHttpRequest(buf: Buffer, off: number, len: number): HttpRequest | null {
  if (len < 14 || !FIRST.has(buf[off]!)) return null;
  const end = off + Math.min(len, SCAN_LIMIT);
  const sp = buf.indexOf(0x20, off);
  if (sp < 0 || sp - off > 7) return null;
  const method = buf.toString("latin1", off, sp);
  if (!METHODS.includes(method)) return null;
  let eol = buf.indexOf(0x0a, sp);
  if (eol < 0 || eol > end) eol = end;
  const line = buf.toString("latin1", sp + 1, eol).replace(/\r$/, "");
  const m = /^(\S+) HTTP\/\d(\.\d)?$/.exec(line);
  if (!m) return null;
  let host: string | null = null;
  let userAgent: string | null = null;
  const head = buf.toString("latin1", eol + 1, end);
  for (const h of head.split("\n")) {
    const l = h.replace(/\r$/, "");
    if (l === "") break;
    const c = l.indexOf(":");
    if (c < 0) continue;
    const k = l.slice(0, c).toLowerCase();
    if (k === "host") host = l.slice(c + 1).trim();
    else if (k === "user-agent") userAgent = l.slice(c + 1).trim();
  }
  return { method, uri: m[1]!, host, userAgent };
}

/** The text lines of an IRC payload (CRLF or LF separated, at most `SCAN_LIMIT` bytes, empty lines dropped). */
export function ircLines(buf: Buffer, off: number, len: number): string[] {
  const text = buf.toString("utf8", off, off + Math.min(len, SCAN_LIMIT));
  return text.split(/\r?\n/).filter((l) => l.length > 0);
}
