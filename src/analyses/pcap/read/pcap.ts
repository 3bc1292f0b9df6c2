/**
 * Classic libpcap file format.
 *
 * Global header, 24 bytes, in the writer's byte order (told by the magic):
 *   0 magic  a1b2c3d4 (µs) | a1b23c4d (ns); byte-swapped when written on the other endianness
 *   4 version major (2), 6 version minor (2), 8 thiszone (4), 12 sigfigs (4)
 *  16 snaplen (4), 20 linktype (4: low 16 bits LINKTYPE_*, bits 26-31 FCS length flags)
 * Record header, 16 bytes: ts_sec (4), ts_usec_or_nsec (4), incl_len (4), orig_len (4), then
 * incl_len bytes of frame.
 */
import { captureError, MAX_RECORD_BYTES, type FormatParser } from "./format.js";
import { newRawPacket, pointAt, type PacketSink } from "./packet.js";

/** The four magic numbers read as big-endian uint32 from the first 4 bytes. */
export const PCAP_MAGIC = { usBE: 0xa1b2c3d4, usLE: 0xd4c3b2a1, nsBE: 0xa1b23c4d, nsLE: 0x4d3cb2a1 } as const;

/** True when the first four bytes (big-endian read) are a classic pcap magic. */
export function isPcapMagic(m: number): boolean {
  return m === PCAP_MAGIC.usBE || m === PCAP_MAGIC.usLE || m === PCAP_MAGIC.nsBE || m === PCAP_MAGIC.nsLE;
}

/** Largest caplen libpcap accepts for any link type, unless the header's snaplen is larger. */
const LIBPCAP_MAX_SNAPLEN = 262_144;

/** Parser of a classic pcap stream named `file`, delivering frames to `sink`. */
export function pcapParser(file: string, sink: PacketSink): FormatParser {
  const pkt = newRawPacket();
  let le = true;
  let nano = false;
  let headerDone = false;
  let linkType = 1;
  let maxCaplen = LIBPCAP_MAX_SNAPLEN;
  let need = 24;
  let packets = 0;
  let description = "pcap";
  return {
    get need() {
      return need;
    },
    get packets() {
      return packets;
    },
    get description() {
      return description;
    },
    parse(buf, start, end, streamOffset) {
      let p = start;
      if (!headerDone) {
        if (end - p < 24) {
          need = 24;
          return p;
        }
        const magic = buf.readUInt32BE(p);
        le = magic === PCAP_MAGIC.usLE || magic === PCAP_MAGIC.nsLE;
        nano = magic === PCAP_MAGIC.nsBE || magic === PCAP_MAGIC.nsLE;
        const snaplen = le ? buf.readUInt32LE(p + 16) : buf.readUInt32BE(p + 16);
        linkType = (le ? buf.readUInt32LE(p + 20) : buf.readUInt32BE(p + 20)) & 0x03ffffff;
        maxCaplen = Math.max(LIBPCAP_MAX_SNAPLEN, snaplen > MAX_RECORD_BYTES ? 0 : snaplen);
        description = `pcap (${le ? "little" : "big"}-endian, ${nano ? "ns" : "µs"}, linktype ${linkType})`;
        headerDone = true;
        p += 24;
      }
      pointAt(pkt, buf);
      const view = pkt.view;
      pkt.linkType = linkType;
      for (;;) {
        if (end - p < 16) {
          need = 16;
          return p;
        }
        const sec = view.getUint32(p, le);
        const frac = view.getUint32(p + 4, le);
        const incl = view.getUint32(p + 8, le);
        const orig = view.getUint32(p + 12, le);
        if (incl > maxCaplen) {
          throw captureError(
            "EPCAP_RECORD",
            `record ${packets + 1} claims ${incl} captured bytes, more than the ${maxCaplen}-byte limit: the file is corrupt from here`,
            file,
            packets + 1,
            streamOffset + (p - start),
          );
        }
        if (end - p < 16 + incl) {
          need = 16 + incl;
          return p;
        }
        packets++;
        pkt.index = packets;
        pkt.offset = p + 16;
        pkt.caplen = incl;
        pkt.origLen = orig;
        pkt.tsUs = sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac);
        pkt.fileOffset = streamOffset + (p - start);
        sink(pkt);
        p += 16 + incl;
      }
    },
  };
}
