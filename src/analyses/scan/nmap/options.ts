/**
 * How nmap reads one word of its command line, so that the option filter (args.ts) judges the
 * option nmap will act on, however it is spelled. nmap parses with getopt_long_only:
 *
 *   --name[=value]  a long option; `name` may be any abbreviation that fits only one option
 *   -name[=value]   the same with one dash, tried first when `name` has two letters or more
 *   -xyz            otherwise short options, clustered: letters that take no value (-n, -A)
 *                   until one that takes a value, which takes the rest of the word (-p22, -ni<file>)
 *                   or, when nothing is left, the next word (-p 22)
 *
 * nmap releases differ on `_` for `-` in long names (--top_ports); both spellings are read as one.
 */

/** nmap's long options (nmap.cc, 7.93 to 7.95), `true` for those that take a value. */
const LONG: Readonly<Record<string, boolean>> = {
  version: false, verbose: false, datadir: true, servicedb: true, versiondb: true, debug: false, help: false,
  iflist: false, "release-memory": false, nogcc: false, "max-os-tries": true, "max-parallelism": true,
  "min-parallelism": true, timing: true, "max-rtt-timeout": true, "min-rtt-timeout": true,
  "initial-rtt-timeout": true, excludefile: true, exclude: true, "max-hostgroup": true, "min-hostgroup": true,
  open: false, scanflags: true, "defeat-rst-ratelimit": false, "defeat-icmp-ratelimit": false,
  "host-timeout": true, "scan-delay": true, "max-scan-delay": true, "max-retries": true,
  oA: true, oN: true, oM: true, oG: true, oS: true, oH: true, oX: true, iL: true, iR: true, sI: true,
  "source-port": true, "randomize-hosts": false, "nsock-engine": true, proxies: true, proxy: true,
  "discovery-ignore-rst": false, "osscan-limit": false, "osscan-guess": false, fuzzy: false,
  "packet-trace": false, "version-trace": false, data: true, "data-string": true, "data-length": true,
  "send-eth": false, "send-ip": false, stylesheet: true, "no-stylesheet": false, webxml: false, rH: false,
  vv: false, ff: false, privileged: false, unprivileged: false, mtu: true, "append-output": false,
  noninteractive: false, "spoof-mac": true, thc: false, badsum: false, ttl: true, traceroute: false,
  reason: false, allports: false, "version-intensity": true, "version-light": false, "version-all": false,
  "system-dns": false, "resolve-all": false, unique: false, "log-errors": false,
  "deprecated-xml-osclass": false, "dns-servers": true, "port-ratio": true, "exclude-ports": true,
  "top-ports": true, script: true, "script-trace": false, "script-updatedb": false, "script-args": true,
  "script-args-file": true, "script-help": true, "script-timeout": true, "ip-options": true,
  "min-rate": true, "max-rate": true, adler32: false, "stats-every": true, "disable-arp-ping": false,
  "route-dst": true, resume: true,
};
const LONG_NAMES = Object.keys(LONG);

/** Short options (nmap's optstring "46Ab:D:d::e:Ffg:hIi:M:m:nO::o:P:p:qRrS:s:T:Vv::"). */
const SHORT_FLAG = new Set("46AFfhIqRrnV");
const SHORT_VALUE = new Set("bDeigMmoPpSsT");
const SHORT_OPTIONAL = new Set("dOv");

/** One word as nmap reads it. */
export type NmapWord =
  /** A long option; `value` is the attached `=value`, else `null` (then the next word when `takesValue`). */
  | { kind: "long"; name: string; value: string | null; takesValue: boolean }
  /** An abbreviation that fits several long options: nmap refuses it, another release might not. */
  | { kind: "ambiguous"; names: string[] }
  /**
   * Short options: `flags` the letters that take no value (-6n: "6n"), `valueOf` the letter that
   * takes one (`value`, or the next word when `null`).
   */
  | { kind: "short"; flags: string; valueOf: string | null; value: string | null }
  /** `--`: every word after it is a target. */
  | { kind: "end" }
  /** A word that is no option: nmap scans it as a target. */
  | { kind: "operand" }
  /** An option nmap does not know: it refuses to run. */
  | { kind: "unknown" };

function readLong(text: string): NmapWord | null {
  const eq = text.indexOf("=");
  const name = (eq < 0 ? text : text.slice(0, eq)).replace(/_/g, "-");
  const value = eq < 0 ? null : text.slice(eq + 1);
  if (name === "") return null;
  const exact = Object.hasOwn(LONG, name) ? [name] : LONG_NAMES.filter((n) => n.startsWith(name));
  if (exact.length === 1) return { kind: "long", name: exact[0]!, value, takesValue: LONG[exact[0]!]! };
  if (exact.length > 1) return { kind: "ambiguous", names: exact };
  return null;
}

function readShort(letters: string): NmapWord {
  for (let i = 0; i < letters.length; i++) {
    const c = letters[i]!;
    if (SHORT_FLAG.has(c)) continue;
    if (SHORT_VALUE.has(c) || SHORT_OPTIONAL.has(c)) {
      const rest = letters.slice(i + 1);
      return { kind: "short", flags: letters.slice(0, i), valueOf: c, value: rest !== "" || SHORT_OPTIONAL.has(c) ? rest : null };
    }
    return { kind: "unknown" };
  }
  return { kind: "short", flags: letters, valueOf: null, value: null };
}

/** Reads one word of nmap's command line as nmap would (the value of a previous option aside). */
export function readNmapWord(word: string): NmapWord {
  if (word === "--") return { kind: "end" };
  if (word.startsWith("--")) return readLong(word.slice(2)) ?? { kind: "unknown" };
  if (!word.startsWith("-") || word === "-") return { kind: "operand" };
  const body = word.slice(1);
  // One letter that is a short option stays short; anything longer is tried as a long option first.
  if (body.length > 1 || !(SHORT_FLAG.has(body) || SHORT_VALUE.has(body) || SHORT_OPTIONAL.has(body))) {
    const long = readLong(body);
    if (long) return long;
  }
  return readShort(body);
}
