/**
 * IP address and CIDR parsing, formatting and small bit helpers, pure and allocation-light.
 *
 * Addresses are held as network-order bytes (4 for IPv4, 16 for IPv6) because that is the order
 * the MaxMind search tree walks them in: bit 0 is the most significant bit of byte 0.
 */

/** A parsed address: its family, its network-order bytes and its canonical text. */
export interface ParsedIp {
  /** Address family. */
  version: 4 | 6;
  /** Network-order bytes: 4 for IPv4, 16 for IPv6. */
  bytes: Uint8Array;
  /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
  text: string;
}

/** A parsed network: the address with host bits cleared, and its prefix length in bits. */
export interface ParsedCidr extends ParsedIp {
  /** Prefix length in bits: 0–32 for IPv4, 0–128 for IPv6. */
  prefix: number;
}

const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted quad into 4 bytes, or null. Leading zeros are refused (they read as octal elsewhere). */
export function parseIpv4Bytes(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!DECIMAL_OCTET.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

/**
 * Parses IPv6 text (with `::`, an embedded dotted quad tail, and a `%zone` suffix, which is
 * dropped) into 16 bytes, or null.
 */
export function parseIpv6Bytes(input: string): Uint8Array | null {
  let text = input;
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (text.length < 2 || text.length > 45) return null;
  const out = new Uint8Array(16);
  // A dotted-quad tail takes the last 32 bits; the groups before it then number 6, not 8.
  let tail: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(":");
  if (text.indexOf(".", lastColon) > lastColon) {
    tail = parseIpv4Bytes(text.slice(lastColon + 1));
    if (!tail) return null;
    const head = text.slice(0, lastColon + 1);
    text = head.endsWith("::") ? head : head.slice(0, -1);
  }
  const groupsWanted = tail ? 6 : 8;
  const dbl = text.indexOf("::");
  if (dbl !== text.lastIndexOf("::")) return null;
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(text.slice(0, dbl));
    const back = parseGroups(text.slice(dbl + 2));
    if (!head || !back) return null;
    const missing = groupsWanted - head.length - back.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...back];
  } else {
    const all = parseGroups(text);
    if (!all || all.length !== groupsWanted) return null;
    groups = all;
  }
  for (let i = 0; i < groups.length; i++) {
    out[i * 2] = groups[i]! >> 8;
    out[i * 2 + 1] = groups[i]! & 0xff;
  }
  if (tail) out.set(tail, 12);
  return out;
}

function parseGroups(s: string): number[] | null {
  if (s === "") return [];
  const nums: number[] = [];
  for (const g of s.split(":")) {
    if (!HEX_GROUP.test(g)) return null;
    nums.push(parseInt(g, 16));
  }
  return nums;
}

/** Parses an IPv4 or IPv6 address. Returns null for anything else (never throws). */
export function parseIp(text: string): ParsedIp | null {
  const t = text.trim();
  if (t.includes(":")) {
    const bytes = parseIpv6Bytes(t);
    return bytes ? { version: 6, bytes, text: formatIp(bytes) } : null;
  }
  const bytes = parseIpv4Bytes(t);
  return bytes ? { version: 4, bytes, text: formatIp(bytes) } : null;
}

/**
 * Parses `address/prefix` (a bare address is a host route). Host bits below the prefix are
 * cleared, as MaxMind's writers do. Returns null for anything malformed.
 */
export function parseCidr(text: string): ParsedCidr | null {
  const slash = text.indexOf("/");
  const ip = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (!ip) return null;
  const bits = ip.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1).trim();
    if (!/^[0-9]{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > bits) return null;
  }
  const bytes = maskBytes(ip.bytes, prefix);
  return { version: ip.version, bytes, prefix, text: formatIp(bytes) };
}

/** A copy of `bytes` with every bit at or after bit `prefix` cleared. */
export function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = out[i]! & ((0xff00 >> keep) & 0xff);
  }
  return out;
}

/** Bit `i` (0 = most significant bit of byte 0) of network-order `bytes`. */
export function bitAt(bytes: Uint8Array, i: number): 0 | 1 {
  return ((bytes[i >> 3]! >> (7 - (i & 7))) & 1) as 0 | 1;
}

/** Formats 4 or 16 network-order bytes as canonical text (RFC 5952 for IPv6). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952 §4.2: compress the longest run (first if tied) of two or more zero groups.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** IPv4 bytes as an unsigned 32-bit number. */
export function ipv4ToNumber(bytes: Uint8Array): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/** An unsigned 32-bit number as IPv4 bytes. */
export function numberToIpv4(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** IPv6 bytes as a 128-bit bigint. */
export function ipv6ToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = 0; i < 16; i++) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** A 128-bit bigint as IPv6 bytes. */
export function bigIntToIpv6(n: bigint): Uint8Array {
  const out = new Uint8Array(16);
  let v = n;
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * The IPv4 address an IPv6 address carries by a well-known mapping, or null: IPv4-mapped
 * `::ffff:a.b.c.d` (RFC 4291) and the NAT64 well-known prefix `64:ff9b::/96` (RFC 6052).
 * Such addresses are classified and looked up as the IPv4 address they carry.
 */
export function embeddedIpv4(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length !== 16) return null;
  const mapped = bytes[10] === 0xff && bytes[11] === 0xff && bytes.subarray(0, 10).every((b) => b === 0);
  const nat64 =
    bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && bytes.subarray(4, 12).every((b) => b === 0);
  return mapped || nat64 ? bytes.slice(12, 16) : null;
}

/**
 * Splits the inclusive range [first, last] of IPv4 numbers into the fewest CIDR blocks, calling
 * `emit(start, prefix)` for each in ascending order.
 */
export function ipv4RangeToCidrs(first: number, last: number, emit: (start: number, prefix: number) => void): void {
  let start = first;
  while (start <= last) {
    // Largest block aligned at `start` that does not pass `last`.
    let size = start === 0 ? 2 ** 32 : 2 ** Math.min(32, ctz32(start));
    while (start + size - 1 > last) size /= 2;
    emit(start, 32 - Math.log2(size));
    start += size;
  }
}

/** As {@link ipv4RangeToCidrs} for 128-bit IPv6 numbers. */
export function ipv6RangeToCidrs(first: bigint, last: bigint, emit: (start: bigint, prefix: number) => void): void {
  let start = first;
  while (start <= last) {
    let bits = 0;
    while (bits < 128 && ((start >> BigInt(bits)) & 1n) === 0n) bits++;
    while (bits > 0 && start + (1n << BigInt(bits)) - 1n > last) bits--;
    emit(start, 128 - bits);
    start += 1n << BigInt(bits);
  }
}

function ctz32(n: number): number {
  if (n === 0) return 32;
  return 31 - Math.clz32(n & -n);
}
