/**
 * Address scope: which special-purpose range (IANA IPv4/IPv6 Special-Purpose Address Registries)
 * an address falls in, with a short human label. Pure; no database involved.
 *
 * Addresses outside "public" scope are not geolocated: a database would answer with nonsense or
 * nothing, and a report should say "private (RFC 1918)" instead of an empty country.
 */
import { embeddedIpv4, ipv4ToNumber, parseIp, type ParsedIp } from "./ip.js";
import { byChineseScript } from "../lang.js";

/** The scopes an address can have. */
export const IpScope = {
  public: "public",
  private: "private",
  loopback: "loopback",
  linkLocal: "link-local",
  multicast: "multicast",
  documentation: "documentation",
  benchmark: "benchmark",
  cgnat: "cgnat",
  unspecified: "unspecified",
  broadcast: "broadcast",
  reserved: "reserved",
} as const;

/** One of {@link IpScope}'s values. */
export type IpScope = (typeof IpScope)[keyof typeof IpScope];

const SCOPES = new Set<string>(Object.values(IpScope));

/** True when `s` is an {@link IpScope} value. */
export function isIpScope(s: unknown): s is IpScope {
  return typeof s === "string" && SCOPES.has(s);
}

/** The result of {@link classifyIp}. */
export interface ScopeInfo {
  /** The scope. */
  scope: IpScope;
  /** The defining document, e.g. `RFC 1918`; empty for public addresses. */
  source: string;
  /** What the range is for when the scope name alone is vague (`ULA`, `6to4 relay`), else empty. */
  detail: string;
}

interface Range4 {
  base: number;
  prefix: number;
  info: ScopeInfo;
}

const s = (scope: IpScope, source: string, detail = ""): ScopeInfo => ({ scope, source, detail });

/** IPv4 special-purpose ranges, most specific first (the first match wins). */
const V4: readonly Range4[] = [
  [0x00000000, 32, s("unspecified", "RFC 1122")],
  [0xffffffff, 32, s("broadcast", "RFC 919")],
  [0x00000000, 8, s("reserved", "RFC 1122", "this network")],
  [0x0a000000, 8, s("private", "RFC 1918")],
  [0x64400000, 10, s("cgnat", "RFC 6598")],
  [0x7f000000, 8, s("loopback", "RFC 1122")],
  [0xa9fe0000, 16, s("link-local", "RFC 3927")],
  [0xac100000, 12, s("private", "RFC 1918")],
  [0xc0000000, 24, s("reserved", "RFC 6890", "IETF protocol assignments")],
  [0xc0000200, 24, s("documentation", "RFC 5737", "TEST-NET-1")],
  [0xc0586300, 24, s("reserved", "RFC 7526", "6to4 relay anycast")],
  [0xc0a80000, 16, s("private", "RFC 1918")],
  [0xc6120000, 15, s("benchmark", "RFC 2544")],
  [0xc6336400, 24, s("documentation", "RFC 5737", "TEST-NET-2")],
  [0xcb007100, 24, s("documentation", "RFC 5737", "TEST-NET-3")],
  [0xe0000000, 4, s("multicast", "RFC 5771")],
  [0xf0000000, 4, s("reserved", "RFC 1112", "future use")],
].map(([base, prefix, info]) => ({ base: base as number, prefix: prefix as number, info: info as ScopeInfo }));

interface Range6 {
  bytes: number[];
  prefix: number;
  info: ScopeInfo;
}

/** IPv6 special-purpose ranges, most specific first. `bytes` are the leading network bytes. */
const V6: readonly Range6[] = [
  { bytes: [], prefix: 128, info: s("unspecified", "RFC 4291") },
  { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], prefix: 128, info: s("loopback", "RFC 4291") },
  { bytes: [0x01, 0x00], prefix: 64, info: s("reserved", "RFC 6666", "discard-only") },
  { bytes: [0x20, 0x01, 0x00, 0x02, 0x00, 0x00], prefix: 48, info: s("benchmark", "RFC 5180") },
  { bytes: [0x20, 0x01, 0x0d, 0xb8], prefix: 32, info: s("documentation", "RFC 3849") },
  { bytes: [0x3f, 0xff], prefix: 20, info: s("documentation", "RFC 9637") },
  { bytes: [0xfc], prefix: 7, info: s("private", "RFC 4193", "ULA") },
  { bytes: [0xfe, 0x80], prefix: 10, info: s("link-local", "RFC 4291") },
  { bytes: [0xfe, 0xc0], prefix: 10, info: s("reserved", "RFC 3879", "deprecated site-local") },
  { bytes: [0xff], prefix: 8, info: s("multicast", "RFC 4291") },
];

