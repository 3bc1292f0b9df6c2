/**
 * Frame decoder: link → IPv4/IPv6 → TCP/UDP/ICMP, into one reused {@link Decoded} record.
 * Nothing is allocated per packet except IPv6 address interning. A frame cut by the snap length is
 * decoded as far as its bytes go and flagged `cut`.
 *
 *   IPv4: ver/IHL (1) TOS (1) total length (2) id (2) flags+fragment offset (2) TTL (1) protocol (1)
 *         checksum (2) src (4) dst (4) options (IHL*4 - 20)
 *   IPv6: ver/class/flow (4) payload length (2) next header (1) hop limit (1) src (16) dst (16), then
 *         extension headers: hop-by-hop 0, routing 43, destination options 60 ((len+1)*8 bytes),
 *         fragment 44 (8 bytes: next, res, offset<<3|M, id), AH 51 ((len+2)*4), none 59
 *   TCP:  sport (2) dport (2) seq (4) ack (4) data offset<<4 (1) flags (1) window (2) csum (2) urg (2) options
 *   UDP:  sport (2) dport (2) length (2) checksum (2)
 *   ICMP/ICMPv6: type (1) code (1) checksum (2)
 */
import { decodeLink, type LinkResult } from "./link.js";
import type { AddressTable } from "./address.js";
import type { RawPacket } from "../read/packet.js";

/** IP protocol numbers the decoder looks into. */
export const IpProto = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;

/** TCP flag bits. */
export const TcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20, ece: 0x40, cwr: 0x80 } as const;

/** One decoded frame; fields beyond the layers that were present keep stale values, so check `ipVersion`/`proto`. */
export interface Decoded {
  /** 4, 6, or 0 when the frame carries no (decodable) IP. */
  ipVersion: 0 | 4 | 6;
  /** Address ids (see address.ts). */
  src: number;
  dst: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  /** IPv4 identification (0 for IPv6). */
  ipId: number;
  /** Bytes of IPv4 options. */
  ipOptionBytes: number;
  /** Transport protocol number (after IPv6 extension headers), or -1 when not reached. */
  proto: number;
  /** True for any fragment (MF set or offset > 0). Later fragments have no transport header. */
  fragment: boolean;
  /** Fragment offset in bytes. */
  fragOffset: number;
  /** Source and destination port (TCP/UDP), else -1. */
  sport: number;
  dport: number;
  tcpFlags: number;
  /** TCP sequence and acknowledgement numbers (uint32). */
  seq: number;
  ack: number;
  window: number;
  /** TCP MSS option value, or -1. */
  mss: number;
  /** ICMP type and code, else -1. */
  icmpType: number;
  icmpCode: number;
  /** Application payload in the packet buffer: offset and captured length. */
  payloadOffset: number;
  payloadLength: number;
  /** Payload length on the wire (from IP lengths), which exceeds payloadLength when cut. */
  payloadWireLength: number;
  /** True when the snap length cut the frame. */
  cut: boolean;
  /** True when the headers themselves were incomplete (decoding stopped early). */
  headerCut: boolean;
  /** Outermost VLAN id or -1. */
  vlan: number;
}

/** Makes the reusable decode record. */
export function newDecoded(): Decoded {
  return {
    ipVersion: 0, src: 0, dst: 0, ttl: 0, ipId: 0, ipOptionBytes: 0, proto: -1, fragment: false, fragOffset: 0,
    sport: -1, dport: -1, tcpFlags: 0, seq: 0, ack: 0, window: 0, mss: -1, icmpType: -1, icmpCode: -1,
    payloadOffset: 0, payloadLength: 0, payloadWireLength: 0, cut: false, headerCut: false, vlan: -1,
  };
}

const link: LinkResult = { version: 0, offset: 0, vlan: -1 };

