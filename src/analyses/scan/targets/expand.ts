/**
 * From parsed specs to the addresses to probe, lazily:
 *
 *   specs ─1─ size check (≤ maxHosts) ─2─ resolve every name once ─3─ generator of targets
 *                                                                     (exclusions skipped)
 *
 * Nothing is materialised: a /8 is a counter, not a list. Names resolve through an injected
 * resolver (the network part); a name that does not resolve costs itself only (a warning).
 */
import { NetreportError } from "../../../errors.js";
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "./address.js";
import { describeSpec, specSize, type TargetSpec } from "./parse.js";

/** Resolves a host name to its addresses (first is used). The world-touching part. */
export type Resolver = (name: string) => Promise<string[]>;

/** One address to probe. */
export interface Target {
  address: string;
  family: 4 | 6;
  /** The host name the user gave, or `null` for an address spec. */
  hostname: string | null;
}

/** Options of {@link planTargets}. */
export interface PlanOptions {
  /** Specs whose addresses are skipped (nmap's `--exclude`). */
  exclude?: readonly TargetSpec[];
  /** Needed when a spec is a host name. */
  resolve?: Resolver;
  /** Refuse more addresses than this (before exclusions). Default 65,536. */
  maxHosts?: number;
  /** Address family to pick from a name's addresses. Default: the resolver's first address. */
  family?: 4 | 6;
}

/** Targets ready to iterate. */
export interface TargetPlan {
  /** Number of addresses before exclusions (an upper bound of what `targets()` yields). */
  size: number;
  /** Names that did not resolve, and similar. */
  warnings: string[];
  /** A fresh lazy iterator over the targets, in spec order, each spec in address order. */
  targets(): Generator<Target>;
}

/** Default of {@link PlanOptions.maxHosts}. */
export const DEFAULT_MAX_HOSTS = 65_536;

type Matcher = (family: 4 | 6, v: bigint) => boolean;

interface Resolved {
  spec: TargetSpec;
  /** For names: the address picked, or null when it did not resolve. */
  address?: { family: 4 | 6; value: bigint; text: string } | null;
}

function pick(addresses: string[], family: 4 | 6 | undefined): { family: 4 | 6; value: bigint; text: string } | null {
  for (const a of addresses) {
    const v4 = parseIpv4(a);
    if (v4 !== null && family !== 6) return { family: 4, value: BigInt(v4), text: a };
    const v6 = parseIpv6(a);
    if (v6 !== null && family !== 4) return { family: 6, value: v6, text: formatIpv6(v6) };
  }
  return null;
}

function* rangeOf(family: 4 | 6, base: bigint, bits: number, hostname: string | null): Generator<Target> {
  const width = family === 4 ? 32 : 128;
  const first = (base >> BigInt(width - bits)) << BigInt(width - bits);
  const count = 1n << BigInt(width - bits);
  if (family === 4) {
    // IPv4 ranges fit in a double: iterate with numbers, not bigints.
    const start = Number(first);
    const n = Number(count);
    for (let i = 0; i < n; i++) yield { address: formatIpv4(start + i), family: 4, hostname };
  } else {
    for (let i = 0n; i < count; i++) yield { address: formatIpv6(first + i), family: 6, hostname };
  }
}

function* octetsOf(octets: [number[], number[], number[], number[]]): Generator<Target> {
  for (const a of octets[0]) for (const b of octets[1]) for (const c of octets[2]) for (const d of octets[3]) {
    yield { address: `${a}.${b}.${c}.${d}`, family: 4, hostname: null };
  }
}

function matcherOf(r: Resolved): Matcher {
  const spec = r.spec;
  if (spec.kind === "ipv4") {
    const sets = spec.octets.map((o) => {
      const m = new Uint8Array(256);
      for (const v of o) m[v] = 1;
      return m;
    });
    return (family, v) => {
      if (family !== 4) return false;
      const n = Number(v);
      return sets[0]![(n >>> 24) & 255] === 1 && sets[1]![(n >>> 16) & 255] === 1 && sets[2]![(n >>> 8) & 255] === 1 && sets[3]![n & 255] === 1;
    };
  }
  let family: 4 | 6;
  let base: bigint;
  let bits: number;
  if (spec.kind === "cidr") {
    ({ family, base, bits } = spec);
  } else {
    if (!r.address) return () => false;
    family = r.address.family;
    base = r.address.value;
    bits = nameBits(spec.bits, family);
  }
  const shift = BigInt((family === 4 ? 32 : 128) - bits);
  const net = base >> shift;
  return (f, v) => f === family && v >> shift === net;
}

/** The prefix a resolved name stands for: its /bits when it is IPv4 (counted in IPv4 bits, as specSize does), else the address alone. */
function nameBits(bits: number | null, family: 4 | 6): number {
  return family === 4 ? (bits ?? 32) : 128;
}

