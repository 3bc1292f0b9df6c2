/**
 * Runs traceRoute and prints { result, elapsedMs } as JSON, or { error: { code, message } }.
 * Started by tests and the benchmark inside the probe namespace:
 *   ip netns exec nrt-x-p node --import tsx test/analyses/trace/helpers/trace-child.ts '<json>'
 * where <json> is TraceRouteOptions plus optional asnDb/cityDb test database paths.
 */
import { traceRoute, type TraceRouteOptions } from "../../../../src/analyses/trace/index.js";
import { openEnricher } from "../../../../src/enrich/index.js";

const input = JSON.parse(process.argv[2] ?? "{}") as TraceRouteOptions & { asnDb?: string; cityDb?: string };
const enricher = input.asnDb || input.cityDb ? await openEnricher({ asnDb: input.asnDb ?? false, cityDb: input.cityDb ?? false, lookupPrivate: true }) : null;
const started = performance.now();
try {
  const result = await traceRoute({ ...input, locator: enricher });
  process.stdout.write(JSON.stringify({ result, elapsedMs: performance.now() - started }) + "\n");
} catch (e) {
  const err = e as { code?: string; message: string; toLine?: () => string };
  process.stdout.write(JSON.stringify({ error: { code: err.code ?? "?", message: err.toLine?.() ?? err.message } }) + "\n");
} finally {
  enricher?.close();
}
