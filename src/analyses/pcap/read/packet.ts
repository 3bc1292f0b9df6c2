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

/**
 * Makes `pkt.view` a view of `pkt.buf` when it is not one (missing, or left on an earlier buffer
 * by a caller that set `buf` alone): the session's check on records built outside the readers,
 * since decoding through a stale view would mix two frames' bytes without an error.
 */
export function syncView(pkt: RawPacket): void {
  const v = pkt.view as DataView | undefined;
  const b = pkt.buf;
  if (v === undefined || v.buffer !== b.buffer || v.byteOffset !== b.byteOffset || v.byteLength !== b.length) pkt.view = viewOf(b);
}

/** Points `pkt` at `buf` (its `buf` and `view`); a reader calls this once a chunk, not once a frame. */
export function pointAt(pkt: RawPacket, buf: Buffer): void {
  if (pkt.buf === buf) return;
  pkt.buf = buf;
  pkt.view = viewOf(buf);
}
