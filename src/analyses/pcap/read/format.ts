/**
 * What the chunked reader asks of a capture-format parser (classic pcap, pcapng): parse whole
 * records from a window of bytes, say how far it got, and say how many bytes the next record needs
 * when the window holds only part of it.
 */
import { NetreportError, type ErrorCode } from "../../../errors.js";
import type { PacketSink } from "./packet.js";

/** A push parser over consecutive windows of the uncompressed capture stream. */
export interface FormatParser {
  /**
   * Parses whole records in `buf[start, end)`, calling the sink for each packet, and returns the
   * offset just after the last byte it consumed. `streamOffset` is the stream position of
   * `buf[start]`, for error messages and `RawPacket.fileOffset`.
   */
  parse(buf: Buffer, start: number, end: number, streamOffset: number): number;
  /** Bytes the next record needs in one window (header plus body), known after a short parse. */
  readonly need: number;
  /** Packets delivered so far. */
  readonly packets: number;
  /** Human-readable format name, e.g. `"pcap (little-endian, µs)"`. */
  readonly description: string;
}

/** Largest record or block netreport accepts, in bytes: beyond it the length is taken as garbage. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** A capture-format error naming file, record number and byte offset (of the uncompressed stream). */
export function captureError(code: ErrorCode, message: string, file: string, record: number, offset: number, hint?: string, cause?: unknown): NetreportError {
  return new NetreportError(code, message, {
    where: `${file} record ${record} @ byte ${offset}`,
    hint: hint ?? "packets before this point were analysed; the rest of the file was skipped",
    ...(cause === undefined ? {} : { cause }),
  });
}
