/**
 * Banners as text: the first bytes a service sent, printable ASCII kept, everything else
 * written as an escape (`\r`, `\n`, `\t`, `\xNN`) so that a hostile banner cannot carry
 * control characters into a terminal, a CSV file or a report. HTML escaping is the renderer's.
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

/** A text (e.g. from a file or another program) escaped as banners are, for a terminal line: never null. */
export function formatText(text: string): string {
  return formatBanner(Buffer.from(text, "utf8")) ?? "";
}
