/**
 * Findings: what a detector or policy concluded, with the evidence a reader can check.
 */

/** Severity of a finding, from least to most urgent. */
export const Severity = {
  info: "info",
  low: "low",
  medium: "medium",
  high: "high",
  critical: "critical",
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Severities from most to least urgent, for sorting and legends. */
export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** True when `v` names a {@link Severity}. */
export function isSeverity(v: unknown): v is Severity {
  return typeof v === "string" && Object.hasOwn(Severity, v);
}

/** One piece of evidence behind a finding: what a reader can look up in the source data. */
export interface Evidence {
  /** What this piece shows, in a sentence. */
  description: string;
  /** 1-based packet numbers in the capture (as Wireshark counts them). */
  packets?: number[];
  /** ISO 8601 UTC timestamps. */
  timestamps?: string[];
  /** IP addresses involved. */
  addresses?: string[];
  /** Ports involved. */
  ports?: number[];
  /** Further facts, shown as a small key/value list. */
  data?: Record<string, string | number | boolean | null>;
}

/** A conclusion of a detector or policy check. */
export interface Finding {
  /** Stable id of the rule that fired, e.g. `"pcap.loic-download"`, `"scan.policy.risky-port"`. */
  rule: string;
  severity: Severity;
  /** One-line title (may be CJK). */
  title: string;
  /** Two or three sentences: what was seen and why it matters. */
  summary: string;
  evidence: Evidence[];
  /** What to do about it. */
  recommendation?: string;
}

/** Sorts findings most urgent first, then by title; returns a new array. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);
  return [...findings].sort((a, b) => rank(a.severity) - rank(b.severity) || a.title.localeCompare(b.title));
}
