/**
 * The services table: port → service name, and TCP ports ranked by how often nmap's authors
 * found them open. Read from Debian's nmap-services when present, else the built-in top-1000.
 *
 * nmap-services layout, one service per line, `#` starts a comment:
 *   name <TAB> port/proto <TAB> open-frequency (0..1) [<TAB> # comment]
 */
import { readFileSync } from "node:fs";
import { TOP_TCP_PORTS } from "./top1000.js";

/** Where Debian's nmap package installs its services table. */
export const NMAP_SERVICES_PATH = "/usr/share/nmap/nmap-services";

/** A loaded services table. */
export interface ServicesTable {
  /** Where it came from: a file path or `"built-in top-1000"`. */
  source: string;
  /** Service name of a TCP port, or `null`. */
  name(port: number): string | null;
  /** The `n` most frequent TCP ports, most frequent first (ties by port number, as nmap does). */
  top(n: number): number[];
  /** Port number of a service name (`http` → 80), or `null`. */
  portOf(name: string): number | null;
}

function tableOf(source: string, ranked: Array<readonly [number, string]>): ServicesTable {
  const names = new Map<number, string>();
  const ports = new Map<string, number>();
  for (const [port, name] of ranked) {
    if (!names.has(port)) names.set(port, name);
    // nmap-services writes some names with capitals (X11, Elite, NFS-or-IIS) and some twice in
    // two cases (X11 6000, x11 6010): keyed in lower case, a name finds its most frequent port.
    const key = name.toLowerCase();
    if (!ports.has(key)) ports.set(key, port);
  }
  return {
    source,
    name: (port) => names.get(port) ?? null,
    top: (n) => ranked.slice(0, Math.max(0, n)).map((r) => r[0]),
    portOf: (name) => ports.get(name.toLowerCase()) ?? null,
  };
}

/** Parses nmap-services text; TCP entries only, ranked by frequency. */
export function parseNmapServices(text: string, source = "nmap-services"): ServicesTable {
  const rows: Array<{ port: number; name: string; freq: number }> = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [name, portProto, freq] = line.split("\t");
    if (!name || !portProto?.endsWith("/tcp")) continue;
    const port = Number(portProto.slice(0, -4));
    if (!Number.isInteger(port) || port < 0 || port > 65535) continue;
    rows.push({ port, name, freq: Number(freq) || 0 });
  }
  rows.sort((a, b) => b.freq - a.freq || a.port - b.port);
  return tableOf(source, rows.map((r) => [r.port, r.name] as const));
}

let cached: ServicesTable | undefined;

/**
 * The services table of this machine: nmap-services at `path` (default Debian's) when readable,
 * else the built-in top-1000 list. Loaded once per path and reused.
 */
export function loadServices(path: string = NMAP_SERVICES_PATH): ServicesTable {
  if (cached && cached.source === path) return cached;
  try {
    cached = parseNmapServices(readFileSync(path, "utf8"), path);
  } catch {
    return builtinServices();
  }
  return cached;
}

/** The built-in table (nmap's top-1000 TCP ports with names). */
export function builtinServices(): ServicesTable {
  return tableOf("built-in top-1000", [...TOP_TCP_PORTS]);
}
