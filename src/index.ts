/**
 * netreport's public API: analyses produce typed datasets and findings, renderers turn them into
 * SVG/PNG fragments, the report pipeline into HTML/PDF/PNG, and the notebook helpers show them in
 * Jupyter. Exports only.
 */
export * from "./errors.js";
export * from "./dataset/index.js";
export { VERSION } from "./version.js";

export type * from "./report/types.js";
export { renderHtml, type HtmlOptions, type HtmlReport } from "./report/html.js";
export { renderReport, sharedPrinter, closeSharedPrinter, type RenderOptions, type RenderedReport } from "./report/render.js";
export { openPrinter, findChromium, type Printer, type PrinterOptions, type PdfOptions, type ScreenshotOptions } from "./report/browser.js";
export { parseReport, checkReport } from "./report/validate.js";
export { sectionPng, findPictureSection } from "./report/sectionPng.js";
export { markdownToHtml } from "./report/markdown.js";
export { writeOutputs, outputOptions, type OutputOptions, type OutputFormat } from "./cli/output.js";

export * from "./render/index.js";
export * as notebook from "./notebook/display.js";

export { readSockets } from "./analyses/sessions/index.js";
export { sampleTraffic } from "./analyses/traffic/index.js";
export { composeLocalReport } from "./report/compose/local.js";

export {
  parseTargets,
  parseTargetsFile,
  planTargets,
  parsePorts,
  formatPorts,
  loadServices,
  connectScan,
  runNmap,
  importNmapXml,
  parseNmapXml,
  scanToDatasets,
  snapshotOf,
  diffScans,
  changesDataset,
  parsePolicy,
  applyPolicy,
  PortState,
  type ScanResult,
  type HostResult,
  type PortResult,
  type ConnectScanOptions,
  type RunNmapOptions,
  type ScanSnapshot,
  type ScanChange,
  type Policy,
} from "./analyses/scan/index.js";
export { composeScanReport, stateCells, stateHeatmapSpec, type ScanReportOptions } from "./report/compose/scan.js";

export {
  analysePcap,
  captureLive,
  createPcapSession,
  readCapture,
  DEFAULT_THRESHOLDS,
  describeThresholds,
  type AnalysePcapOptions,
  type LiveOptions,
  type LiveSummary,
  type PcapSession,
  type PcapResult,
  type PcapTotals,
  type PcapAnalysisOptions,
  type PcapThresholds,
  type EndpointLocator,
  type EndpointInfo,
} from "./analyses/pcap/index.js";
export { composePcapReport, composePcapKml, loadWorldTopology, mapPoints, worldMapSpec, type PcapReportOptions } from "./report/compose/pcap.js";
export { openEnricher, countryName, classifyIp, EMBEDDED_ATTRIBUTION, type Enricher, type EnricherOptions, type IpInfo } from "./enrich/index.js";

export {
  traceRoute,
  traceResultFromDataset,
  buildRouteGraph,
  parseTracerouteOutput,
  ProbeProtocol,
  isReplyKind,
  portStatus,
  TRACE_HOP_COLUMNS,
  type TraceRouteOptions,
  type TraceResult,
  type TraceHopRow,
  type TraceHopsDataset,
  type ReplyKind,
  type RouteGraph,
  type HopLocator,
} from "./analyses/trace/index.js";
export { composeTraceReport, routeGraphDot, renderRouteGraph, asPaths, type TraceReportOptions } from "./report/compose/trace.js";
