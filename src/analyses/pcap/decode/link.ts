/**
 * Link layers: find where the network-layer packet starts in a frame and what it is.
 *
 *   Ethernet (1):   dst (6) src (6) ethertype (2); 802.1Q/802.1ad/QinQ tags (0x8100, 0x88a8,
 *                   0x9100) insert TPID+TCI (4) each; values < 0x600 are 802.3 lengths (LLC,
 *                   IP only with SNAP aa aa 03 + OUI + ethertype); MPLS 0x8847/8 labels (4 each,
 *                   S bit ends); PPPoE session 0x8864: 6-byte header then a PPP protocol (2)
 *   Linux SLL (113): packet type (2) ARPHRD (2) addr len (2) addr (8) protocol (2) = 16 bytes
 *   Linux SLL2 (276): protocol (2) reserved (2) ifindex (4) ARPHRD (2) type (1) addr len (1) addr (8) = 20
 *   Raw IP (101, and DLT_RAW 12/14 as some writers store it; 228 IPv4, 229 IPv6): the IP version nibble
 *   BSD null (0): address family (4) in the writer's byte order; loop (108): the same, big-endian.
 *                 AF_INET 2, AF_INET6 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (Darwin)
 *   PPP (9, 50): optional ff 03, then protocol (2): 0x0021 IPv4, 0x0057 IPv6
 *   Cisco HDLC (104): address (1) control (1) ethertype (2)
 */

/** LINKTYPE_* values this decoder understands. */
export const LinkType = { null: 0, ethernet: 1, ppp: 9, dltRaw12: 12, dltRaw14: 14, pppHdlc: 50, raw: 101, chdlc: 104, loop: 108, sll: 113, ipv4: 228, ipv6: 229, sll2: 276 } as const;

/** True when frames of this link type can be decoded to IP. */
export function isSupportedLinkType(lt: number): boolean {
  return Object.values(LinkType).includes(lt as (typeof LinkType)[keyof typeof LinkType]);
}

/** Where the network layer starts. `version` 4 or 6, or 0 when the frame carries no IP. */
export interface LinkResult {
  version: 0 | 4 | 6;
  offset: number;
  /** Outermost 802.1Q VLAN id, or -1. */
  vlan: number;
}

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;

function fromNibble(buf: Buffer, off: number, end: number, out: LinkResult): LinkResult {
  if (off >= end) return out;
  const v = buf[off]! >> 4;
  if (v === 4 || v === 6) {
    out.version = v;
    out.offset = off;
  }
  return out;
}

function fromEthertype(type: number, buf: Buffer, off: number, end: number, out: LinkResult): LinkResult {
  for (let guard = 0; guard < 16; guard++) {
    if (type === ETH_IPV4) {
      out.version = 4;
      out.offset = off;
      return out;
    }
    if (type === ETH_IPV6) {
      out.version = 6;
      out.offset = off;
      return out;
    }
    if (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
      if (off + 4 > end) return out;
      if (out.vlan < 0) out.vlan = buf.readUInt16BE(off) & 0x0fff;
      type = buf.readUInt16BE(off + 2);
      off += 4;
      continue;
    }
    if (type === 0x8847 || type === 0x8848) {
      while (off + 4 <= end) {
        const bottom = buf[off + 2]! & 1;
        off += 4;
        if (bottom) return fromNibble(buf, off, end, out);
      }
      return out;
    }
    if (type === 0x8864) {
      if (off + 8 > end) return out;
      const proto = buf.readUInt16BE(off + 6);
      off += 8;
      if (proto === 0x0021) type = ETH_IPV4;
      else if (proto === 0x0057) type = ETH_IPV6;
      else return out;
      continue;
    }
    return out;
  }
  return out;
}

/** Finds the IP packet in `buf[off, end)`, a frame of link type `linkType`. Reuses `out`. */
export function decodeLink(linkType: number, buf: Buffer, off: number, end: number, out: LinkResult): LinkResult {
  out.version = 0;
  out.offset = off;
  out.vlan = -1;
  switch (linkType) {
    case LinkType.ethernet: {
      if (off + 14 > end) return out;
      const type = buf.readUInt16BE(off + 12);
      if (type >= 0x600) return fromEthertype(type, buf, off + 14, end, out);
      // 802.3 length field: only LLC/SNAP carries an ethertype.
      if (off + 22 <= end && buf[off + 14] === 0xaa && buf[off + 15] === 0xaa && buf[off + 16] === 0x03) {
        return fromEthertype(buf.readUInt16BE(off + 20), buf, off + 22, end, out);
      }
      return out;
    }
    case LinkType.sll:
      if (off + 16 > end) return out;
      return fromEthertype(buf.readUInt16BE(off + 14), buf, off + 16, end, out);
    case LinkType.sll2:
      if (off + 20 > end) return out;
      return fromEthertype(buf.readUInt16BE(off), buf, off + 20, end, out);
    case LinkType.raw:
    case LinkType.dltRaw12:
    case LinkType.dltRaw14:
      return fromNibble(buf, off, end, out);
    case LinkType.ipv4:
      return buf[off] !== undefined && buf[off]! >> 4 === 4 ? fromNibble(buf, off, end, out) : out;
    case LinkType.ipv6:
      return buf[off] !== undefined && buf[off]! >> 4 === 6 ? fromNibble(buf, off, end, out) : out;
    case LinkType.null:
    case LinkType.loop: {
      if (off + 4 > end) return out;
      const be = buf.readUInt32BE(off);
      const le = buf.readUInt32LE(off);
      const fam = linkType === LinkType.loop ? be : le <= 0xff ? le : be;
      if (fam === 2) {
        out.version = 4;
        out.offset = off + 4;
      } else if (fam === 10 || fam === 24 || fam === 28 || fam === 30) {
        out.version = 6;
        out.offset = off + 4;
      }
      return out;
    }
    case LinkType.ppp:
    case LinkType.pppHdlc: {
      let p = off;
      if (p + 2 <= end && buf[p] === 0xff && buf[p + 1] === 0x03) p += 2;
      if (p + 2 > end) return out;
      let proto = buf[p]!;
      // Protocol field compression: an odd first byte is a 1-byte protocol.
      if (proto & 1) p += 1;
      else {
        proto = buf.readUInt16BE(p);
        p += 2;
      }
      if (proto === 0x21) return fromEthertype(ETH_IPV4, buf, p, end, out);
      if (proto === 0x57) return fromEthertype(ETH_IPV6, buf, p, end, out);
      return out;
    }
    case LinkType.chdlc:
      if (off + 4 > end) return out;
      return fromEthertype(buf.readUInt16BE(off + 2), buf, off + 4, end, out);
    default:
      return out;
  }
}
