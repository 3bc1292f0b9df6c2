/**
 * Reply decoding: one captured frame → which probe it answers, who answered and how. Pure; reads
 * the frame in place (offsets into the one capture buffer, no copies).
 *
 * A reply names its probe by what it quotes or acknowledges (see packet.ts for the encoding):
 * - ICMP time exceeded / unreachable: the quoted IPv4 header and the first 8 bytes of the quoted
 *   transport header (TCP sequence number, UDP destination port, echo identifier and sequence);
 * - TCP SYN-ACK / RST: the acknowledgement number, sequence + 1;
 * - ICMP echo reply: identifier and sequence.
 */
import { UDP_BASE_PORT } from "./packet.js";
import type { ReplyKind } from "./types.js";

/** A decoded reply. */
export interface Reply {
  /** Index of the probe it answers. */
  index: number;
  /** Who answered (the reply's source): a dotted quad, or canonical IPv6 text (match6.ts). */
  from: string;
  kind: ReplyKind;
  /** The destination the probe had, as the reply shows it (quoted, or the TCP/echo source). */
  probeDst: string;
}

const ipText = (b: Uint8Array, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

/**
 * Offset of the IP header of `version` (4 or 6) in a frame of libpcap link type `linkType`
 * (1 Ethernet, 113 Linux cooked, 276 cooked v2, 12/101 raw IP), or -1 when the frame carries
 * something else.
 */
export function ipOffset(buf: Uint8Array, len: number, linkType: number, version: 4 | 6): number {
  const ethertype = version === 4 ? 0x0800 : 0x86dd;
  if (linkType === 1) {
    // Ethernet II: ethertype at 12; one 802.1Q tag is skipped.
    if (len < 14) return -1;
    let type = (buf[12]! << 8) | buf[13]!;
    let off = 14;
    if (type === 0x8100 && len >= 18) {
      type = (buf[16]! << 8) | buf[17]!;
      off = 18;
    }
    return type === ethertype ? off : -1;
  }
  if (linkType === 113) return len >= 16 && ((buf[14]! << 8) | buf[15]!) === ethertype ? 16 : -1;
  if (linkType === 276) return len >= 20 && ((buf[0]! << 8) | buf[1]!) === ethertype ? 20 : -1;
  if (linkType === 12 || linkType === 101) return len >= 1 && buf[0]! >> 4 === version ? 0 : -1;
  return -1;
}

/** Offset of the IPv4 header in a frame, or -1 (see {@link ipOffset}). */
export function ipv4Offset(buf: Uint8Array, len: number, linkType: number): number {
  return ipOffset(buf, len, linkType, 4);
}

/**
 * Decodes the IPv4 packet at `buf[off, len)` as a reply to one of this run's probes, or null when
 * it is not one (other traffic, another run's magic, too short).
 * @param magic the run's 16-bit magic; @param sport the run's source port.
 */
export function decodeReply(buf: Uint8Array, off: number, len: number, magic: number, sport: number): Reply | null {
  if (off < 0 || len - off < 20 || buf[off]! >> 4 !== 4) return null;
  const ihl = (buf[off]! & 0x0f) * 4;
  const proto = buf[off + 9]!;
  const t = off + ihl;
  if (len - t < 8) return null;
  const from = ipText(buf, off + 12);
  const u16 = (o: number) => (buf[o]! << 8) | buf[o + 1]!;
  const u32 = (o: number) => ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;

  if (proto === 6) {
    // TCP: sport, dport, seq, ack, data offset, flags (byte 13: CWR ECE URG ACK PSH RST SYN FIN).
    if (len - t < 14 || u16(t + 2) !== sport) return null;
    const flags = buf[t + 13]!;
    const acked = (u32(t + 8) - 1) >>> 0;
    if (!(flags & 0x10) || acked >>> 16 !== magic) return null;
    const kind: ReplyKind | null = flags & 0x04 ? "RA" : (flags & 0x12) === 0x12 ? "SA" : null;
    return kind ? { index: acked & 0xffff, from, kind, probeDst: from } : null;
  }
  if (proto !== 1) return null;
  // ICMP: type, code, checksum, then (echo) identifier + sequence or (errors) 4 unused bytes and
  // the offending packet's IPv4 header + the first 8 bytes of its payload.
  const type = buf[t]!;
  const code = buf[t + 1]!;
  if (type === 0) {
    if (u16(t + 4) !== magic) return null;
    return { index: u16(t + 6), from, kind: "0", probeDst: from };
  }
  if (type !== 11 && type !== 3) return null;
  const q = t + 8;
  if (len - q < 20 || buf[q]! >> 4 !== 4) return null;
  const qt = q + (buf[q]! & 0x0f) * 4;
  if (len - qt < 8) return null;
  const qProto = buf[q + 9]!;
  const probeDst = ipText(buf, q + 16);
  let index: number;
  if (qProto === 6) {
    if (u16(qt) !== sport) return null;
    const seq = u32(qt + 4);
    if (seq >>> 16 !== magic) return null;
    index = seq & 0xffff;
  } else if (qProto === 17) {
    if (u16(qt) !== sport) return null;
    index = u16(qt + 2) - UDP_BASE_PORT;
    if (index < 0) return null;
  } else if (qProto === 1) {
    if (buf[qt] !== 8 || u16(qt + 4) !== magic) return null;
    index = u16(qt + 6);
  } else return null;
  // The quoted IPv4 id is the index too; a mismatch means a middlebox rewrote it, not another probe.
  return { index, from, kind: type === 11 ? "11" : `3/${code}`, probeDst };
}
