/** Interface traffic sampled from /proc/net/dev. */
export { parseProcNetDev, type InterfaceCounters, type CounterSnapshot } from "./procNetDev.js";
export { computeRates, type TimedSnapshot, type TrafficRow, type InterfaceSummaryRow, type RateResult } from "./rates.js";
export { sampleTraffic, TRAFFIC_KIND, INTERFACE_SUMMARY_KIND, type SampleTrafficOptions, type TrafficEffects, type TrafficResult } from "./sample.js";
export { startLoopbackLoad, type LoopbackLoad, type LoopbackLoadOptions } from "./loopbackLoad.js";
