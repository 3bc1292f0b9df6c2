/**
 * The one error class of netreport and its code catalogue.
 *
 * Every failure a user can meet carries a `code` from {@link ErrorCode}, a message that says what
 * happened and where (file, record, byte offset, host, template line), and, where there is one,
 * a hint that says what to do. Only the CLI maps errors to exit codes.
 */

/** The error-code catalogue. Add a code here before throwing it. */
export const ErrorCode = {
  /** Command-line usage: unknown option, missing argument, bad value. Exit code 2. */
  EUSAGE: "EUSAGE",
  /** An input file cannot be read (missing, not a file, permission). */
  EINPUT: "EINPUT",
  /** A dataset or report JSON file is malformed or of an unknown schema. */
  EDATASET_SCHEMA: "EDATASET_SCHEMA",
  /** A dataset was written by a newer netreport than this one can read. */
  EDATASET_VERSION: "EDATASET_VERSION",
  /** A report description (report.json) is invalid. */
  EREPORT_SPEC: "EREPORT_SPEC",
  /** A Handlebars template failed to compile or render. */
  ETEMPLATE: "ETEMPLATE",
  /** Vega-Lite compile or Vega render failed. */
  ECHART: "ECHART",
  /** Graphviz failed on a DOT source. */
  EGRAPH: "EGRAPH",
  /** Raster conversion (sharp) failed. */
  EIMAGE: "EIMAGE",
  /** No Chromium executable was found for PDF/PNG output. */
  ECHROMIUM_MISSING: "ECHROMIUM_MISSING",
  /** Chromium started but printing or capturing failed. */
  ECHROMIUM: "ECHROMIUM",
  /** Writing an output file failed. */
  EOUTPUT: "EOUTPUT",
  /** A capture file has a magic number that is neither pcap nor pcapng. */
  EPCAP_MAGIC: "EPCAP_MAGIC",
  /** A capture file ends inside a header or record. */
  EPCAP_TRUNCATED: "EPCAP_TRUNCATED",
  /** A capture record is malformed (absurd length, bad block). */
  EPCAP_RECORD: "EPCAP_RECORD",
  /** Live capture could not start (no permission, no such interface, bad filter), or an error stopped it. */
  ECAPTURE: "ECAPTURE",
  /** A GeoIP/ASN database cannot be opened or is corrupt. */
  EGEOIP_DB: "EGEOIP_DB",
  /** A string given as an IP address (for a lookup) is not one. */
  EIP_ADDRESS: "EIP_ADDRESS",
  /** A target (host) specification cannot be parsed or resolved. */
  ESCAN_SPEC: "ESCAN_SPEC",
  /** A port specification cannot be parsed. */
  EPORT_SPEC: "EPORT_SPEC",
  /** nmap is missing, failed, or wrote XML that cannot be parsed. */
  ENMAP: "ENMAP",
  /** A policy file is invalid. */
  EPOLICY: "EPOLICY",
  /** Findings at or above the severity given to `--fail-on` were found (the report is still written). */
  EFINDINGS: "EFINDINGS",
  /** Raw-socket work needs root or CAP_NET_RAW. */
  EPERM_RAW: "EPERM_RAW",
  /** A trace could not run (no route, no interface, fallback tool missing). */
  ETRACE: "ETRACE",
  /** /proc could not be read or parsed. */
  EPROC: "EPROC",
  /** clamd cannot be reached or answered out of protocol. */
  ECLAMD_UNREACHABLE: "ECLAMD_UNREACHABLE",
  /** The work was interrupted (Ctrl-C); a partial result may have been written. */
  EINTERRUPTED: "EINTERRUPTED",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Optional details carried by a {@link NetreportError}. */
export interface NetreportErrorOptions {
  /** Where it happened: `file:line`, `file record 12 @ byte 4096`, a host, a template name. */
  where?: string;
  /** What the user can do about it. */
  hint?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** The error every netreport module throws: a catalogue code, a message, where, and a hint. */
export class NetreportError extends Error {
  override readonly name = "NetreportError";
  readonly code: ErrorCode;
  readonly where: string | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: NetreportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
  }

  /** One line for a terminal: `EPCAP_TRUNCATED: capture ends inside record 12 (x.pcap @ byte 4096); hint`. */
  toLine(): string {
    const where = this.where ? ` (${this.where})` : "";
    const hint = this.hint ? ` — ${this.hint}` : "";
    return `${this.code}: ${this.message}${where}${hint}`;
  }
}

/** True when `e` is a {@link NetreportError}, optionally of one code. */
export function isNetreportError(e: unknown, code?: ErrorCode): e is NetreportError {
  return e instanceof NetreportError && (code === undefined || e.code === code);
}
