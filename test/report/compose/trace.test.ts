/** The trace report's prose: data from a saved bundle (warnings, parameters) shows as text. */
import { describe, expect, it } from "vitest";
import { makeDataset, provenance } from "../../../src/dataset/create.js";
import type { TraceHopRow, TraceResult } from "../../../src/analyses/trace/types.js";
import { composeTraceReport } from "../../../src/report/compose/trace.js";
import { markdownToHtml } from "../../../src/report/markdown.js";
import { dataMadeElements, HOSTILE_TEXT, oneLine, visibleText } from "../../helpers/prose.js";

describe("composeTraceReport prose", () => {
  it("shows a bundle's warnings and parameters as text: no link, autolink, image or markup of their making", () => {
    const params = { protocol: "[tcp](https://evil.example/p)", maxTtl: "30 www.evil.example", ports: [80] };
    const hops = makeDataset({ kind: "traceHops", schemaVersion: 1, title: "Route hops", columns: [], rows: [] as TraceHopRow[], provenance: provenance("trace", params) });
    hops.warnings.push(...HOSTILE_TEXT);
    const result: TraceResult = { hops, source: "198.18.64.2", method: "raw" };
    const prose = composeTraceReport(result).sections.find((s) => s.title === "How the trace ran");
    const html = markdownToHtml(prose?.kind === "prose" ? prose.markdown : "");
    expect(dataMadeElements(html)).toEqual([]);
    const text = visibleText(html);
    for (const w of HOSTILE_TEXT) expect(text).toContain(oneLine(w));
    expect(text).toContain("[TCP](HTTPS://EVIL.EXAMPLE/P) probes for every TTL up to 30 www.evil.example were sent");
    // The report's own markdown still renders.
    expect(html).toContain("<code>SA</code>");
  });
});
