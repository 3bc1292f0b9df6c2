/**
 * Capture-file analysis: every file is streamed through one {@link PcapSession}. A file that
 * cannot be read to its end costs only its remainder: the packets before the fault are analysed,
 * the error is returned in `errors` and noted on every dataset.
 */
import { basename } from "node:path";
import { isNetreportError, NetreportError } from "../../errors.js";
import { readCapture } from "./read/reader.js";
import { createPcapSession, type PcapAnalysisOptions, type PcapResult } from "./session.js";

/** Options of {@link analysePcap}. */
export interface AnalysePcapOptions extends PcapAnalysisOptions {
  /** Stops between chunks; what was read is analysed and a warning says so. */
  signal?: AbortSignal;
  /** Progress per file: compressed bytes read and file size. */
  onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
  /** Read chunk size in bytes. Default 4 MiB. */
  chunkBytes?: number;
}

/**
 * Analyses capture files (pcap, pcapng, gzip-compressed either) and returns datasets and findings.
 * Never throws for a bad capture: read errors are in `result.errors` (NetreportError with
 * EPCAP_MAGIC / EPCAP_TRUNCATED / EPCAP_RECORD / EINPUT naming file, record and byte offset).
 */
export async function analysePcap(files: readonly string[], options: AnalysePcapOptions = {}): Promise<PcapResult> {
  const session = createPcapSession(options);
  for (const file of files) {
    session.beginSource(basename(file));
    let format = "unknown";
    let error: NetreportError | null = null;
    try {
      const r = await readCapture(file, session.feed, {
        ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: (a: number, b: number) => options.onProgress!(file, a, b) } : {}),
      });
      format = r.format + (r.gzip ? ", gzip" : "");
    } catch (e) {
      error = isNetreportError(e) ? e : new NetreportError("EPCAP_RECORD", `reading failed: ${(e as Error).message}`, { where: file, cause: e });
    }
    session.endSource(format, error);
    if (options.signal?.aborted) break;
  }
  return session.finish({ files: files.map((f) => basename(f)), thresholds: { ...options.thresholds } });
}
