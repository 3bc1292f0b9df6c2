/**
 * Detector thresholds: defaults, and the words the report's appendix uses to explain them.
 */

/** Every tunable threshold of the pcap detectors. */
export interface PcapThresholds {
  /** TCP port of IRC for the hivemind detector. Default 6667. */
  ircPort: number;
  /** Destination port watched for floods; null watches every port. Default 80. */
  ddosPort: number | null;
  /** Packets from one source to one destination (on the watched port) that make a flood. Default 1000. */
  ddosPackets: number;
  /** Width of the flood time window in seconds. Default 1. */
  ddosWindowSeconds: number;
  /** Packets to one destination port within one window that make a flood. Default 1000. */
  ddosWindowPackets: number;
  /** Spread (max − min) of TTLs from one source above which it is flagged. Default 5. */
  ttlSpread: number;
  /** Distinct A/AAAA addresses for one name that suggest fast-flux. Default 10. */
  fluxAddresses: number;
  /** Largest answer TTL (s) still counted as short for fast-flux. Default 300. */
  fluxMaxTtl: number;
  /** NXDOMAIN answers to one client that suggest domain-flux (DGA). Default 10. */
  nxdomainPerClient: number;
  /** ISNs needed from one host before its increments are judged. Default 5. */
  isnMinSamples: number;
}

/** The default thresholds. */
export const DEFAULT_THRESHOLDS: Readonly<PcapThresholds> = Object.freeze({
  ircPort: 6667,
  ddosPort: 80,
  ddosPackets: 1000,
  ddosWindowSeconds: 1,
  ddosWindowPackets: 1000,
  ttlSpread: 5,
  fluxAddresses: 10,
  fluxMaxTtl: 300,
  nxdomainPerClient: 10,
  isnMinSamples: 5,
});

/** One line of the appendix per threshold: name, value, meaning. */
export function describeThresholds(t: PcapThresholds): { name: string; value: string; meaning: string }[] {
  return [
    { name: "ircPort", value: String(t.ircPort), meaning: "TCP port searched for IRC `!lazor` commands (LOIC hivemind)" },
    { name: "ddosPort", value: t.ddosPort === null ? "any" : String(t.ddosPort), meaning: "destination port watched for floods" },
    { name: "ddosPackets", value: String(t.ddosPackets), meaning: "packets from one source to one target (whole capture) that make a flood" },
    { name: "ddosWindowSeconds", value: String(t.ddosWindowSeconds), meaning: "width of the flood time window (s)" },
    { name: "ddosWindowPackets", value: String(t.ddosWindowPackets), meaning: "packets to one target port within one window that make a flood" },
    { name: "ttlSpread", value: String(t.ttlSpread), meaning: "largest TTL spread one sender may show; more, or two initial-TTL families (32/64/128/255), is flagged" },
    { name: "fluxAddresses", value: String(t.fluxAddresses), meaning: "distinct A/AAAA answers for one name that suggest fast-flux" },
    { name: "fluxMaxTtl", value: String(t.fluxMaxTtl), meaning: "largest answer TTL (s) counted as short for fast-flux" },
    { name: "nxdomainPerClient", value: String(t.nxdomainPerClient), meaning: "NXDOMAIN answers to one client that suggest domain-flux (DGA)" },
    { name: "isnMinSamples", value: String(t.isnMinSamples), meaning: "TCP initial sequence numbers from one host needed to judge predictability" },
  ];
}
