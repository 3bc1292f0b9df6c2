/**
 * The nmap command line the adapter runs, built without touching the world:
 *
 *   user's extra args ("-sV --version-light") ─1─ split like a shell would (quotes, backslashes)
 *                                              ─2─ read each word as nmap will (options.ts) and refuse
 *                                                  what would change the targets or the output
 *   + our own: -oX - (XML on stdout), --stats-every (progress), -p <ports>, --exclude, targets
 *
 * Only the targets the user named are ever probed, so options that pick targets themselves
 * (`-iR` random hosts, `-iL` a list file, `--resume`, scripts' `newtargets`) are refused, as are
 * output options that would take the XML away from stdout — in every spelling nmap accepts
 * (`--iR=100`, `-top-ports=5`, `--top=5`, `-ni<file>`).
 */
import { NetreportError } from "../../../errors.js";
import { readNmapWord } from "./options.js";

/**
 * Splits an argument string as a POSIX shell would, without expanding anything: white space
 * separates, single quotes keep everything, double quotes keep all but `\"` and `\\`, a
 * backslash outside quotes escapes the next character.
 * @throws NetreportError EUSAGE for an unclosed quote.
 */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = c === "'" ? text.indexOf("'", i + 1) : findClosingDouble(text, i + 1);
      if (end < 0) throw new NetreportError("EUSAGE", `unclosed ${c === "'" ? "single" : "double"} quote at column ${i + 1} of "${text}"`, { where: "--nmap" });
      const inner = text.slice(i + 1, end);
      cur += c === "'" ? inner : inner.replace(/\\(["\\$`])/g, "$1");
      has = true;
      i = end;
    } else if (c === "\\" && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

function findClosingDouble(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

const WHY = {
  random: "picks random targets on the Internet; netreport probes only the targets you name",
  list: "reads targets from a file; use --targets-file, which netreport checks first",
  resume: "resumes another scan's targets",
  output: "takes the output away from netreport, which reads nmap's XML on stdout",
  xml: "changes the XML output netreport reads",
  ports: "chooses the ports; give them with netreport's -p, checked before nmap runs",
  top: "chooses the ports; give them with netreport's -p (top100 works there)",
  exclude: "skips targets; use netreport's --exclude",
  argsFile: "reads script arguments from a file netreport cannot check (newtargets there would add targets); give them with --script-args",
  relay: "makes nmap send traffic to a host you did not name (idle-scan zombie, FTP bounce relay, proxy or DNS server)",
} as const;

/** Long options (by the names in options.ts) that choose targets or outputs themselves, and why each is refused. */
const REFUSED_LONG: Readonly<Record<string, string>> = {
  iR: WHY.random,
  iL: WHY.list,
  resume: WHY.resume,
  oA: WHY.output, oN: WHY.output, oM: WHY.output, oG: WHY.output, oS: WHY.output, oH: WHY.output, oX: WHY.output,
  stylesheet: WHY.xml, webxml: WHY.xml, "no-stylesheet": WHY.xml, "append-output": WHY.xml,
  "top-ports": WHY.top, "port-ratio": WHY.top,
  exclude: WHY.exclude, excludefile: WHY.exclude,
  "script-args-file": WHY.argsFile,
  sI: WHY.relay, proxies: WHY.relay, proxy: WHY.relay, "dns-servers": WHY.relay,
};

/** Short options refused, by the letter that takes the value: -p, -b (FTP bounce), and -i, -o, -m (nmap's old spellings of -iL, -oN, -oG). */
const REFUSED_SHORT: Readonly<Record<string, string>> = { i: WHY.list, o: WHY.output, m: WHY.output, p: WHY.ports, b: WHY.relay };

/** The script argument that lets scripts (targets-asn, broadcast-*) add hosts to the scan. */
const NEW_TARGETS = /newtargets/i;

function refuse(word: string, readAs: string | null, why: string): never {
  const bare = (w: string) => w.replace(/^-+/, "").split("=")[0];
  const as = readAs && bare(readAs) !== bare(word) ? ` (read by nmap as ${readAs})` : "";
  throw new NetreportError("EUSAGE", `nmap option "${word}"${as} is not accepted: it ${why}`, { where: "--nmap" });
}

/** An IPv4 target word: address, octet ranges or CIDR. */
const IPV4_WORD = /^[\d.*,\-]+(\/\d+)?$/;
/** An IPv6 target word: a literal, or CIDR. */
const isIpv6Word = (t: string) => t.includes(":");

/** Options of {@link nmapArgs}. */
export interface NmapArgsOptions {
  /** The user's extra arguments as one string (`--nmap "-sV -T4"`). */
  extra: string;
  /**
   * Target words as nmap reads them: netreport's checked specs one word each (`describeSpec`),
   * so a comma list netreport accepts reaches nmap as separate targets.
   */
  targets: readonly string[];
  /** Port spec for `-p` (compact ranges, e.g. from `formatPorts`). */
  ports: string;
  /** Target tokens to exclude. */
  exclude?: readonly string[];
  /** Seconds between nmap's progress lines (`<taskprogress>` in the XML). Default 2; 0 for none. */
  statsEverySeconds?: number;
}

/**
 * The full argument vector for nmap (without the program name).
 * @throws NetreportError EUSAGE naming a refused extra argument and why.
 */
export function nmapArgs(o: NmapArgsOptions): string[] {
  const extra = splitArgs(o.extra);
  // Every word, option or value: --script-args newtargets, =newtargets, "x=1,newtargets".
  const newTargets = extra.find((a) => NEW_TARGETS.test(a));
  if (newTargets !== undefined) {
    throw new NetreportError("EUSAGE", `nmap argument "${newTargets}" is not accepted: newtargets lets scripts add targets; netreport probes only the targets you name`, { where: "--nmap" });
  }
  // Whether the user asked for IPv6 themselves: -6, alone or in a cluster (-6n).
  let asked6 = false;
  for (let i = 0; i < extra.length; i++) {
    const a = extra[i]!;
    // 1. Read the word as nmap will (abbreviations, one dash, =value, short clusters).
    const w = readNmapWord(a);
    if (w.kind === "short" && w.flags.includes("6")) asked6 = true;
    let valueNext = false;
    if (w.kind === "long") {
      const why = REFUSED_LONG[w.name];
      if (why) refuse(a, `--${w.name}`, why);
      valueNext = w.takesValue && w.value === null;
    } else if (w.kind === "ambiguous") {
      const hit = w.names.find((n) => REFUSED_LONG[n]);
      if (hit) refuse(a, `--${hit}`, REFUSED_LONG[hit]!);
    } else if (w.kind === "short" && w.valueOf !== null) {
      const why = REFUSED_SHORT[w.valueOf];
      if (why) refuse(a, `-${w.valueOf}`, why);
      // -sI <zombie>: the idle scan, whose value is the scan type; nmap takes the zombie from what follows.
      if (w.valueOf === "s" && (w.value ?? extra[i + 1] ?? "").startsWith("I")) refuse(a, "-sI", WHY.relay);
      valueNext = w.value === null;
    } else if (w.kind === "end") {
      refuse(a, null, "makes nmap read every word after it as a target; give targets as netreport's arguments");
    } else if (w.kind === "operand") {
      throw new NetreportError("EUSAGE", `"${a}" in --nmap looks like a target; give targets as netreport's arguments`, {
        where: "--nmap",
        hint: 'quote option values together with their option, e.g. --nmap "--script=banner"',
      });
    }
    // 2. Skip the option's value; nmap would otherwise take netreport's own -oX as that value.
    if (valueNext) {
      if (i + 1 >= extra.length) throw new NetreportError("EUSAGE", `nmap option "${a}" needs a value`, { where: "--nmap" });
      i++;
    }
  }
  if (o.targets.length === 0) throw new NetreportError("EUSAGE", "no targets for nmap", { where: "scan" });
  // 3. One address family a run: nmap skips an IPv6 literal without -6 ("you have to use the -6
  // option") and an IPv4 one with it, each with a warning only.
  const v6 = o.targets.filter(isIpv6Word);
  const v4 = o.targets.filter((t) => IPV4_WORD.test(t));
  const ipv6Run = v6.length > 0 || asked6;
  if (ipv6Run && v4.length) {
    const given = v6.length ? `both were given (${v4[0]}, ${v6[0]})` : `-6 was given with ${v4[0]}`;
    throw new NetreportError("EUSAGE", `nmap scans IPv4 and IPv6 targets in separate runs, and ${given}`, {
      where: "--nmap",
      hint: "run netreport scan --nmap once for the IPv4 targets and once for the IPv6 ones, or scan without --nmap",
    });
  }
  // Under -6 nmap reads a host name's prefix as an IPv6 prefix (name/17: 2^111 addresses), not
  // as the IPv4 prefix netreport counted for --max-hosts.
  const prefixedName = ipv6Run ? o.targets.find((t) => !isIpv6Word(t) && !IPV4_WORD.test(t) && t.includes("/")) : undefined;
  if (prefixedName !== undefined) {
    throw new NetreportError("EUSAGE", `in an IPv6 nmap run the prefix of the host name ${prefixedName} would be an IPv6 prefix`, {
      where: "--nmap",
      hint: "give the name without a prefix, or its IPv6 address with the prefix you mean",
    });
  }
  const family6 = ipv6Run && !asked6 ? ["-6"] : [];
  const exclude = (o.exclude ?? []).filter((t) => (v6.length ? !IPV4_WORD.test(t) : !isIpv6Word(t)));
  const stats = o.statsEverySeconds ?? 2;
  return [
    ...family6,
    ...extra,
    "-oX",
    "-",
    ...(stats > 0 ? ["--stats-every", `${stats}s`] : []),
    "-p",
    o.ports,
    ...(exclude.length ? ["--exclude", exclude.join(",")] : []),
    "--",
    ...o.targets,
  ];
}
