/**
 * The packet record every capture reader hands on: one reused object per reader, pointing into
 * the reader's chunk buffer. Consumers must copy whatever they keep beyond the callback.
 */

/** One captured frame, valid only during the callback that receives it. */
export interface RawPacket {
  /** 1-based frame number within the file, as Wireshark counts it. */
  index: number;
  /** Buffer holding the frame; the frame is `buf[offset, offset + caplen)`. */
  buf: Buffer;
  /**
   * A DataView of the same bytes at the same offsets (set both with {@link pointAt}): decoders
   * read 16- and 32-bit fields through it, in about half the instructions of byte-by-byte reads.
   */
  view: DataView;
  /** Offset of the first frame byte in `buf`. */
  offset: number;
  /** Bytes captured (may be fewer than on the wire: snap length). */
  caplen: number;
  /** Bytes on the wire. */
  origLen: number;
  /** Capture time in microseconds since the Unix epoch (finer resolutions are rounded down). */
  tsUs: number;
  /** LINKTYPE_* of the frame's interface. */
  linkType: number;
  /** pcapng interface id (0 for classic pcap and live capture). */
  iface: number;
  /** Byte offset of the record (header included) in the uncompressed capture stream. */
  fileOffset: number;
}

/** Receives each frame in order. */
export type PacketSink = (pkt: RawPacket) => void;

/** Makes the reusable record object of a reader. */
export function newRawPacket(): RawPacket {
  const buf = Buffer.alloc(0);
  return { index: 0, buf, view: viewOf(buf), offset: 0, caplen: 0, origLen: 0, tsUs: 0, linkType: 1, iface: 0, fileOffset: 0 };
}

/** A DataView of exactly `buf`'s bytes. */
export function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.length);
}

/** Points `pkt` at `buf` (its `buf` and `view`); a reader calls this once a chunk, not once a frame. */
export function pointAt(pkt: RawPacket, buf: Buffer): void {
  if (pkt.buf === buf) return;
  pkt.buf = buf;
  pkt.view = viewOf(buf);
}
