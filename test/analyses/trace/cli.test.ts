/**
 * `netreport trace` in-process without probing: a saved lab trace (--from) written as HTML,
 * JSON, CSV and the route graph SVG/PNG; usage errors exit 2 before any probe is sent.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli as cli } from "../../helpers/cli.js";

const fixture = join(import.meta.dirname, "fixtures", "lab-trace.json");
const dir = mkdtempSync(join(tmpdir(), "nrt-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("netreport trace", () => {
  it("reports a saved trace with --from: HTML, bundle, CSV, route SVG and PNG", async () => {
    const out = join(dir, "from");
    const r = await cli("trace", "--from", fixture, "--format", "html,json,csv", "--graph", "--out", out, "--name", "lab");
    expect(r.stderr).toMatch(/198\.18\.67\.2: 80: SA open, 443: RA closed; 4 hop\(s\); AS64601/);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["lab.html", "lab.json", "lab.route.png", "lab.route.svg", "lab.traceHops.csv"]);
    const svg = readFileSync(join(out, "lab.route.svg"), "utf8");
    expect(svg).toContain("Alpha &quot;Edge&quot; &lt;Net&gt; &amp; Co");
    expect(svg).toContain("Delta 数据 Cloud");
    const csv = readFileSync(join(out, "lab.traceHops.csv"), "utf8");
    expect(csv.split("\n")[0]).toContain("Reply");
    const html = readFileSync(join(out, "lab.html"), "utf8");
    expect(html).toContain("Hops to 198.18.68.2");
    // The saved bundle reads back the same way.
    const again = await cli("trace", "--from", join(out, "lab.json"), "--format", "json", "--out", join(dir, "again"));
    expect(again.code).toBe(0);
  });

  it("writes the report and the route graph for the reader of --lang", async () => {
    const out = join(dir, "tw");
    const r = await cli("trace", "--from", fixture, "--format", "html", "--graph", "--out", out, "--name", "lab", "--lang", "zh-TW");
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "lab.html"), "utf8")).toContain('<html lang="zh-TW">');
    expect(readFileSync(join(out, "lab.route.svg"), "utf8")).toContain("Noto Sans CJK TC");
    const en = join(dir, "en");
    expect((await cli("trace", "--from", fixture, "--format", "html", "--graph", "--out", en, "--name", "lab")).code).toBe(0);
    expect(readFileSync(join(en, "lab.route.svg"), "utf8")).not.toContain("Noto Sans CJK TC");
  });

  it("exits 2 on usage errors before probing", async () => {
    expect((await cli("trace")).code).toBe(2);
    expect((await cli("trace", "127.0.0.1", "-p", "0", "--no-geoip", "--out", dir)).code).toBe(2);
    expect((await cli("trace", "127.0.0.1", "-m", "0", "--no-geoip", "--out", dir)).code).toBe(2);
    expect((await cli("trace", "127.0.0.1", "--from", fixture, "--out", dir)).code).toBe(2);
    expect((await cli("trace", "127.0.0.1", "--protocol", "sctp", "--out", dir)).code).toBe(2);
  });

  it("a dataset of another kind is refused", async () => {
    const r = await cli("trace", "--from", join(import.meta.dirname, "fixtures", "traceroute-T-80-s1.txt"), "--out", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/EDATASET_SCHEMA|JSON/);
  });
});
