/**
 * The port-scan result model, shared by the connect scanner, the nmap adapter and the XML
 * importer, so that every source ends in the same datasets (see `dataset.ts`).
 */

/** Port states as nmap names them. The connect scanner yields only open, closed and filtered. */
export const PortState = {
  open: "open",
  closed: "closed",
  filtered: "filtered",
  unfiltered: "unfiltered",
  openFiltered: "open|filtered",
  closedFiltered: "closed|filtered",
} as const;
export type PortState = (typeof PortState)[keyof typeof PortState];

const PORT_STATES = new Set<string>(Object.values(PortState));
/** True when `v` names a {@link PortState}. */
export function isPortState(v: unknown): v is PortState {
  return typeof v === "string" && PORT_STATES.has(v);
}

/** Host status. `unknown`: nothing answered a connect scan (no host discovery is done). */
export const HostStatus = { up: "up", down: "down", unknown: "unknown" } as const;
export type HostStatus = (typeof HostStatus)[keyof typeof HostStatus];

/** Transport protocol of a port. */
export type Protocol = "tcp" | "udp" | "sctp";

/** One probed port of one host. */
export interface PortResult {
  port: number;
  protocol: Protocol;
  state: PortState;
  /** Why: `syn-ack`, `conn-refused`, `no-response`, `host-unreach`, or nmap's reason. */
  reason: string | null;
  /** Service name (from the services table, or nmap's -sV). */
  service: string | null;
  /** Product from nmap -sV (`OpenSSH`). */
  product: string | null;
  /** Version from nmap -sV (`8.4p1`). */
  version: string | null;
  /** Extra info from nmap -sV (`protocol 2.0`). */
  extrainfo: string | null;
  /** First bytes the service sent, non-printable bytes as `\xNN`. */
  banner: string | null;
  /** Connect round-trip time in ms, when measured. */
  rttMs: number | null;
}

/** Ports of one state that are counted, not listed (nmap's `<extraports>`). */
export interface ExtraPorts {
  state: PortState;
  count: number;
  /**
   * The ports themselves in nmap's port-list syntax (`T:1-49,61-100`), when known (nmap ≥ 7.90
   * writes them; the connect scan knows them); null when only counted. See ports/ranges.ts.
   */
  ports: string | null;
}

/** One scanned host. */
export interface HostResult {
  /** IPv4 or IPv6 address probed. */
  address: string;
  /** The name the user gave (resolved once) or nmap reported; `null` when given as an address. */
  hostname: string | null;
  status: HostStatus;
  /** Listed ports, sorted by protocol then port. */
  ports: PortResult[];
  /** Ports counted but not listed. */
  extraports: ExtraPorts[];
  /** Smoothed RTT in ms at the end of the scan, when known. */
  srttMs: number | null;
  /** Best OS guess (nmap -O), when known. */
  os: string | null;
}

/** Where a scan result came from. */
export type ScanSource = "connect" | "nmap" | "nmap-xml";

/** A whole scan before it becomes datasets. */
export interface ScanResult {
  source: ScanSource;
  hosts: HostResult[];
  /** Partial results and skipped parts, in words. */
  warnings: string[];
  /** True when the scan was interrupted (Ctrl-C) or cut short. */
  partial: boolean;
  /** What the scan ran with (JSON), for provenance. */
  parameters: Record<string, unknown>;
  /** ISO 8601 UTC. */
  startedAt: string;
  /** ISO 8601 UTC. */
  finishedAt: string;
}

/** How the warning of a scan that did not finish begins (connect scan, nmap run; scanToDatasets adds one for the rest), which snapshotOf reads back. */
export const PARTIAL_MARK = "partial result:";
