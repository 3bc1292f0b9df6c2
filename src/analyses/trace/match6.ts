/**
 * IPv6 reply decoding: one captured frame → which probe it answers, who answered and how. Pure;
 * reads the frame in place. The IPv6 counterpart of match.ts, with the same ids (packet6.ts):
 * - ICMPv6 time exceeded (type 3) / destination unreachable (type 1): the quoted IPv6 header and
 *   the quoted upper-layer header (TCP sequence number, UDP destination port, echo id and sequence);
 * - TCP SYN-ACK / RST: the acknowledgement number, sequence + 1;
 * - ICMPv6 echo reply (type 129): identifier and sequence.
 *
 * Reply kinds stay in the one vocabulary of the dataset (scapy's IPv4 codes, types.ts), so that
 * hops, graph and report need not know the family: time exceeded → `11`, echo reply → `0`,
 * unreachable codes → their IPv4 counterparts (see {@link UNREACH6_KIND}).
 */
import { formatIp } from "../../enrich/ip.js";
import { UDP_BASE_PORT } from "./packet.js";
import { ipOffset, type Reply } from "./match.js";
import type { ReplyKind } from "./types.js";

/**
 * ICMPv6 destination unreachable code (RFC 4443 §3.1) → the IPv4 unreachable kind with the same
 * meaning, as `traceroute -6` annotates them (!N, !X, !H, port reached):
 * 0 no route → `3/0` (net unreachable), 1 administratively prohibited → `3/13`, 2 beyond the
 * source's scope → `3/1`, 3 address unreachable → `3/1` (host unreachable), 4 port unreachable →
 * `3/3`, 5 source address failed policy → `3/13`, 6 reject route → `3/13`.
 */
export const UNREACH6_KIND: Readonly<Record<number, ReplyKind>> = { 0: "3/0", 1: "3/13", 2: "3/1", 3: "3/1", 4: "3/3", 5: "3/13", 6: "3/13" };

/** Offset of the IPv6 header in a frame, or -1 (see {@link ipOffset}). */
export function ipv6Offset(buf: Uint8Array, len: number, linkType: number): number {
  return ipOffset(buf, len, linkType, 6);
}

/**
 * Decodes the IPv6 packet at `buf[off, len)` as a reply to one of this run's probes, or null when
 * it is not one (other traffic, another run, extension headers, too short).
 * @param magic the run's 16-bit magic; @param sport the run's source port.
 */
export function decodeReply6(buf: Uint8Array, off: number, len: number, magic: number, sport: number): Reply | null {
  // IPv6 header: version | class | flow (4 bytes), payload length, next header (6), hop limit,
  // source (8..23), destination (24..39); the upper-layer header follows at 40.
  if (off < 0 || len - off < 48 || buf[off]! >> 4 !== 6) return null;
  const next = buf[off + 6]!;
  const t = off + 40;
  const u16 = (o: number) => (buf[o]! << 8) | buf[o + 1]!;
  const u32 = (o: number) => ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
  const from = () => formatIp(buf.subarray(off + 8, off + 24));

  if (next === 6) {
    // TCP: sport, dport, seq, ack, data offset, flags (byte 13: CWR ECE URG ACK PSH RST SYN FIN).
    if (len - t < 14 || u16(t + 2) !== sport) return null;
    const flags = buf[t + 13]!;
    const acked = (u32(t + 8) - 1) >>> 0;
    if (!(flags & 0x10) || acked >>> 16 !== magic) return null;
    const kind: ReplyKind | null = flags & 0x04 ? "RA" : (flags & 0x12) === 0x12 ? "SA" : null;
    if (!kind) return null;
    const a = from();
    return { index: acked & 0xffff, from: a, kind, probeDst: a };
  }
  if (next !== 58) return null;
  // ICMPv6: type, code, checksum, then (echo) identifier + sequence or (errors) 4 bytes unused /
  // MTU and as much of the offending packet as fits in 1280 bytes.
  const type = buf[t]!;
  const code = buf[t + 1]!;
  if (type === 129) {
    if (u16(t + 4) !== magic) return null;
    const a = from();
    return { index: u16(t + 6), from: a, kind: "0", probeDst: a };
  }
  if (type !== 3 && type !== 1) return null;
  const q = t + 8;
  const qt = q + 40;
  if (len - qt < 8 || buf[q]! >> 4 !== 6) return null;
  const qNext = buf[q + 6]!;
  let index: number;
  if (qNext === 6) {
    if (u16(qt) !== sport) return null;
    const seq = u32(qt + 4);
    if (seq >>> 16 !== magic) return null;
    index = seq & 0xffff;
  } else if (qNext === 17) {
    if (u16(qt) !== sport) return null;
    index = u16(qt + 2) - UDP_BASE_PORT;
    if (index < 0) return null;
  } else if (qNext === 58) {
    if (buf[qt] !== 128 || u16(qt + 4) !== magic) return null;
    index = u16(qt + 6);
  } else return null;
  const kind: ReplyKind = type === 3 ? "11" : (UNREACH6_KIND[code] ?? "3/1");
  return { index, from: from(), kind, probeDst: formatIp(buf.subarray(q + 24, q + 40)) };
}
