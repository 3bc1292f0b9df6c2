/**
 * nmap `-oX` XML → {@link ScanResult}, the same model the connect scanner produces.
 *
 * Layout read (nmap.dtd, xmloutputversion 1.01–1.05):
 *   <nmaprun args version start>
 *     <scaninfo type protocol numservices/>
 *     <host> <status state reason/> <address addr addrtype/>… <hostnames><hostname name type/>…
 *            <ports> <extraports state count/>… <port protocol portid> <state state reason/>
 *                    <service name product version extrainfo/> </port>… </ports>
 *            <os><osmatch name accuracy/>…</os> <times srtt rttvar to/>  (times in µs)
 *     </host>…
 *     <runstats> <finished time elapsed errormsg?/> <hosts up down total/> </runstats>
 *
 * Oddities of real files become warnings, not failures: runstats that disagree with the hosts
 * present, ports without a protocol, nmap's own error messages.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { isNetreportError, NetreportError } from "../../../errors.js";
import { child, children, parseXml, type XmlElement } from "./xml.js";
import { HostStatus, isPortState, type HostResult, type PortResult, type Protocol, type ScanResult } from "../types.js";
import { withProtocol } from "../ports/ranges.js";
import { formatText } from "../probe/banner.js";

const PROTOCOLS = new Set(["tcp", "udp", "sctp"]);

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * A value from the file as quoted in a warning, which the CLI prints on the terminal: escaped as
 * banners are (`\n`, `\\`, `\xNN`), so one value cannot forge a line or carry an escape sequence.
 */
function shown(v: string | undefined): string {
  return formatText(v ?? "");
}

/** ISO text of a Unix time from the file, or null (with a warning naming `what` when it is no time). */
function isoOf(seconds: number | null, what: string, source: string, warnings: string[]): string | null {
  if (seconds === null) return null;
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) {
    warnings.push(`${source}: ${what}="${seconds}" is not a time; ignored`);
    return null;
  }
  return d.toISOString();
}

function hostOf(h: XmlElement, source: string, warnings: string[]): HostResult {
  const addresses = children(h, "address");
  const ip = addresses.find((a) => a.attrs.addrtype === "ipv4" || a.attrs.addrtype === "ipv6") ?? addresses.find((a) => a.attrs.addrtype !== "mac");
  const address = ip?.attrs.addr ?? "";
  if (!address) warnings.push(`${source}:${h.line}: a host without an IP address`);
  const names = child(h, "hostnames") ? children(child(h, "hostnames")!, "hostname") : [];
  const name = names.find((n) => n.attrs.type === "user") ?? names[0];
  const statusText = child(h, "status")?.attrs.state;
  const status = statusText === "up" ? HostStatus.up : statusText === "down" ? HostStatus.down : HostStatus.unknown;
  const ports: PortResult[] = [];
  const extraports: HostResult["extraports"] = [];
  for (const block of children(h, "ports")) {
    for (const e of children(block, "extraports")) {
      const state = e.attrs.state ?? "";
      const count = num(e.attrs.count);
      // nmap ≥ 7.90: <extrareasons reason count proto ports="1-49,61-100"/>, one or more a block
      const reasons = children(e, "extrareasons");
      // Only digits, commas and dashes: the list is written into a dataset column and read back.
      const lists = reasons.map((r) => (r.attrs.ports && /^[0-9][0-9,-]*$/.test(r.attrs.ports) ? withProtocol(r.attrs.proto ?? "tcp", r.attrs.ports) : null));
      const ports = lists.length && lists.every((l) => l !== null) ? lists.join(",") : null;
      if (isPortState(state) && count !== null) extraports.push({ state, count, ports });
      else warnings.push(`${source}:${e.line}: extraports with state "${shown(state)}" and count "${shown(e.attrs.count)}" skipped`);
    }
    for (const p of children(block, "port")) {
      const port = num(p.attrs.portid);
      if (port === null || !Number.isInteger(port) || port < 0 || port > 65535) {
        warnings.push(`${source}:${p.line}: port "${shown(p.attrs.portid)}" is not a port number; skipped`);
        continue;
      }
      let protocol = p.attrs.protocol ?? "";
      if (!PROTOCOLS.has(protocol)) {
        warnings.push(`${source}:${p.line}: port ${port} of ${shown(address) || "a host"} has ${protocol ? `protocol "${shown(protocol)}"` : "no protocol"}; read as tcp`);
        protocol = "tcp";
      }
      const st = child(p, "state");
      const stateText = st?.attrs.state ?? "";
      if (!isPortState(stateText)) {
        warnings.push(`${source}:${p.line}: port ${port} has state "${shown(stateText)}"; skipped`);
        continue;
      }
      const svc = child(p, "service");
      const a = svc?.attrs ?? {};
      ports.push({
        port,
        protocol: protocol as Protocol,
        state: stateText,
        reason: st?.attrs.reason ?? null,
        service: a.name || null,
        product: a.product || null,
        version: a.version || null,
        extrainfo: a.extrainfo || null,
        banner: null,
        rttMs: null,
      });
    }
  }
  ports.sort((x, y) => x.protocol.localeCompare(y.protocol) || x.port - y.port);
  const osmatch = child(h, "os") ? children(child(h, "os")!, "osmatch")[0] : undefined;
  const srtt = num(child(h, "times")?.attrs.srtt);
  return {
    address,
    hostname: name?.attrs.name ?? null,
    status,
    ports,
    extraports,
    srttMs: srtt === null ? null : srtt / 1000,
    os: osmatch?.attrs.name ? `${osmatch.attrs.name}${osmatch.attrs.accuracy ? ` (${osmatch.attrs.accuracy}%)` : ""}` : null,
  };
}

