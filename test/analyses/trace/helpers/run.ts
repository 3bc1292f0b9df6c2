/** Runs netreport's trace, scapy's traceroute() and the CLI inside the lab's probe namespace. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { TraceResult, TraceRouteOptions } from "../../../../src/analyses/trace/index.js";
import type { TraceLab } from "./topology.js";

const here = import.meta.dirname;

/** netreport's traceRoute in the probe namespace (a child process: capture needs the namespace). */
export function traceInNs(lab: TraceLab, options: Omit<TraceRouteOptions, "locator"> & { asnDb?: string; cityDb?: string }, wrap: string[] = []): { result?: TraceResult; elapsedMs?: number; error?: { code: string; message: string } } {
  const out = execFileSync("ip", ["netns", "exec", lab.probe, ...wrap, process.execPath, "--import", "tsx", join(here, "trace-child.ts"), JSON.stringify(options)], { encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000 });
  return JSON.parse(out);
}

/** One scapy answer or silence. */
export interface ScapyRow {
  target: string;
  port: number;
  ttl: number;
  address?: string;
  kind?: string;
}

/** scapy's traceroute() in the probe namespace. */
export function scapyInNs(lab: TraceLab, targets: string[], ports: number[], maxTtl: number, timeoutS = 2): { answered: ScapyRow[]; unanswered: ScapyRow[]; elapsedMs: number } {
  const out = execFileSync("ip", ["netns", "exec", lab.probe, "/usr/bin/python3", join(here, "scapy_trace.py"), targets.join(","), ports.join(","), String(maxTtl), String(timeoutS)], { encoding: "utf8", maxBuffer: 64 << 20, timeout: 180_000 });
  return JSON.parse(out);
}

/** An answer of scapy's traceroute6(): `kind` is TCP flags or the ICMPv6 type, `code` the unreachable code. */
export interface Scapy6Row extends ScapyRow {
  code?: number | null;
}

/** scapy's traceroute6() in the probe namespace (its neighbour-solicitation route warning is dropped with stderr). */
export function scapy6InNs(lab: TraceLab, targets: string[], ports: number[], maxTtl: number, timeoutS = 2): { answered: Scapy6Row[]; unanswered: ScapyRow[]; elapsedMs: number } {
  const out = execFileSync("ip", ["netns", "exec", lab.probe, "/usr/bin/python3", join(here, "scapy_trace6.py"), targets.join(","), ports.join(","), String(maxTtl), String(timeoutS)], { encoding: "utf8", maxBuffer: 64 << 20, timeout: 180_000, stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out);
}

/**
 * ICMPv6 destination unreachable codes (RFC 4443 §3.1) → the IPv4 unreachable kind of the same
 * meaning, written out here rather than taken from match6.ts, so that the cross-check does not
 * use the code under test as its key: 0 no route → 3/0, 1 administratively prohibited → 3/13,
 * 2 beyond scope → 3/1, 3 address unreachable → 3/1, 4 port unreachable → 3/3, 5 source address
 * failed policy → 3/13, 6 reject route → 3/13.
 */
const RFC4443_AS_IPV4: Readonly<Record<number, string>> = { 0: "3/0", 1: "3/13", 2: "3/1", 3: "3/1", 4: "3/3", 5: "3/13", 6: "3/13" };

/**
 * scapy's IPv6 answers in the dataset's vocabulary: ICMPv6 time exceeded (3) → `11`, destination
 * unreachable (1) → the IPv4 kind of its code; TCP flags stay.
 */
export function scapy6AsKinds(s: { answered: Scapy6Row[]; unanswered: ScapyRow[] }): { answered: ScapyRow[]; unanswered: ScapyRow[] } {
  return { answered: s.answered.map((r) => ({ ...r, kind: r.kind === "3" ? "11" : r.kind === "1" ? (RFC4443_AS_IPV4[r.code ?? -1] ?? `1/${r.code}`) : r.kind })), unanswered: s.unanswered };
}

/**
 * scapy's result as one line per (target, port, ttl) up to the path's first terminal answer
 * (scapy keeps probing past the destination; netreport stops there): `target:port ttl address kind`.
 */
export function scapyTable(s: { answered: ScapyRow[]; unanswered: ScapyRow[] }, targets: string[], ports: number[], maxTtl: number): string[] {
  const lines: string[] = [];
  for (const t of targets) {
    for (const p of ports) {
      for (let ttl = 1; ttl <= maxTtl; ttl++) {
        const a = s.answered.find((r) => r.target === t && r.port === p && r.ttl === ttl);
        lines.push(`${t}:${p} ${ttl} ${a?.address ?? "*"} ${a?.kind ?? "unk"}`);
        if (a && a.kind !== "11") break;
      }
    }
  }
  return lines;
}

/** netreport's rows in the same form. */
export function ourTable(r: TraceResult): string[] {
  return r.hops.rows.map((h) => `${h.target}:${h.port ?? "-"} ${h.ttl} ${h.address ?? "*"} ${h.kind}`);
}
