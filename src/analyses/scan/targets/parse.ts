/**
 * Target specifications as nmap accepts them, parsed without touching the network:
 *
 *   198.18.32.7            one IPv4 address
 *   198.18.32-33.1,5-9     octet ranges and lists (`*`, `n`, `n-m`, `-m`, `n-`), per octet
 *   198.18.32.0/20         IPv4 CIDR (also `name/24`: the name is resolved, then masked)
 *   2001:db8::1, ::1/126   IPv6 literals and CIDR
 *   gateway.example        host names (resolved once, later, by an injected resolver)
 *
 * Targets are separated by white space; a token that is not valid as a whole is also split on
 * commas (`198.18.0.1,198.18.0.9`), so nmap's octet lists (`198.18.0.1,9`) keep their meaning.
 * Errors are `ESCAN_SPEC` and name the token and its 1-based column in the input.
 */
import { NetreportError } from "../../../errors.js";
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "./address.js";

interface SpecBase {
  /** The token as written. */
  token: string;
  /** 1-based column of the token in the input (argv joined by single spaces). */
  column: number;
}

/** IPv4 octet ranges: every combination of the four sorted, de-duplicated octet value lists. */
export interface Ipv4OctetSpec extends SpecBase {
  kind: "ipv4";
  octets: [number[], number[], number[], number[]];
}

/** An IPv4 or IPv6 network given as address/prefix (a literal is a /32 or /128). */
export interface CidrSpec extends SpecBase {
  kind: "cidr";
  family: 4 | 6;
  /** First address, the given address masked to the prefix. */
  base: bigint;
  bits: number;
}

/** A host name, with an optional prefix applied to its resolved address. */
export interface NameSpec extends SpecBase {
  kind: "name";
  name: string;
  bits: number | null;
}

/** One parsed target token. */
export type TargetSpec = Ipv4OctetSpec | CidrSpec | NameSpec;

const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})$/;
const LOOKS_NUMERIC = /^[\d.*,\-/]+$/;

class SpecError extends Error {}

function bad(token: string, column: number, why: string): never {
  throw new NetreportError("ESCAN_SPEC", `bad target "${token}" at column ${column}: ${why}`, {
    where: `target spec column ${column}`,
    hint: "use addresses, octet ranges (198.18.0-3.1-127), CIDR (198.18.32.0/20), IPv6 literals or host names",
  });
}

function parseOctet(text: string): number[] {
  const set = new Set<number>();
  for (const part of text.split(",")) {
    if (part === "*" || part === "-") {
      for (let i = 0; i < 256; i++) set.add(i);
      continue;
    }
    const m = /^(\d{1,3})?(-)?(\d{1,3})?$/.exec(part);
    if (!m || part === "") throw new SpecError(`octet "${text}" is not a number, range or *`);
    const lo = m[1] === undefined ? 0 : Number(m[1]);
    const hi = m[2] ? (m[3] === undefined ? 255 : Number(m[3])) : lo;
    if (lo > 255 || hi > 255) throw new SpecError(`octet value ${Math.max(lo, hi)} is above 255`);
    if (lo > hi) throw new SpecError(`octet range ${part} runs backwards`);
    for (let i = lo; i <= hi; i++) set.add(i);
  }
  return [...set].sort((a, b) => a - b);
}

function parsePrefix(text: string, max: number): number {
  if (!/^\d{1,3}$/.test(text) || Number(text) > max) throw new SpecError(`prefix /${text} must be 0 to ${max}`);
  return Number(text);
}

function mask(v: bigint, bits: number, width: number): bigint {
  const hostBits = BigInt(width - bits);
  return (v >> hostBits) << hostBits;
}

