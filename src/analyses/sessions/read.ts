/**
 * This machine's listening services and connections, read from /proc.
 *
 *   1. read /proc/net/{tcp,tcp6,udp,udp6} (a missing table, e.g. IPv6 off, is a warning)
 *   2. parse each (procNet.ts); malformed lines become warnings
 *   3. attribute sockets to processes through /proc/<pid>/fd (processes.ts)
 *   4. classify (classify.ts): listeners → `listeningServices`, the rest → `socketConnections`
 *
 * Reads only; nothing is sent anywhere. /proc/net shows the network namespace of the reading
 * process, so `ip netns exec` scopes it.
 */
import { readFile } from "node:fs/promises";
import { endianness } from "node:os";
import { join } from "node:path";
import { makeDataset, provenance } from "../../dataset/create.js";
import { registerDatasetKind } from "../../dataset/json.js";
import type { Column, Dataset } from "../../dataset/types.js";
import { loadServices } from "../scan/ports/services.js";
import { classifySockets, type ConnectionRow, type ListeningRow } from "./classify.js";
import { parseProcNetSockets, type ProcSocket, type SocketProtocol } from "./procNet.js";
import { socketOwners } from "./processes.js";

export const LISTENING_KIND = "listeningServices";
export const CONNECTIONS_KIND = "socketConnections";
export const SESSIONS_SCHEMA_VERSION = 1;
registerDatasetKind(LISTENING_KIND, SESSIONS_SCHEMA_VERSION);
registerDatasetKind(CONNECTIONS_KIND, SESSIONS_SCHEMA_VERSION);

/** Options of {@link readSockets}. */
export interface ReadSocketsOptions {
  /** Root of procfs. Default "/proc". */
  procRoot?: string;
  /** Look up owning processes. Default true. */
  processes?: boolean;
  /** Byte order of /proc addresses. Default: this machine's. */
  littleEndian?: boolean;
}

/** What {@link readSockets} returns: spread it into `composeLocalReport`. */
export interface SocketsResult {
  services: Dataset<typeof LISTENING_KIND, ListeningRow>;
  connections: Dataset<typeof CONNECTIONS_KIND, ConnectionRow>;
}

const TABLES: ReadonlyArray<{ name: string; protocol: SocketProtocol }> = [
  { name: "tcp", protocol: "tcp" },
  { name: "tcp6", protocol: "tcp" },
  { name: "udp", protocol: "udp" },
  { name: "udp6", protocol: "udp" },
];

const LISTENING_COLUMNS: Column<ListeningRow>[] = [
  { key: "protocol", label: "Protocol", type: "text" },
  { key: "address", label: "Address", type: "ip" },
  { key: "port", label: "Port", type: "port" },
  { key: "service", label: "Service", type: "text", description: "Usual service of the port (nmap-services), not a probe of what answers." },
  { key: "exposure", label: "Reachable from", type: "text" },
  { key: "process", label: "Process", type: "text" },
  { key: "pid", label: "PID", type: "id" },
  { key: "uid", label: "UID", type: "id" },
  { key: "connections", label: "Connections", type: "integer", description: "Established connections to this port." },
];

const CONNECTION_COLUMNS: Column<ConnectionRow>[] = [
  { key: "protocol", label: "Protocol", type: "text" },
  { key: "direction", label: "Direction", type: "text" },
  { key: "localAddress", label: "Local address", type: "ip" },
  { key: "localPort", label: "Local port", type: "port" },
  { key: "remoteAddress", label: "Peer address", type: "ip" },
  { key: "remotePort", label: "Peer port", type: "port" },
  { key: "state", label: "State", type: "text" },
  { key: "service", label: "Service", type: "text" },
  { key: "process", label: "Process", type: "text" },
  { key: "pid", label: "PID", type: "id" },
  { key: "txQueue", label: "Send queue", type: "bytes" },
  { key: "rxQueue", label: "Receive queue", type: "bytes" },
];

/** Reads this machine's sockets from /proc and returns listening services and connections. */
export async function readSockets(options: ReadSocketsOptions = {}): Promise<SocketsResult> {
  const started = new Date();
  const procRoot = options.procRoot ?? "/proc";
  const littleEndian = options.littleEndian ?? endianness() === "LE";
  const warnings: string[] = [];
  const sockets: ProcSocket[] = [];
  // 1–2. Read and parse each table.
  for (const t of TABLES) {
    const file = join(procRoot, "net", t.name);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      warnings.push(`${file} could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); its sockets are missing`);
      continue;
    }
    const parsed = parseProcNetSockets(text, { protocol: t.protocol, littleEndian, file });
    sockets.push(...parsed.sockets);
    warnings.push(...parsed.problems);
  }
  // 3. Owners.
  const owners = options.processes === false ? new Map() : await socketOwners(new Set(sockets.map((s) => s.inode).filter((i) => i !== 0)), procRoot);
  const unowned = sockets.filter((s) => s.inode !== 0 && !owners.has(s.inode)).length;
  if (options.processes !== false && unowned > 0 && process.getuid?.() !== 0) {
    warnings.push(`${unowned} socket(s) belong to processes this user may not inspect; run as root to name them`);
  }
  // 4. Classify.
  const services = loadServices();
  const { listening, connections } = classifySockets(sockets, { owners, serviceName: (port) => services.name(port) });
  const prov = provenance("proc.sockets", { procRoot, processes: options.processes !== false }, started);
  return {
    services: makeDataset({ kind: LISTENING_KIND, schemaVersion: SESSIONS_SCHEMA_VERSION, title: "Listening services", columns: LISTENING_COLUMNS, rows: listening, provenance: prov, warnings }),
    connections: makeDataset({ kind: CONNECTIONS_KIND, schemaVersion: SESSIONS_SCHEMA_VERSION, title: "Connections", columns: CONNECTION_COLUMNS, rows: connections, provenance: prov, warnings }),
  };
}
