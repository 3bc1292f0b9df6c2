/**
 * IPv6 probe frames: Ethernet + IPv6 + TCP SYN / UDP / ICMPv6 echo request, with checksums over
 * the IPv6 pseudo-header, and the BPF filter that captures only the replies to them. Pure.
 *
 * The probes carry the run's ids exactly as the IPv4 ones do (see packet.ts): TCP sequence number
 * magic << 16 | i, UDP destination port 33434 + i, echo identifier magic and sequence i. IPv6 has
 * no identification field, so that second check of IPv4 is absent; the flow label stays 0 so that
 * routers hashing on it (ECMP) send every probe of a path the same way.
 */
import { sum16, TRANSPORT_LEN, writeTransport } from "./transport.js";

/** Where and how one IPv6 probe is sent. */
export interface Probe6Spec {
  /** Destination MAC (next hop), 6 bytes. */
  dstMac: Uint8Array;
  /** Source MAC, 6 bytes. */
  srcMac: Uint8Array;
  /** Source IPv6 address, 16 bytes. */
  src: Uint8Array;
  /** Destination IPv6 address, 16 bytes. */
  dst: Uint8Array;
  /** Hop limit (IPv6's TTL). */
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

const ETH = 14;
const IP6 = 40;
/** Next-header numbers. */
const TCP = 6;
const UDP = 17;
const ICMP6 = 58;

/** Builds one IPv6 probe frame (Ethernet II, IPv6 without extension headers, one upper-layer header). */
export function buildProbe6(p: Probe6Spec): Buffer {
  const len = TRANSPORT_LEN;
  const next = p.protocol === "tcp" ? TCP : p.protocol === "udp" ? UDP : ICMP6;
  const buf = Buffer.alloc(ETH + IP6 + len);
  // Ethernet II: dst MAC, src MAC, ethertype 0x86dd.
  buf.set(p.dstMac, 0);
  buf.set(p.srcMac, 6);
  buf.writeUInt16BE(0x86dd, 12);
  // IPv6: version 6 | traffic class 0 | flow label 0, payload length, next header, hop limit, src, dst.
  const ip = ETH;
  buf[ip] = 0x60;
  buf.writeUInt16BE(len, ip + 4);
  buf[ip + 6] = next;
  buf[ip + 7] = p.ttl;
  buf.set(p.src, ip + 8);
  buf.set(p.dst, ip + 24);
  // RFC 8200 §8.1 pseudo-header (TCP, UDP and ICMPv6 alike): src, dst, 32-bit upper-layer
  // length, three zero bytes, next header.
  const pseudo = sum16(buf, ip + 8, ip + 40, len + next);
  writeTransport(buf, ip + IP6, p, pseudo, 128);
  return buf;
}

/**
 * The BPF filter (pcap-filter syntax) that passes only IPv6 replies to a run's probes. libpcap's
 * `tcp[]`/`icmp6[]` accessors do not reach into IPv6 upper layers, so the offsets count from the
 * IPv6 header and assume no extension headers, as neither the probes nor the replies of routers
 * carry any:
 *   ip6[6] next header, ip6[40] ICMPv6 type; an ICMPv6 error quotes the probe's IPv6 header at
 *   ip6[48..87] (its next header at ip6[54]) and its upper-layer header from ip6[88];
 *   a direct TCP reply has its destination port at ip6[42:2] and its acknowledgement at ip6[48:4].
 */
export function replyFilter6(protocol: "tcp" | "udp" | "icmp", magic: number, sport: number): string {
  // ICMPv6 destination unreachable (1) or time exceeded (3).
  const errors = `ip6[6] = ${ICMP6} and (ip6[40] = 1 or ip6[40] = 3)`;
  if (protocol === "tcp") {
    return `ip6 and ((${errors} and ip6[54] = ${TCP} and ip6[92:2] = ${magic}) or (ip6[6] = ${TCP} and ip6[42:2] = ${sport} and ip6[48:2] = ${magic}))`;
  }
  if (protocol === "udp") return `ip6 and ${errors} and ip6[54] = ${UDP} and ip6[88:2] = ${sport}`;
  return `ip6 and ((${errors} and ip6[54] = ${ICMP6} and ip6[92:2] = ${magic}) or (ip6[6] = ${ICMP6} and ip6[40] = 129 and ip6[44:2] = ${magic}))`;
}
