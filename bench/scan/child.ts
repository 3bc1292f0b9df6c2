/**
 * Runs one connect scan and prints its ScanResult as JSON, with `elapsedMs` (the scan alone, not
 * Node's start-up). Started by the benchmark inside its scanner namespace:
 *   ip netns exec nrsb-s node --import tsx bench/scan/child.ts '{"targets":"…","ports":"…","options":{…}}'
 * Every state is listed (no extraports), so the benchmark can compare each port with nmap's.
 */
import { connectScan } from "../../src/analyses/scan/probe/connectScan.js";
import { loadServices } from "../../src/analyses/scan/ports/services.js";
import { parsePorts } from "../../src/analyses/scan/ports/spec.js";
import { planTargets } from "../../src/analyses/scan/targets/expand.js";
import { parseTargets } from "../../src/analyses/scan/targets/parse.js";

const input = JSON.parse(process.argv[2] ?? "{}") as { targets: string; ports: string; options?: Record<string, unknown> };
const services = loadServices();
const plan = await planTargets(parseTargets(input.targets));
const ports = parsePorts(input.ports, services);
const started = performance.now();
const result = await connectScan(plan, { collapseAbove: Number.MAX_SAFE_INTEGER, ...input.options, ports, services });
process.stdout.write(JSON.stringify({ ...result, elapsedMs: performance.now() - started }) + "\n");
