/**
 * Runs a connect scan and prints its ScanResult as JSON on stdout. Started by tests and the
 * benchmark inside the scanner namespace:
 *   ip netns exec nrs-x-s node --import tsx test/analyses/scan/helpers/scan-child.ts '<json>'
 * where <json> is { targets: string, ports: string, options?: ConnectScanOptions minus ports,
 * netSocket?: true (probe with the portable net.Socket effect instead of the raw TCP handle) }.
 */
import { connectScan, defaultScanEffects } from "../../../../src/analyses/scan/probe/connectScan.js";
import { tcpConnect } from "../../../../src/analyses/scan/probe/tcp.js";
import { loadServices } from "../../../../src/analyses/scan/ports/services.js";
import { parsePorts } from "../../../../src/analyses/scan/ports/spec.js";
import { planTargets } from "../../../../src/analyses/scan/targets/expand.js";
import { parseTargets } from "../../../../src/analyses/scan/targets/parse.js";

const input = JSON.parse(process.argv[2] ?? "{}") as { targets: string; ports: string; options?: Record<string, unknown>; netSocket?: boolean };
const effects = input.netSocket ? { ...defaultScanEffects, connect: tcpConnect } : defaultScanEffects;
const services = loadServices();
const started = performance.now();
const result = await connectScan(await planTargets(parseTargets(input.targets)), { ...input.options, ports: parsePorts(input.ports, services), services }, effects);
process.stdout.write(JSON.stringify({ ...result, elapsedMs: performance.now() - started }) + "\n");
