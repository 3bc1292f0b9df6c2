/**
 * Streaming capture reader: file (plain or gzip) → large chunks → format parser → packets.
 *
 *   1. open the file; gzip is told by its magic 1f 8b and inflated as a stream
 *   2. read chunks of `chunkBytes` into two alternating buffers: the next chunk is read while the
 *      parser decodes the current one in place (frames are handed on as offsets, never copied)
 *   3. the unparsed tail of a chunk is copied into the reserve in front of the next one; only a
 *      record longer than the reserve gets a buffer of its own (bounded by MAX_RECORD_BYTES), so
 *      memory stays flat
 *   4. at the end, leftover bytes mean the capture was cut inside a record: EPCAP_TRUNCATED
 *
 * Errors are thrown after every earlier packet has reached the sink, so callers keep them.
 */
import { open, stat, type FileHandle } from "node:fs/promises";
import { createReadStream, type ReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { NetreportError } from "../../../errors.js";
import { captureError, type FormatParser } from "./format.js";
import { isPcapMagic, pcapParser } from "./pcap.js";
import { PCAPNG_SHB, pcapngParser } from "./pcapng.js";
import type { PacketSink } from "./packet.js";

/** Options of {@link readCapture}. */
export interface ReadOptions {
  /** Bytes read per chunk. Default 4 MiB. */
  chunkBytes?: number;
  /** Stops reading between chunks (throws EINTERRUPTED after the packets already read). */
  signal?: AbortSignal;
  /** Called after each chunk with the compressed bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** What {@link readCapture} read. */
export interface ReadSummary {
  /** Packets delivered. */
  packets: number;
  /** Uncompressed bytes of the capture stream. */
  streamBytes: number;
  /** Format description, e.g. `"pcapng (1 section, linktypes 1)"`. */
  format: string;
  /** True when the file was gzip-compressed. */
  gzip: boolean;
}

/** Pulls bytes into `buf[off, off + len)`; resolves 0 at end of stream. */
type Pull = (buf: Buffer, off: number, len: number) => Promise<number>;

interface Source {
  pull: Pull;
  close(): Promise<void>;
  /** Compressed bytes consumed so far. */
  position(): number;
}

/** Where a damaged gzip stream cuts the capture: the record after the last whole one parsed, and its stream offset. */
type CutPoint = () => { record: number; offset: number };

async function openSource(file: string, cut: CutPoint): Promise<{ source: Source; gzip: boolean; size: number }> {
  let fh: FileHandle;
  try {
    fh = await open(file, "r");
  } catch (e) {
    throw new NetreportError("EINPUT", `cannot open capture: ${(e as Error).message}`, { where: file, cause: e });
  }
  let size: number;
  let gzip: boolean;
  let keep = false;
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new NetreportError("EINPUT", "cannot read capture: it is a directory, not a capture file", { where: file, hint: "give a .pcap, .pcapng or gzip-compressed capture file" });
    size = st.size;
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    gzip = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
    keep = !gzip;
  } catch (e) {
    if (e instanceof NetreportError) throw e;
    throw new NetreportError("EINPUT", `cannot read capture: ${(e as Error).message}`, { where: file, cause: e });
  } finally {
    // The handle outlives this function only as the plain-file source.
    if (!keep) await fh.close();
  }
  if (gzip) return { source: gunzipSource(file, cut), gzip: true, size };
  let pos = 0;
  return {
    gzip: false,
    size,
    source: {
      pull: async (buf, off, len) => {
        const { bytesRead: n } = await fh.read(buf, off, len, pos);
        pos += n;
        return n;
      },
      close: () => fh.close(),
      position: () => pos,
    },
  };
}

/** zlib's output size: at most this much inflated data is lost with the call a damaged trailer fails. */
const GUNZIP_CHUNK = 64 * 1024;

/** Inflated bytes held ahead of the parser before the gunzip stream is paused. */
const GUNZIP_AHEAD = 16 * 1024 * 1024;

/**
 * A gzip file inflated as a stream. Its chunks are taken from 'data' events into a queue of our
 * own and an error is raised only once the queue is empty: the stream's async iterator drops
 * what it has inflated when a late error comes, and a read error of the file itself is not piped
 * on to the gunzip stream. A bad CRC in the trailer cost up to ~1 MiB of good records; now at
 * most the last {@link GUNZIP_CHUNK}.
 */
function gunzipSource(file: string, cut: CutPoint): Source {
  const raw: ReadStream = createReadStream(file, { highWaterMark: 1 << 20 });
  // zlib hands over no output of the call that fails its check: small outputs keep that loss small.
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  raw.pipe(gunzip);
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  gunzip.on("data", (c: Buffer) => {
    queue.push(c);
    queued += c.length;
    if (queued > GUNZIP_AHEAD) gunzip.pause();
    notify();
  });
  gunzip.on("end", () => {
    ended = true;
    notify();
  });
  gunzip.on("error", (e: Error) => {
    failure ??= e;
    notify();
  });
  raw.on("error", (e: Error) => {
    failure ??= e;
    notify();
  });
  let pending: Buffer | null = null;
  let pendingPos = 0;
  let inflated = 0;
  return {
    async pull(buf, off, len) {
      let written = 0;
      while (written < len) {
        if (!pending || pendingPos >= pending.length) {
          if (written > 0) break;
          if (queue.length === 0) {
            if (failure) {
              const at = cut();
              throw captureError("EPCAP_TRUNCATED", `gzip stream is damaged at compressed byte ${raw.bytesRead}, after ${inflated} uncompressed bytes: ${failure.message}`, file, at.record, at.offset, undefined, failure);
            }
            if (ended) break;
            await new Promise<void>((r) => (wake = r));
            continue;
          }
          pending = queue.shift()!;
          queued -= pending.length;
          pendingPos = 0;
          if (queued <= GUNZIP_AHEAD / 2 && gunzip.isPaused()) gunzip.resume();
        }
        const n = Math.min(len - written, pending.length - pendingPos);
        pending.copy(buf, off + written, pendingPos, pendingPos + n);
        pendingPos += n;
        written += n;
      }
      inflated += written;
      return written;
    },
    async close() {
      raw.destroy();
      gunzip.destroy();
    },
    position: () => raw.bytesRead,
  };
}

/**
 * Bytes kept free in front of every chunk for the unparsed tail of the previous one. A longer tail
 * (a record over 256 KiB cut by the chunk's end) takes the slow path: a buffer of its own.
 */
const RESERVE = 256 * 1024 + 64;

/**
 * Reads a pcap or pcapng file (optionally gzip-compressed) and calls `sink` for every frame.
 * @throws NetreportError EPCAP_MAGIC, EPCAP_TRUNCATED, EPCAP_RECORD (after the packets before the
 * fault reached the sink), EINPUT when the file cannot be opened or read (a directory),
 * EINTERRUPTED on abort.
 */
export async function readCapture(file: string, sink: PacketSink, options: ReadOptions = {}): Promise<ReadSummary> {
  const chunk = Math.max(64 * 1024, options.chunkBytes ?? 4 * 1024 * 1024);
  let streamOffset = 0;
  let parser: FormatParser | null = null;
  // A damaged gzip stream cuts the record after the last whole one parsed. (A read in flight
  // settles after the parse of the chunk before it, so both are up to date.)
  const { source, gzip, size } = await openSource(file, () => ({ record: (parser?.packets ?? 0) + 1, offset: streamOffset }));
  const pull = async (buf: Buffer, off: number, len: number) => {
    const n = await source.pull(buf, off, len);
    options.onProgress?.(source.position(), size);
    return n;
  };
  // Two buffers: the parser works on `cur` while the next chunk is read into `spare` (on the
  // thread pool, so reading and decoding overlap). A small plain file gets buffers of its size:
  // the corpus is hundreds of files of a few KiB.
  const len = gzip ? chunk : Math.max(4096, Math.min(chunk, size + 1));
  const reserve = Math.min(RESERVE, len);
  let cur = Buffer.allocUnsafe(reserve + len);
  let spare = Buffer.allocUnsafe(reserve + len);
  let start = reserve;
  let end = reserve;
  let next: Promise<number> | null = null;
  try {
    const first = await pull(cur, end, len);
    end += first;
    let eof = first === 0;
    for (;;) {
      if (options.signal?.aborted) {
        throw new NetreportError("EINTERRUPTED", `reading stopped after ${parser?.packets ?? 0} packets`, { where: `${file} @ byte ${streamOffset}` });
      }
      if (!parser && end - start >= 4) {
        const magic = cur.readUInt32BE(start);
        if (isPcapMagic(magic)) parser = pcapParser(file, sink);
        else if (magic === PCAPNG_SHB) parser = pcapngParser(file, sink);
        else {
          throw captureError("EPCAP_MAGIC", `not a pcap or pcapng capture (magic 0x${magic.toString(16).padStart(8, "0")})`, file, 0, 0, "give a .pcap, .pcapng or gzip-compressed capture file");
        }
      }
      // 2. Read the next chunk behind the spare buffer's reserve while this one is parsed.
      next = eof ? null : pull(spare, reserve, len);
      if (parser) {
        const consumed = parser.parse(cur, start, end, streamOffset);
        streamOffset += consumed - start;
        start = consumed;
      }
      const n = next ? await next : 0;
      next = null;
      if (n === 0) eof = true;
      if (eof) {
        // 4. End of stream: anything unparsed is a cut record.
        if (!parser) throw captureError("EPCAP_TRUNCATED", `file is ${end - start} bytes long, too short for any capture header`, file, 0, 0);
        if (start < end) {
          const inHeader = parser.packets === 0 && streamOffset === 0;
          throw captureError(
            "EPCAP_TRUNCATED",
            inHeader
              ? `capture ends inside the file header (${end - start} bytes)`
              : `capture ends inside record ${parser.packets + 1}: ${end - start} of ${parser.need} bytes present`,
            file,
            parser.packets + 1,
            streamOffset,
          );
        }
        return { packets: parser.packets, streamBytes: streamOffset, format: parser.description, gzip };
      }
      // 3. Put the unparsed tail of this chunk in front of the new bytes.
      const tail = end - start;
      if (tail <= reserve) {
        cur.copy(spare, reserve - tail, start, end);
        [cur, spare] = [spare, cur];
        start = reserve - tail;
        end = reserve + n;
      } else {
        // A record longer than the reserve (the parsers bound it at MAX_RECORD_BYTES): gather it
        // whole in a buffer of its own, reading without overlap until it is complete.
        const need = Math.max(parser?.need ?? 0, tail + n);
        const big = Buffer.allocUnsafe(need + reserve + len);
        cur.copy(big, 0, start, end);
        spare.copy(big, tail, reserve, reserve + n);
        cur = big;
        start = 0;
        end = tail + n;
        while (end < need) {
          const m = await pull(cur, end, cur.length - end);
          if (m === 0) {
            eof = true;
            break;
          }
          end += m;
        }
      }
    }
  } finally {
    // A read still in flight (the parser threw) must settle before its source closes.
    if (next) await next.catch(() => 0);
    await source.close();
  }
}

/** Size of a file in bytes (for progress bars), or 0 when it cannot be read. */
export async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
