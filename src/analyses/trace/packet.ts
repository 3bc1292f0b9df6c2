/**
 * Probe frames: Ethernet + IPv4 + TCP SYN / UDP / ICMP echo, with checksums, and the BPF filter
 * that captures only the replies to them. Pure.
 *
 * Every probe of a run carries its index `i` (0..65534) and the run's 16-bit `magic` where the
 * replies will quote it back:
 * - IPv4 id = i (quoted by ICMP errors, a second check);
 * - TCP: source port = the run's port, sequence number = magic << 16 | i, so a SYN-ACK or RST
 *   acknowledges magic << 16 | (i + 1) and an ICMP error quotes the sequence number itself;
 * - UDP: source port = the run's port, destination port = 33434 + i (classic traceroute);
 * - ICMP echo: identifier = magic, sequence = i.
 */
import { finish, sum16, TRANSPORT_LEN, UDP_BASE_PORT, writeTransport } from "./transport.js";

/** Where and how one probe is sent. */
export interface ProbeSpec {
  /** Destination MAC (next hop), 6 bytes. */
  dstMac: Uint8Array;
  /** Source MAC, 6 bytes. */
  srcMac: Uint8Array;
  /** Source IPv4 address, 4 bytes. */
  src: Uint8Array;
  /** Destination IPv4 address, 4 bytes. */
  dst: Uint8Array;
  ttl: number;
  protocol: "tcp" | "udp" | "icmp";
  /** Destination port (TCP only; UDP derives it from the index). */
  port: number;
  /** Probe index 0..65534. */
  index: number;
  /** The run's 16-bit magic. */
  magic: number;
  /** The run's source port (TCP, UDP). */
  sport: number;
}

export { UDP_BASE_PORT };
/** Largest number of probes in one run (indexes 0..65534; UDP: 65535 - 33434). */
export const MAX_PROBES = 32_000;

const ETH = 14;
const IP = 20;

/** Builds one probe frame (Ethernet II, IPv4 without options, one transport header). */
export function buildProbe(p: ProbeSpec): Buffer {
  const transportLen = TRANSPORT_LEN;
  const buf = Buffer.alloc(ETH + IP + transportLen);
  // Ethernet II: dst MAC, src MAC, ethertype 0x0800.
  buf.set(p.dstMac, 0);
  buf.set(p.srcMac, 6);
  buf.writeUInt16BE(0x0800, 12);
  // IPv4: version 4, IHL 5 | TOS | total length | id | flags+fragment (none) | TTL | proto | checksum | src | dst.
  const ip = ETH;
  buf[ip] = 0x45;
  buf.writeUInt16BE(IP + transportLen, ip + 2);
  buf.writeUInt16BE(p.index & 0xffff, ip + 4);
  buf[ip + 8] = p.ttl;
  buf[ip + 9] = p.protocol === "tcp" ? 6 : p.protocol === "udp" ? 17 : 1;
  buf.set(p.src, ip + 12);
  buf.set(p.dst, ip + 16);
  buf.writeUInt16BE(finish(sum16(buf, ip, ip + IP)), ip + 10);
  const t = ip + IP;
  // TCP/UDP checksums cover the pseudo-header (src, dst, zero, protocol, length); ICMP's does not.
  const pseudo = p.protocol === "icmp" ? 0 : sum16(buf, ip + 12, ip + 20, buf[ip + 9]! + transportLen);
  writeTransport(buf, t, p, pseudo, 8);
  return buf;
}

/**
 * The BPF filter (pcap-filter syntax) that passes only replies to a run's probes: ICMP errors
 * whose quoted header carries the run's magic or source port, TCP answers to the run's source
 * port acknowledging the magic, and echo replies with the run's identifier. Offsets assume the
 * quoted IPv4 header has no options, as the probes' headers have none.
 */
export function replyFilter(protocol: "tcp" | "udp" | "icmp", magic: number, sport: number): string {
  // icmp[8..27] is the quoted IPv4 header, icmp[28..] the quoted transport header.
  const errors = "(icmp[0] = 11 or icmp[0] = 3)";
  if (protocol === "tcp") {
    return `(icmp and ${errors} and icmp[17] = 6 and icmp[32:2] = ${magic}) or (tcp and dst port ${sport} and tcp[8:2] = ${magic})`;
  }
  if (protocol === "udp") return `icmp and ${errors} and icmp[17] = 17 and icmp[28:2] = ${sport}`;
  return `icmp and ((${errors} and icmp[17] = 1 and icmp[32:2] = ${magic}) or (icmp[0] = 0 and icmp[4:2] = ${magic}))`;
}