/**
 * Parses nmap XML text to a scan result.
 * @param source names the input in errors and warnings (a file name).
 * @throws NetreportError ENMAP with file:line:column when the XML is malformed, unsafe (DTD,
 *   entities) or not nmap's (root element other than `<nmaprun>`).
 */
export function parseNmapXml(text: string, source = "nmap.xml"): ScanResult {
  const root = parseXml(text, source);
  if (root.name !== "nmaprun") {
    throw new NetreportError("ENMAP", `root element is <${root.name}>, not <nmaprun>`, { where: `${source}:${root.line}`, hint: "the file must be XML written by nmap -oX" });
  }
  const warnings: string[] = [];
  const hosts = children(root, "host").map((h) => hostOf(h, source, warnings));
  const runstats = child(root, "runstats");
  const finished = runstats ? child(runstats, "finished") : undefined;
  const counts = runstats ? child(runstats, "hosts") : undefined;
  if (finished?.attrs.errormsg) warnings.push(`${source}: nmap reported: ${shown(finished.attrs.errormsg)}`);
  if (finished?.attrs.exit === "error" && !finished.attrs.errormsg) warnings.push(`${source}: nmap exited with an error`);
  const total = num(counts?.attrs.total);
  if (total !== null && total !== hosts.length) {
    warnings.push(`${source}: runstats count ${total} hosts (${counts?.attrs.up === undefined ? "?" : shown(counts.attrs.up)} up) but the file holds ${hosts.length}; the missing hosts are not in the report`);
  }
  if (!runstats) warnings.push(`${source}: no <runstats>: the scan may have been cut short`);
  const scaninfo = children(root, "scaninfo").map((s) => ({ type: s.attrs.type ?? null, protocol: s.attrs.protocol ?? null, numservices: num(s.attrs.numservices) }));
  const startedAt = isoOf(num(root.attrs.start), "<nmaprun start", source, warnings) ?? new Date(0).toISOString();
  return {
    source: "nmap-xml",
    hosts,
    warnings,
    partial: !runstats,
    parameters: {
      file: basename(source),
      args: root.attrs.args ?? null,
      nmapVersion: root.attrs.version ?? null,
      scaninfo,
      runstats: counts ? { up: num(counts.attrs.up), down: num(counts.attrs.down), total } : null,
      elapsedS: num(finished?.attrs.elapsed),
    },
    startedAt,
    finishedAt: isoOf(num(finished?.attrs.time), "<finished time", source, warnings) ?? startedAt,
  };
}

/**
 * Imports nmap XML files into one scan result. A file that cannot be read or parsed costs only
 * itself: its error becomes a warning and `partial` is set; the other files are kept.
 * @throws NetreportError ENMAP only when no file could be imported (the first error).
 */
export async function importNmapXml(files: readonly string[], read: (path: string) => Promise<string> = (p) => readFile(p, "utf8")): Promise<ScanResult> {
  const results: ScanResult[] = [];
  const errors: NetreportError[] = [];
  for (const file of files) {
    try {
      results.push(parseNmapXml(await read(file), file));
    } catch (e) {
      errors.push(isNetreportError(e) ? e : new NetreportError("EINPUT", `cannot read: ${(e as Error).message}`, { where: file, cause: e }));
    }
  }
  if (results.length === 0) {
    throw errors[0] ?? new NetreportError("EUSAGE", "no nmap XML files given");
  }
  return {
    source: "nmap-xml",
    hosts: results.flatMap((r) => r.hosts),
    warnings: [...results.flatMap((r) => r.warnings), ...errors.map((e) => `skipped: ${e.toLine()}`)],
    partial: errors.length > 0 || results.some((r) => r.partial),
    parameters: { files: results.map((r) => r.parameters) },
    startedAt: results.map((r) => r.startedAt).sort()[0]!,
    finishedAt: results.map((r) => r.finishedAt).sort().at(-1)!,
  };
}