/** Decodes `pkt` into `d`; returns `d`. */
export function decodeFrame(pkt: RawPacket, addrs: AddressTable, d: Decoded): Decoded {
  const buf = pkt.buf;
  // Multi-byte fields through the view (bounds are checked before each read, as for the bytes).
  const view = pkt.view;
  const end = pkt.offset + pkt.caplen;
  d.ipVersion = 0;
  d.proto = -1;
  d.sport = -1;
  d.dport = -1;
  d.icmpType = -1;
  d.icmpCode = -1;
  d.tcpFlags = 0;
  d.mss = -1;
  d.fragment = false;
  d.fragOffset = 0;
  d.payloadLength = 0;
  d.payloadWireLength = 0;
  d.ipOptionBytes = 0;
  d.cut = pkt.caplen < pkt.origLen;
  d.headerCut = false;
  decodeLink(pkt.linkType, buf, pkt.offset, end, link);
  d.vlan = link.vlan;
  let p = link.offset;
  let l4end: number;
  let wireEnd: number;
  if (link.version === 4) {
    if (p + 20 > end) return cutShort(d);
    const ihl = (buf[p]! & 15) * 4;
    let total = view.getUint16(p + 2);
    if (ihl < 20) return d;
    if (total === 0) total = end - p; // TSO: length left to the frame
    if (total < ihl) return d;
    d.ipVersion = 4;
    d.ipId = view.getUint16(p + 4);
    const frag = view.getUint16(p + 6);
    d.fragOffset = (frag & 0x1fff) * 8;
    d.fragment = (frag & 0x2000) !== 0 || d.fragOffset > 0;
    d.ttl = buf[p + 8]!;
    d.proto = buf[p + 9]!;
    d.src = view.getUint32(p + 12);
    d.dst = view.getUint32(p + 16);
    d.ipOptionBytes = ihl - 20;
    wireEnd = p + total;
    l4end = Math.min(end, wireEnd);
    if (p + ihl > end) return cutShort(d);
    p += ihl;
    if (d.fragOffset > 0) return setPayload(d, p, l4end, wireEnd);
  } else if (link.version === 6) {
    if (p + 40 > end) return cutShort(d);
    d.ipVersion = 6;
    d.ipId = 0;
    d.ttl = buf[p + 7]!;
    d.src = addrs.v6(buf, p + 8);
    d.dst = addrs.v6(buf, p + 24);
    const plen = view.getUint16(p + 4);
    // Payload length 0: a jumbogram (RFC 2675) or a BIG TCP/GRO frame; as IPv4's TSO rule, the
    // payload runs to the end of the frame.
    wireEnd = plen === 0 ? end : p + 40 + plen;
    l4end = Math.min(end, wireEnd);
    let next = buf[p + 6]!;
    p += 40;
    for (let guard = 0; guard < 16; guard++) {
      if (next === 0 || next === 43 || next === 60 || next === 135 || next === 51) {
        if (p + 2 > l4end) return cutShort(d);
        const len = next === 51 ? (buf[p + 1]! + 2) * 4 : (buf[p + 1]! + 1) * 8;
        next = buf[p]!;
        p += len;
      } else if (next === 44) {
        if (p + 8 > l4end) return cutShort(d);
        const fo = view.getUint16(p + 2);
        d.fragment = true;
        d.fragOffset = fo & 0xfff8;
        next = buf[p]!;
        p += 8;
        if (d.fragOffset > 0) {
          d.proto = next;
          return setPayload(d, p, l4end, wireEnd);
        }
      } else break;
    }
    d.proto = next;
  } else {
    return d;
  }
  // Transport.
  switch (d.proto) {
    case IpProto.tcp: {
      if (p + 20 > l4end) return cutShort(d);
      d.sport = view.getUint16(p);
      d.dport = view.getUint16(p + 2);
      d.seq = view.getUint32(p + 4);
      d.ack = view.getUint32(p + 8);
      const hl = (buf[p + 12]! >> 4) * 4;
      d.tcpFlags = buf[p + 13]!;
      d.window = view.getUint16(p + 14);
      if (hl < 20) return d;
      if (p + hl > l4end) return cutShort(d);
      // Options: kind (1), then for kinds > 1 a length (1) covering kind and length.
      for (let o = p + 20; o < p + hl; ) {
        const kind = buf[o]!;
        if (kind === 0) break;
        if (kind === 1) {
          o++;
          continue;
        }
        const olen = o + 1 < p + hl ? buf[o + 1]! : 0;
        if (olen < 2 || o + olen > p + hl) break;
        if (kind === 2 && olen === 4) d.mss = view.getUint16(o + 2);
        o += olen;
      }
      return setPayload(d, p + hl, l4end, wireEnd);
    }
    case IpProto.udp:
      if (p + 8 > l4end) return cutShort(d);
      d.sport = view.getUint16(p);
      d.dport = view.getUint16(p + 2);
      return setPayload(d, p + 8, l4end, wireEnd);
    case IpProto.icmp:
    case IpProto.icmpv6:
      if (p + 4 > l4end) return cutShort(d);
      d.icmpType = buf[p]!;
      d.icmpCode = buf[p + 1]!;
      return setPayload(d, p + 4, l4end, wireEnd);
    default:
      return setPayload(d, p, l4end, wireEnd);
  }
}

function cutShort(d: Decoded): Decoded {
  d.headerCut = true;
  return d;
}

function setPayload(d: Decoded, start: number, capEnd: number, wireEnd: number): Decoded {
  d.payloadOffset = start;
  d.payloadLength = Math.max(0, capEnd - start);
  d.payloadWireLength = Math.max(0, wireEnd - start);
  return d;
}
