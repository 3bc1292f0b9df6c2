/**
 * pcapng (draft-ietf-opsawg-pcapng).
 *
 * Every block: type (4), total length (4), body, total length again (4), padded to 4 bytes, in
 * the byte order of the section's header block. Blocks read here (others are skipped whole):
 *   SHB 0x0A0D0D0A: byte-order magic 1A2B3C4D (4), major (2), minor (2), section length (8), options.
 *                   Starts a new section: byte order and interface table reset.
 *   IDB 1: linktype (2), reserved (2), snaplen (4), options; if_tsresol (code 9, 1 byte: high bit
 *          clear = 10^-n s, set = 2^-n s; default 10^-6), if_tsoffset (code 14, int64 seconds).
 *   EPB 6: interface id (4), timestamp high (4), low (4), captured length (4), original length (4), data.
 *   SPB 3: original length (4), data (captured = min(original, block room, snaplen of interface 0)).
 *   PB  2 (obsolete): interface id (2), drops (2), timestamp high, low, captured, original, data.
 */
import { captureError, MAX_RECORD_BYTES, type FormatParser } from "./format.js";
import { newRawPacket, pointAt, type PacketSink } from "./packet.js";

/** The block type of a Section Header Block, also the file magic. */
export const PCAPNG_SHB = 0x0a0d0d0a;

interface Interface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per microsecond. */
  unitsPerUs: number;
  /** if_tsoffset in µs. */
  offsetUs: number;
}

/** Parser of a pcapng stream named `file`, delivering frames to `sink`. */
export function pcapngParser(file: string, sink: PacketSink): FormatParser {
  const pkt = newRawPacket();
  let le = true;
  let ifaces: Interface[] = [];
  let need = 12;
  let packets = 0;
  let blocks = 0;
  let sections = 0;
  const linkTypes = new Set<number>();
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));

  function readIdb(b: Buffer, p: number, len: number): Interface {
    const iface: Interface = { linkType: u16(b, p + 8), snaplen: u32(b, p + 12), unitsPerUs: 1, offsetUs: 0 };
    // Options: code (2), length (2), value padded to 4; code 0 ends the list.
    let o = p + 16;
    const stop = p + len - 4;
    while (o + 4 <= stop) {
      const code = u16(b, o);
      const olen = u16(b, o + 2);
      if (code === 0 || o + 4 + olen > stop) break;
      if (code === 9 && olen >= 1) {
        const v = b[o + 4]!;
        const perSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
        iface.unitsPerUs = perSecond / 1e6;
      } else if (code === 14 && olen >= 8) {
        const hi = le ? b.readInt32LE(o + 8) : b.readInt32BE(o + 4);
        const lo = le ? b.readUInt32LE(o + 4) : b.readUInt32BE(o + 8);
        iface.offsetUs = (hi * 4294967296 + lo) * 1e6;
      }
      o += 4 + ((olen + 3) & ~3);
    }
    return iface;
  }

  return {
    get need() {
      return need;
    },
    get packets() {
      return packets;
    },
    get description() {
      return `pcapng (${sections} section${sections === 1 ? "" : "s"}, linktypes ${[...linkTypes].join(",") || "none"})`;
    },
    parse(buf, start, end, streamOffset) {
      let p = start;
      pointAt(pkt, buf);
      for (;;) {
        if (end - p < 12) {
          need = 12;
          return p;
        }
        const at = streamOffset + (p - start);
        const rec = packets + 1;
        const type = buf.readUInt32BE(p) === PCAPNG_SHB ? PCAPNG_SHB : u32(buf, p);
        if (type === PCAPNG_SHB) {
          const bom = buf.readUInt32BE(p + 8);
          if (bom === 0x1a2b3c4d) le = false;
          else if (bom === 0x4d3c2b1a) le = true;
          else throw captureError("EPCAP_RECORD", `section header block ${sections + 1} has no valid byte-order magic (found 0x${bom.toString(16)})`, file, rec, at);
        }
        const len = u32(buf, p + 4);
        if (len < 12 || len % 4 !== 0 || len > MAX_RECORD_BYTES) {
          throw captureError("EPCAP_RECORD", `block ${blocks + 1} (type 0x${type.toString(16)}) has an impossible length ${len}`, file, rec, at);
        }
        if (end - p < len) {
          need = len;
          return p;
        }
        if (u32(buf, p + len - 4) !== len) {
          throw captureError("EPCAP_RECORD", `block ${blocks + 1} (type 0x${type.toString(16)}) ends with a length that differs from its start`, file, rec, at);
        }
        blocks++;
        if (type === PCAPNG_SHB) {
          sections++;
          ifaces = [];
        } else if (type === 1) {
          if (len < 20) throw captureError("EPCAP_RECORD", `interface description block is too short (${len} bytes)`, file, rec, at);
          const iface = readIdb(buf, p, len);
          ifaces.push(iface);
          linkTypes.add(iface.linkType);
        } else if (type === 6 || type === 2 || type === 3) {
          let ifId: number;
          let caplen: number;
          let orig: number;
          let data: number;
          let hi = 0;
          let lo = 0;
          if (type === 3) {
            if (len < 16) throw captureError("EPCAP_RECORD", `simple packet block is too short (${len} bytes)`, file, rec, at);
            ifId = 0;
            orig = u32(buf, p + 8);
            data = p + 12;
            const snap = ifaces[0]?.snaplen || Infinity;
            caplen = Math.min(orig, len - 16, snap);
          } else {
            if (len < 32) throw captureError("EPCAP_RECORD", `packet block is too short (${len} bytes)`, file, rec, at);
            ifId = type === 6 ? u32(buf, p + 8) : u16(buf, p + 8);
            hi = u32(buf, p + 12);
            lo = u32(buf, p + 16);
            caplen = u32(buf, p + 20);
            orig = u32(buf, p + 24);
            data = p + 28;
            if (28 + caplen > len - 4) {
              throw captureError("EPCAP_RECORD", `packet block claims ${caplen} captured bytes but holds only ${len - 32}`, file, rec, at);
            }
          }
          const iface = ifaces[ifId];
          if (!iface) throw captureError("EPCAP_RECORD", `packet refers to interface ${ifId}, which no interface block described`, file, rec, at);
          packets++;
          pkt.index = packets;
          pkt.offset = data;
          pkt.caplen = caplen;
          pkt.origLen = orig;
          pkt.linkType = iface.linkType;
          pkt.iface = ifId;
          pkt.fileOffset = at;
          pkt.tsUs = Math.floor((hi * 4294967296 + lo) / iface.unitsPerUs) + iface.offsetUs;
          sink(pkt);
        }
        p += len;
      }
    },
  };
}
