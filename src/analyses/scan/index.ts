/**
 * Port scanning and exposure: target and port specs, the TCP connect scan, the nmap adapter and
 * XML importer (all ending in one {@link ScanResult}), datasets, exposure policy and scan diffs.
 */
export { PortState, isPortState, HostStatus, type Protocol, type PortResult, type ExtraPorts, type HostResult, type ScanSource, type ScanResult } from "./types.js";
export { parseTargets, specSize, describeSpec, type TargetSpec, type Ipv4OctetSpec, type CidrSpec, type NameSpec } from "./targets/parse.js";
export { parseTargetsFile, targetTokens } from "./targets/file.js";
export { planTargets, checkTargetCount, specMatcher, describeSpecs, DEFAULT_MAX_HOSTS, type Target, type TargetPlan, type PlanOptions, type Resolver } from "./targets/expand.js";
export { parsePorts, formatPorts } from "./ports/spec.js";
export { countedStateOf, portRanges, type CountedState } from "./ports/ranges.js";
export { loadServices, builtinServices, parseNmapServices, NMAP_SERVICES_PATH, type ServicesTable } from "./ports/services.js";
export { connectScan, defaultScanEffects, type ConnectScanOptions, type ScanEffects, type ScanProgress } from "./probe/connectScan.js";
export { tcpConnect, openFileLimit, type ConnectEffect, type ProbeRequest } from "./probe/tcp.js";
export { parseNmapXml, importNmapXml } from "./nmap/import.js";
export { nmapArgs, splitArgs, type NmapArgsOptions } from "./nmap/args.js";
export { runNmap, salvageXml, defaultNmapEffects, type NmapEffects, type NmapProgress, type RunNmapOptions } from "./nmap/run.js";
export {
  scanToDatasets,
  snapshotOf,
  countedStates,
  portKey,
  SCAN_HOSTS_KIND,
  PORT_SCAN_KIND,
  SCAN_SCHEMA_VERSION,
  type ScanHostRow,
  type PortScanRow,
  type ScanDatasets,
  type ScanSnapshot,
} from "./dataset.js";
export { diffScans, changesDataset, ChangeKind, SCAN_CHANGES_KIND, type ScanChange } from "./diff.js";
export { parsePolicy, applyPolicy, type Policy, type RiskyRule, type Allowance } from "./policy.js";
