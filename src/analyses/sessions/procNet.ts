/**
 * Parses /proc/net/{tcp,tcp6,udp,udp6}: the kernel's socket tables of one network namespace.
 *
 * Layout (one header line, then one socket per line; columns separated by spaces):
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ...
 *    0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 ...
 * - local_address/rem_address: hex address ':' hex port. IPv4 is one 32-bit word, IPv6 four
 *   32-bit words, each word printed in the kernel's (host) byte order, so on little-endian
 *   machines 127.0.0.1 reads `0100007F`. Ports are plain big hex numbers.
 * - st: hex state (TCP states below; UDP uses 07 for unconnected and 01 for connected sockets).
 * - tx_queue:rx_queue hex byte counts; uid and inode decimal.
 */
import { formatIp } from "../../enrich/ip.js";

/** TCP states as the kernel numbers them (include/net/tcp_states.h). */
export const TCP_STATES: Readonly<Record<number, string>> = {
  1: "ESTABLISHED",
  2: "SYN_SENT",
  3: "SYN_RECV",
  4: "FIN_WAIT1",
  5: "FIN_WAIT2",
  6: "TIME_WAIT",
  7: "CLOSE",
  8: "CLOSE_WAIT",
  9: "LAST_ACK",
  10: "LISTEN",
  11: "CLOSING",
  12: "NEW_SYN_RECV",
};

/** Transport of a socket table. */
export type SocketProtocol = "tcp" | "udp";

/** One socket as the kernel lists it. */
export interface ProcSocket {
  protocol: SocketProtocol;
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Kernel state number (`st`). */
  st: number;
  /** State name: TCP names above; UDP `UNCONN` (07) or `ESTABLISHED` (01). */
  state: string;
  txQueue: number;
  rxQueue: number;
  uid: number;
  inode: number;
}

/** What {@link parseProcNetSockets} returns: sockets, and lines it could not read. */
export interface ParsedSocketTable {
  sockets: ProcSocket[];
  /** One message per malformed line, naming the file and line. */
  problems: string[];
}

/** Options of {@link parseProcNetSockets}. */
export interface ParseSocketsOptions {
  protocol: SocketProtocol;
  /** Byte order of the words in addresses. Default: this machine's (`os.endianness()`). */
  littleEndian: boolean;
  /** Named in problems. Default `/proc/net/<protocol>`. */
  file?: string;
}

/**
 * Decodes a `/proc/net/tcp*` address (`0100007F:0016`) to its text address and port, or null
 * when it is malformed (wrong length, not hex).
 */
export function decodeProcAddress(field: string, littleEndian: boolean): { address: string; port: number; family: 4 | 6 } | null {
  const colon = field.indexOf(":");
  if (colon < 0) return null;
  const hex = field.slice(0, colon);
  const portHex = field.slice(colon + 1);
  if ((hex.length !== 8 && hex.length !== 32) || !/^[0-9A-Fa-f]+$/.test(hex) || !/^[0-9A-Fa-f]{1,4}$/.test(portHex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let w = 0; w < hex.length / 8; w++) {
    for (let b = 0; b < 4; b++) {
      const v = parseInt(hex.slice(w * 8 + b * 2, w * 8 + b * 2 + 2), 16);
      bytes[w * 4 + (littleEndian ? 3 - b : b)] = v;
    }
  }
  return { address: formatAddress(bytes), port: parseInt(portHex, 16), family: bytes.length === 4 ? 4 : 6 };
}

/** RFC 5952 text, with IPv4-mapped IPv6 in mixed notation (`::ffff:127.0.0.1`) as `ss` shows it. */
function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 16 && bytes[10] === 0xff && bytes[11] === 0xff && bytes.subarray(0, 10).every((b) => b === 0)) {
    return `::ffff:${formatIp(bytes.subarray(12))}`;
  }
  return formatIp(bytes);
}

/** Parses the text of one socket table. Malformed lines are reported in `problems` and skipped. */
export function parseProcNetSockets(text: string, options: ParseSocketsOptions): ParsedSocketTable {
  const file = options.file ?? `/proc/net/${options.protocol}`;
  const sockets: ProcSocket[] = [];
  const problems: string[] = [];
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const f = line.split(/\s+/);
    const where = `${file}:${i + 1}`;
    if (f.length < 10 || !f[0]!.endsWith(":")) {
      problems.push(`${where}: expected at least 10 columns (sl, addresses, state, queues, timers, uid, timeout, inode), found ${f.length}`);
      continue;
    }
    const local = decodeProcAddress(f[1]!, options.littleEndian);
    const remote = decodeProcAddress(f[2]!, options.littleEndian);
    if (!local || !remote) {
      problems.push(`${where}: malformed address "${!local ? f[1] : f[2]}"`);
      continue;
    }
    const st = parseInt(f[3]!, 16);
    const [tx, rx] = f[4]!.split(":");
    const uid = Number(f[7]);
    const inode = Number(f[9]);
    if (!Number.isInteger(st) || tx === undefined || rx === undefined || !Number.isInteger(uid) || !Number.isInteger(inode)) {
      problems.push(`${where}: malformed state, queue, uid or inode`);
      continue;
    }
    sockets.push({
      protocol: options.protocol,
      family: local.family,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      st,
      state: stateName(options.protocol, st),
      txQueue: parseInt(tx, 16),
      rxQueue: parseInt(rx, 16),
      uid,
      inode,
    });
  }
  return { sockets, problems };
}

function stateName(protocol: SocketProtocol, st: number): string {
  if (protocol === "udp") return st === 1 ? "ESTABLISHED" : st === 7 ? "UNCONN" : `0x${st.toString(16).padStart(2, "0").toUpperCase()}`;
  return TCP_STATES[st] ?? `0x${st.toString(16).padStart(2, "0").toUpperCase()}`;
}

/** True for a socket that waits for peers: TCP LISTEN, or a UDP socket bound but not connected. */
export function isListening(s: ProcSocket): boolean {
  return s.protocol === "tcp" ? s.st === 10 : s.st === 7 && s.remotePort === 0;
}
