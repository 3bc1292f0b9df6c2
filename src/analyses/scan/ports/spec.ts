/**
 * Port specifications as nmap writes them: `22-100,443,8000-8080`, `-` for 1–65535, `-1024`
 * (from 1), `60000-` (to 65535), `T:` prefixes, service names (`http,ssh`) and `top<N>` / `top:N`
 * for the N most frequent TCP ports. TCP only: `U:`/`S:` parts are refused.
 */
import { NetreportError } from "../../../errors.js";
import { compactRanges } from "./ranges.js";
import type { ServicesTable } from "./services.js";

function bad(spec: string, item: string, column: number, why: string): never {
  throw new NetreportError("EPORT_SPEC", `bad port spec "${item}" at column ${column} of "${spec}": ${why}`, {
    where: `port spec column ${column}`,
    hint: "write ports like 22-100,443,8000-8080, - for all, or top100",
  });
}

/**
 * Parses a port spec to sorted, de-duplicated TCP port numbers.
 * @param services resolves `topN` and service names; without it those items are errors.
 * @throws NetreportError EPORT_SPEC naming the item and its 1-based column.
 */
export function parsePorts(spec: string, services?: ServicesTable): number[] {
  const mark = new Uint8Array(65536);
  let col = 1;
  const trimmed = spec.trim();
  if (trimmed === "") bad(spec, spec, 1, "empty");
  for (const raw of spec.split(",")) {
    const column = col;
    col += raw.length + 1;
    let item = raw.trim();
    if (item === "") bad(spec, raw, column, "empty item");
    if (/^[USP]:/i.test(item)) bad(spec, item, column, "only TCP ports are scanned (drop the U:/S:/P: part)");
    if (/^T:/i.test(item)) {
      item = item.slice(2).trim();
      // An empty item would match the range pattern below as "1".
      if (item === "") bad(spec, raw.trim(), column, "empty item after T:");
    }
    const top = /^top[:-]?(\d+)$/i.exec(item);
    if (top) {
      if (!services) bad(spec, item, column, "top-N needs a services table");
      const n = Number(top[1]);
      if (n < 1 || n > 65536) bad(spec, item, column, "N must be 1 to 65536");
      const ranked = services.top(n);
      if (ranked.length < n) bad(spec, item, column, `${services.source} ranks only ${ranked.length} TCP ports; ask for top${ranked.length} or fewer, or give - for all`);
      for (const p of ranked) mark[p] = 1;
      continue;
    }
    const m = /^(\d{1,5})?(-)?(\d{1,5})?$/.exec(item);
    if (!m) {
      const p = /^[A-Za-z][\w.+-]*$/.test(item) ? services?.portOf(item) : null;
      if (p === null || p === undefined) bad(spec, item, column, /^[A-Za-z]/.test(item) ? "unknown service name" : "not a port, range or name");
      mark[p] = 1;
      continue;
    }
    const lo = m[1] === undefined ? 1 : Number(m[1]);
    const hi = m[2] ? (m[3] === undefined ? 65535 : Number(m[3])) : lo;
    if (lo > 65535 || hi > 65535) bad(spec, item, column, `port ${Math.max(lo, hi)} is above 65535`);
    if (lo > hi) bad(spec, item, column, "range runs backwards");
    for (let p = lo; p <= hi; p++) mark[p] = 1;
  }
  const out: number[] = [];
  for (let p = 0; p < 65536; p++) if (mark[p]) out.push(p);
  return out;
}

/** Writes ports compactly as ranges (`22,80-81,443`), the inverse of {@link parsePorts}. */
export function formatPorts(ports: readonly number[]): string {
  return compactRanges(ports) ?? "";
}