async function resolveAll(specs: readonly TargetSpec[], opts: PlanOptions, cache: Map<string, Promise<string[]>>, warnings: string[]): Promise<Resolved[]> {
  const out: Resolved[] = [];
  for (const spec of specs) {
    if (spec.kind !== "name") {
      out.push({ spec });
      continue;
    }
    if (!opts.resolve) {
      throw new NetreportError("ESCAN_SPEC", `host name "${spec.name}" needs a resolver`, { where: `target spec column ${spec.column}` });
    }
    let p = cache.get(spec.name);
    if (!p) cache.set(spec.name, (p = opts.resolve(spec.name)));
    let address: Resolved["address"] = null;
    try {
      address = pick(await p, opts.family);
      if (!address) warnings.push(`${spec.name} has no IPv${opts.family ?? "4/6"} address; skipped`);
      else if (address.family === 6 && spec.bits !== null) warnings.push(`${spec.token}: the /${spec.bits} prefix is for an IPv4 address, and ${spec.name} resolved to IPv6 ${formatIpv6(address.value)}; only that address is used`);
    } catch (e) {
      warnings.push(`${spec.name} did not resolve (${(e as Error).message}); skipped`);
    }
    out.push({ spec, address });
  }
  return out;
}

/**
 * Counts the addresses `specs` stand for (before exclusions) and refuses more than `maxHosts`
 * (default 65,536). A host name counts as its prefix (`example.com/8`: 16,777,216), so nothing is
 * resolved: the nmap adapter checks its targets with this before nmap sees them.
 * @throws NetreportError ESCAN_SPEC naming the largest spec and the --max-hosts that would allow them.
 */
export function checkTargetCount(specs: readonly TargetSpec[], maxHosts: number = DEFAULT_MAX_HOSTS): bigint {
  const size = specs.reduce((n, s) => n + specSize(s), 0n);
  if (size > BigInt(maxHosts)) {
    const biggest = [...specs].sort((a, b) => (specSize(b) > specSize(a) ? 1 : -1))[0]!;
    throw new NetreportError(
      "ESCAN_SPEC",
      `the targets stand for ${size} addresses, more than the limit of ${maxHosts} (largest: "${biggest.token}" at column ${biggest.column}, ${specSize(biggest)} addresses)`,
      { where: `target spec column ${biggest.column}`, hint: `narrow the targets, or raise the limit explicitly with --max-hosts ${size}` },
    );
  }
  return size;
}

/**
 * Checks the size, resolves names once and returns a lazy plan of the targets.
 * @throws NetreportError ESCAN_SPEC when the specs stand for more than `maxHosts` addresses.
 */
export async function planTargets(specs: readonly TargetSpec[], opts: PlanOptions = {}): Promise<TargetPlan> {
  // 1. Size check before anything is resolved or iterated.
  const size = checkTargetCount(specs, opts.maxHosts);
  // 2. Resolve every name (targets and exclusions) once.
  const warnings: string[] = [];
  const cache = new Map<string, Promise<string[]>>();
  const resolved = await resolveAll(specs, opts, cache, warnings);
  const excluded = (await resolveAll(opts.exclude ?? [], opts, cache, warnings)).map(matcherOf);
  const isExcluded = (t: Target): boolean => {
    if (excluded.length === 0) return false;
    const v = t.family === 4 ? BigInt(parseIpv4(t.address)!) : parseIpv6(t.address)!;
    return excluded.some((m) => m(t.family, v));
  };
  // 3. The lazy iterator.
  function* targets(): Generator<Target> {
    for (const r of resolved) {
      const s = r.spec;
      let it: Generator<Target>;
      if (s.kind === "ipv4") it = octetsOf(s.octets);
      else if (s.kind === "cidr") it = rangeOf(s.family, s.base, s.bits, null);
      else if (!r.address) continue;
      else {
        const { family, value } = r.address;
        const bits = nameBits(s.bits, family);
        // A single address keeps the name it was given by.
        it = rangeOf(family, value, bits, bits === (family === 4 ? 32 : 128) ? s.name : null);
      }
      for (const t of it) if (!isExcluded(t)) yield t;
    }
  }
  return { size: Number(size), warnings, targets };
}

/**
 * A predicate telling whether an address (or the host name a scan reported) falls under `spec`,
 * without any name resolution: a name spec matches the scan's host name, case-insensitively.
 */
export function specMatcher(spec: TargetSpec): (address: string, hostname: string | null) => boolean {
  if (spec.kind === "name") {
    if (spec.bits !== null) return () => false;
    return (_a, hostname) => hostname !== null && hostname.toLowerCase().replace(/\.$/, "") === spec.name;
  }
  const m = matcherOf({ spec });
  return (address) => {
    const v4 = parseIpv4(address);
    if (v4 !== null) return m(4, BigInt(v4));
    const v6 = parseIpv6(address);
    return v6 !== null && m(6, v6);
  };
}

/** The specs as JSON-friendly strings (for provenance). */
export function describeSpecs(specs: readonly TargetSpec[]): string[] {
  return specs.map(describeSpec);
}
