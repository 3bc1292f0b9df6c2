/**
 * Banners as text: the first bytes a service sent, printable ASCII kept, everything else
 * written as an escape (`\r`, `\n`, `\t`, `\xNN`) so that a hostile banner cannot carry
 * control characters into a terminal, a CSV file or a report (its bytes may be in no known
 * encoding). Texts that are already text keep their script (formatText). HTML escaping is the
 * renderer's.
 */

/** Formats banner bytes as escaped printable text; `null` for no bytes. */
export function formatBanner(bytes: Uint8Array | null): string | null {
  if (!bytes || bytes.length === 0) return null;
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x5c) out += "\\\\";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x09) out += "\\t";
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/**
 * What {@link formatText} escapes: `\` itself (so no escape can be forged), the C0 and C1
 * controls and DEL, the characters that reorder or break a line on display (bidirectional marks,
 * embeddings, overrides and isolates; line and paragraph separators), zero-width space and BOM,
 * and lone surrogates.
 */
const UNSAFE = /[\\\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]|\p{Cs}/gu;

/**
 * A text (from a file or another program) for a terminal line, a CSV cell or a report: never
 * null. Printable text stays as it is, in any script, so a Chinese host name reads as Chinese;
 * what could forge a line or drive a terminal is escaped: `\r`, `\n`, `\t`, `\\`, `\xNN` for the
 * other ASCII controls and DEL, `\u{NNNN}` for the rest.
 */
export function formatText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const n = c.codePointAt(0)!;
    if (c === "\\") return "\\\\";
    if (c === "\r") return "\\r";
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    return n < 0x80 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u{${n.toString(16)}}`;
  });
}
