/**
 * The upper-layer header of a probe, shared by IPv4 and IPv6 frames: TCP SYN, UDP datagram or
 * ICMP/ICMPv6 echo request carrying the run's ids (see packet.ts), with its RFC 1071 checksum.
 * Pure.
 *
 *   TCP  (20 bytes): sport, dport, seq = magic << 16 | i, ack 0, offset 5 words, SYN, window, sum
 *   UDP  (20 bytes): sport, 33434 + i, length, sum, "netreport-tr"
 *   echo (20 bytes): type, code 0, sum, identifier = magic, sequence = i, "netreport-tr"
 */

/** Length of every probe's upper-layer header and payload, in bytes. */
export const TRANSPORT_LEN = 20;

/** First UDP destination port; probe i goes to UDP_BASE_PORT + i. */
export const UDP_BASE_PORT = 33434;

/** RFC 1071 one's-complement sum of `buf[start, end)`, folded, added to `initial`. */
export function sum16(buf: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  for (let i = start; i + 1 < end; i += 2) s += (buf[i]! << 8) | buf[i + 1]!;
  if ((end - start) & 1) s += buf[end - 1]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** The checksum field's value from a folded sum (0 is sent as 0xffff). */
export function finish(s: number): number {
  return ~s & 0xffff || 0xffff;
}

/** What the upper-layer header carries. */
export interface TransportSpec {
  protocol: "tcp" | "udp" | "icmp";
  /** Destination port (TCP only). */
  port: number;
  index: number;
  magic: number;
  sport: number;
}

/**
 * Writes the header at `buf[t, t + TRANSPORT_LEN)`.
 * @param pseudo folded sum of the IP pseudo-header, or 0 where the checksum has none (ICMPv4).
 * @param echoType ICMP echo request type: 8 (ICMPv4) or 128 (ICMPv6).
 */
export function writeTransport(buf: Buffer, t: number, p: TransportSpec, pseudo: number, echoType: number): void {
  const end = t + TRANSPORT_LEN;
  if (p.protocol === "icmp") {
    buf[t] = echoType;
    buf.writeUInt16BE(p.magic, t + 4);
    buf.writeUInt16BE(p.index, t + 6);
    buf.write("netreport-tr", t + 8, "latin1");
    buf.writeUInt16BE(finish(sum16(buf, t, end, pseudo)), t + 2);
    return;
  }
  buf.writeUInt16BE(p.sport, t);
  if (p.protocol === "udp") {
    buf.writeUInt16BE(UDP_BASE_PORT + p.index, t + 2);
    buf.writeUInt16BE(TRANSPORT_LEN, t + 4);
    buf.write("netreport-tr", t + 8, "latin1");
    buf.writeUInt16BE(finish(sum16(buf, t, end, pseudo)), t + 6);
    return;
  }
  buf.writeUInt16BE(p.port, t + 2);
  buf.writeUInt32BE(((p.magic << 16) | p.index) >>> 0, t + 4);
  buf[t + 12] = 5 << 4;
  buf[t + 13] = 0x02;
  buf.writeUInt16BE(64_240, t + 14);
  buf.writeUInt16BE(finish(sum16(buf, t, end, pseudo)), t + 16);
}