/** Parses one token (no white space inside); throws SpecError with the reason. */
function parseToken(token: string, column: number): TargetSpec {
  const slash = token.indexOf("/");
  const addr = slash < 0 ? token : token.slice(0, slash);
  const prefix = slash < 0 ? null : token.slice(slash + 1);
  if (addr.includes(":")) {
    const v = parseIpv6(addr);
    if (v === null) throw new SpecError(`"${addr}" is not an IPv6 address`);
    const bits = prefix === null ? 128 : parsePrefix(prefix, 128);
    return { kind: "cidr", family: 6, base: mask(v, bits, 128), bits, token, column };
  }
  if (LOOKS_NUMERIC.test(addr)) {
    const parts = addr.split(".");
    if (parts.length !== 4) throw new SpecError(`an IPv4 spec has 4 octets, found ${parts.length}`);
    if (prefix !== null) {
      const v = parseIpv4(addr);
      if (v === null) throw new SpecError("octet ranges cannot be combined with a /prefix");
      const bits = parsePrefix(prefix, 32);
      return { kind: "cidr", family: 4, base: mask(BigInt(v), bits, 32), bits, token, column };
    }
    const octets = parts.map(parseOctet) as Ipv4OctetSpec["octets"];
    return { kind: "ipv4", octets, token, column };
  }
  const name = addr.endsWith(".") ? addr.slice(0, -1) : addr;
  const labels = name.split(".");
  if (name.length === 0 || name.length > 253 || !labels.every((l) => HOST_LABEL.test(l) && !l.endsWith("-"))) {
    throw new SpecError(`"${addr}" is neither an address, a range nor a valid host name`);
  }
  if (/^\d+$/.test(labels.at(-1)!)) throw new SpecError(`"${addr}" looks like an IPv4 address but is not one`);
  return { kind: "name", name: name.toLowerCase(), bits: prefix === null ? null : parsePrefix(prefix, 32), token, column };
}

/**
 * Parses target specifications.
 * @param input one string, or argv items (joined by single spaces for column numbers).
 * @returns one spec per target token, in input order.
 * @throws NetreportError ESCAN_SPEC naming the bad token and its column; also when empty.
 */
export function parseTargets(input: string | readonly string[]): TargetSpec[] {
  const text = typeof input === "string" ? input : input.join(" ");
  const specs: TargetSpec[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    const token = m[0];
    const column = (m.index ?? 0) + 1;
    try {
      specs.push(parseToken(token, column));
      continue;
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      if (!token.includes(",")) bad(token, column, e.message);
    }
    // 2. Not valid as a whole: a comma-separated list of targets.
    let offset = 0;
    for (const part of token.split(",")) {
      const col = column + offset;
      offset += part.length + 1;
      if (part === "") bad(token, col, "empty item in a comma list");
      try {
        specs.push(parseToken(part, col));
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        bad(part, col, e.message);
      }
    }
  }
  if (specs.length === 0) {
    throw new NetreportError("ESCAN_SPEC", "no targets given", { hint: "name the hosts to scan; netreport never picks a range by itself" });
  }
  return specs;
}

/** How many addresses a spec stands for, before exclusions (a name counts as its prefix size). */
export function specSize(spec: TargetSpec): bigint {
  switch (spec.kind) {
    case "ipv4":
      return spec.octets.reduce((n, o) => n * BigInt(o.length), 1n);
    case "cidr":
      return 1n << BigInt((spec.family === 4 ? 32 : 128) - spec.bits);
    case "name":
      return spec.bits === null ? 1n : 1n << BigInt(32 - spec.bits);
    default: {
      const never: never = spec;
      throw new Error(`unknown spec ${String(never)}`);
    }
  }
}

/** A JSON-friendly description of a spec (for provenance): the token and what it means. */
export function describeSpec(spec: TargetSpec): string {
  switch (spec.kind) {
    case "ipv4":
      return spec.token;
    case "cidr":
      return `${spec.family === 4 ? formatIpv4(Number(spec.base)) : formatIpv6(spec.base)}/${spec.bits}`;
    case "name":
      return spec.bits === null ? spec.name : `${spec.name}/${spec.bits}`;
    default: {
      const never: never = spec;
      throw new Error(`unknown spec ${String(never)}`);
    }
  }
}
