/**
 * The nmap command line the adapter runs, built without touching the world:
 *
 *   user's extra args ("-sV --version-light") ─1─ split like a shell would (quotes, backslashes)
 *                                              ─2─ refuse what would change the targets or the output
 *   + our own: -oX - (XML on stdout), --stats-every (progress), -p <ports>, --exclude, targets
 *
 * Only the targets the user named are ever probed, so options that pick targets themselves
 * (`-iR` random hosts, `-iL` a list file, `--resume`) are refused, as are output options that
 * would take the XML away from stdout.
 */
import { NetreportError } from "../../../errors.js";

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

/** Options that choose targets or outputs themselves, and why each is refused. */
const REFUSED: Array<[RegExp, string]> = [
  [/^-iR/, "picks random targets on the Internet; netreport probes only the targets you name"],
  [/^-iL/, "reads targets from a file; use --targets-file, which netreport checks first"],
  [/^--resume$/, "resumes another scan's targets"],
  [/^-o[XNGSA]/, "takes the output away from netreport, which reads nmap's XML on stdout"],
  [/^--(stylesheet|webxml|no-stylesheet|append-output)$/, "changes the XML output netreport reads"],
  [/^-p/, "ports are given with netreport's -p, checked before nmap runs"],
  [/^--(top-ports|port-ratio)$/, "ports are given with netreport's -p (top100 works there)"],
  [/^--exclude$|^--excludefile$/, "use netreport's --exclude"],
];

/**
 * nmap options whose value is the next argument. Any other word without a leading dash would be
 * read by nmap as a target, so it is refused.
 */
const TAKES_VALUE = new Set([
  "--script", "--script-args", "--script-args-file", "--script-timeout", "--version-intensity",
  "--max-retries", "--host-timeout", "--min-rate", "--max-rate", "--scan-delay", "--max-scan-delay",
  "--min-parallelism", "--max-parallelism", "--min-rtt-timeout", "--max-rtt-timeout", "--initial-rtt-timeout",
  "--min-hostgroup", "--max-hostgroup", "--max-os-tries", "--ttl", "--source-port", "-g", "-e",
  "--data-length", "--mtu", "--datadir", "--servicedb", "--versiondb", "--dns-servers",
]);

/** Options of {@link nmapArgs}. */
export interface NmapArgsOptions {
  /** The user's extra arguments as one string (`--nmap "-sV -T4"`). */
  extra: string;
  /** Target tokens, as the user wrote them (already checked by netreport's spec parser). */
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
  for (let i = 0; i < extra.length; i++) {
    const a = extra[i]!;
    const hit = REFUSED.find(([re]) => re.test(a));
    if (hit) throw new NetreportError("EUSAGE", `nmap option "${a}" is not accepted: it ${hit[1]}`, { where: "--nmap" });
    if (TAKES_VALUE.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith("-")) {
      throw new NetreportError("EUSAGE", `"${a}" in --nmap looks like a target; give targets as netreport's arguments`, {
        where: "--nmap",
        hint: 'quote option values together with their option, e.g. --nmap "--script=banner"',
      });
    }
  }
  if (o.targets.length === 0) throw new NetreportError("EUSAGE", "no targets for nmap", { where: "scan" });
  const stats = o.statsEverySeconds ?? 2;
  return [
    ...extra,
    "-oX",
    "-",
    ...(stats > 0 ? ["--stats-every", `${stats}s`] : []),
    "-p",
    o.ports,
    ...(o.exclude?.length ? ["--exclude", o.exclude.join(",")] : []),
    "--",
    ...o.targets,
  ];
}
