/**
 * The ports behind a counted state, in nmap's port-list syntax with protocol prefixes
 * (`T:1-49,61-100,U:53`). A host with ports counted in more than one state (closed and
 * filtered, say) needs them to tell which state an unlisted port was in; without them such a
 * port reads as not scanned. nmap ≥ 7.90 writes the list in `<extrareasons ports="…" proto="…">`;
 * the connect scan knows it anyway.
 */

/** Ranges longer than this are not written (a scattered state would make a huge string). */
export const MAX_RANGES = 4096;

const PREFIX: Record<string, string> = { tcp: "T", udp: "U", sctp: "S" };
const PROTOCOL: Record<string, string> = { T: "tcp", U: "udp", S: "sctp" };

/** Ports as ranges (`1-49,61-100`), sorted and de-duplicated first; null above `maxRanges` ranges. */
export function compactRanges(ports: readonly number[], maxRanges = Infinity): string | null {
  const sorted = [...ports].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]! <= sorted[j]! + 1) j++;
    out.push(sorted[i] === sorted[j] ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    if (out.length > maxRanges) return null;
    i = j + 1;
  }
  return out.join(",");
}

/** The ports of one protocol → `1-49,61-100`, or null above {@link MAX_RANGES} ranges. */
export function portRanges(ports: readonly number[]): string | null {
  return compactRanges(ports, MAX_RANGES);
}

/** `T:` + ranges for one protocol (`tcp` → `T:1-49`). */
export function withProtocol(protocol: string, ranges: string): string {
  return `${PREFIX[protocol] ?? protocol}:${ranges}`;
}

/** Parsed lists by their text: heat maps and diffs ask the same host's list many times. */
const parsed = new Map<string, Map<string, [number, number][]>>();

function parse(list: string): Map<string, [number, number][]> {
  let m = parsed.get(list);
  if (m) return m;
  m = new Map();
  let protocol = "tcp";
  for (const raw of list.split(",")) {
    let item = raw.trim();
    const prefix = /^([A-Za-z]+):/.exec(item);
    if (prefix) {
      protocol = PROTOCOL[prefix[1]!.toUpperCase()] ?? prefix[1]!.toLowerCase();
      item = item.slice(prefix[0].length);
    }
    const r = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!r) continue;
    const lo = Number(r[1]);
    const hi = r[2] === undefined ? lo : Number(r[2]);
    if (!m.has(protocol)) m.set(protocol, []);
    m.get(protocol)!.push([lo, hi]);
  }
  if (parsed.size > 1000) parsed.clear();
  parsed.set(list, m);
  return m;
}

/** True when `port`/`protocol` is in the list. */
export function listHas(list: string, port: number, protocol: string): boolean {
  return parse(list).get(protocol)?.some(([lo, hi]) => port >= lo && port <= hi) ?? false;
}

/** A counted state and, when known, its ports. */
export interface CountedState {
  state: string;
  ports: string | null;
}

/**
 * The state of a port a host did not list: the counted state whose list holds it; else, of the
 * states without a list, the only one; else null (not scanned there, or not known which).
 */
export function countedStateOf(counted: readonly CountedState[], port: number, protocol: string): string | null {
  const holding = counted.find((c) => c.ports !== null && listHas(c.ports, port, protocol));
  if (holding) return holding.state;
  const unknown = counted.filter((c) => c.ports === null);
  return unknown.length === 1 ? unknown[0]!.state : null;
}