const PUBLIC: ScopeInfo = s("public", "");
const V6_OUTSIDE_GLOBAL: ScopeInfo = s("reserved", "RFC 4291", "outside 2000::/3");

function inV6(bytes: Uint8Array, r: Range6): boolean {
  const full = r.prefix >> 3;
  for (let i = 0; i < full; i++) if (bytes[i] !== (r.bytes[i] ?? 0)) return false;
  const rest = r.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff00 >> rest) & 0xff;
  return (bytes[full]! & mask) === ((r.bytes[full] ?? 0) & mask);
}

/**
 * Classifies a parsed address. IPv4-mapped and NAT64 IPv6 addresses take the scope of the IPv4
 * address they carry; IPv6 outside global unicast 2000::/3 and not listed is `reserved`.
 */
export function classifyIp(ip: ParsedIp): ScopeInfo {
  if (ip.version === 6) {
    const v4 = embeddedIpv4(ip.bytes);
    if (v4) return classifyV4(ipv4ToNumber(v4));
    for (const r of V6) if (inV6(ip.bytes, r)) return r.info;
    return (ip.bytes[0]! & 0xe0) === 0x20 ? PUBLIC : V6_OUTSIDE_GLOBAL;
  }
  return classifyV4(ipv4ToNumber(ip.bytes));
}

function classifyV4(n: number): ScopeInfo {
  for (const r of V4) {
    const mask = r.prefix === 0 ? 0 : (0xffffffff << (32 - r.prefix)) >>> 0;
    if (((n & mask) >>> 0) === r.base) return r.info;
  }
  return PUBLIC;
}

/** Classifies address text; null when it is not an IP address. */
export function classifyScope(ip: string): ScopeInfo | null {
  const parsed = parseIp(ip);
  return parsed ? classifyIp(parsed) : null;
}

const LABELS: Record<"en" | "zh" | "zh-Hant", Record<IpScope, string>> = {
  en: {
    public: "public",
    private: "private",
    loopback: "loopback",
    "link-local": "link-local",
    multicast: "multicast",
    documentation: "documentation",
    benchmark: "benchmarking",
    cgnat: "carrier-grade NAT",
    unspecified: "unspecified",
    broadcast: "broadcast",
    reserved: "reserved",
  },
  zh: {
    public: "公网地址",
    private: "私有地址",
    loopback: "环回地址",
    "link-local": "链路本地地址",
    multicast: "组播地址",
    documentation: "文档示例地址",
    benchmark: "基准测试地址",
    cgnat: "运营商级 NAT 地址",
    unspecified: "未指定地址",
    broadcast: "广播地址",
    reserved: "保留地址",
  },
  "zh-Hant": {
    public: "公用位址",
    private: "私人位址",
    loopback: "回送位址",
    "link-local": "連結本機位址",
    multicast: "群播位址",
    documentation: "文件範例位址",
    benchmark: "基準測試位址",
    cgnat: "電信級 NAT 位址",
    unspecified: "未指定位址",
    broadcast: "廣播位址",
    reserved: "保留位址",
  },
};

/**
 * A short human label for a scope, e.g. `private (RFC 1918)`, `private (ULA, RFC 4193)` or, for a
 * Chinese locale, `私有地址 (RFC 1918)` (zh-CN) or `私人位址 (RFC 1918)` (zh-TW, zh-HK). Other
 * locales get English. Public addresses get the bare word.
 */
export function scopeLabel(info: ScopeInfo, locale = "en"): string {
  const table = byChineseScript(locale, { hans: LABELS.zh, hant: LABELS["zh-Hant"], other: LABELS.en });
  const word = table[info.scope];
  const note = [info.detail, info.source].filter((x) => x !== "").join(", ");
  return note ? `${word} (${note})` : word;
}
