/** Shared test helpers: the capture corpus and its index. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** Root of the shared capture corpus (read in place, never copied). */
export const PCAP_DIR = resolve(import.meta.dirname, "../../../../shared/data/pcap");
export const TCPDUMP_DIR = `${PCAP_DIR}/tcpdump/tests`;
export const DNS_DIR = `${PCAP_DIR}/dns`;

/** One line of PCAP_INDEX.tsv. */
export interface IndexEntry {
  file: string;
  path: string;
  bytes: number;
  magic: string;
  format: string;
  linkType: string;
  /** capinfos packet count, or null when capinfos could not read the file. */
  packets: number | null;
  /** Frames with caplen < len according to tshark, or null. */
  cutFrames: number | null;
}

/** The tcpdump corpus index. */
export function loadIndex(): IndexEntry[] {
  const lines = readFileSync(`${PCAP_DIR}/tcpdump/PCAP_INDEX.tsv`, "utf8").trim().split("\n").slice(1);
  return lines.map((l) => {
    const f = l.split("\t");
    const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);
    return { file: f[0]!, path: `${TCPDUMP_DIR}/${f[0]}`, bytes: Number(f[1]), magic: f[2]!, format: f[3]!, linkType: f[4]!, packets: num(f[5]), cutFrames: num(f[6]) };
  });
}
