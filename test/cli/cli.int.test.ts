/**
 * The CLI as a user runs it: a separate process, exit codes 0 / 1 / 2, one-line errors, and the
 * files `render` writes.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { hasPoppler, pdfPages } from "../helpers/pdf.js";
import { testDir } from "../helpers/tmp.js";

const root = resolve(import.meta.dirname, "../..");

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const report = {
  format: "netreport.report",
  title: "CLI 渲染测试",
  sections: [
    { kind: "prose", title: "Intro", markdown: "Rendered by the **CLI**." },
    {
      kind: "table",
      title: "Ports",
      dataset: {
        format: "netreport.dataset",
        formatVersion: 1,
        kind: "ports",
        schemaVersion: 1,
        title: "Ports",
        columns: [
          { key: "port", label: "Port", type: "port" },
          { key: "service", label: "Service", type: "text" },
        ],
        rows: [
          { port: 22, service: "ssh" },
          { port: 3389, service: "=rdp" },
        ],
        provenance: { analysis: "test", parameters: {}, host: "h", startedAt: "2026-11-23T00:00:00Z", finishedAt: "2026-11-23T00:00:01Z", tool: "netreport@0" },
        warnings: [],
      },
    },
  ],
};

describe("netreport CLI", () => {
  it("lists its commands with --help and exits 0", () => {
    const r = cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/render .*report description/);
    expect(r.stdout).toMatch(/demo/);
  });

  it("has --help on every command, with the shared output options", () => {
    const r = cli(["render", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--format <list>");
    expect(r.stdout).toContain("--out <dir>");
  });

  it("exits 2 on a usage error with a one-line message", () => {
    const r = cli(["render", "--no-such-option", "x.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--no-such-option'/);
    const f = cli(["render", "x.json", "--format", "html,docx"]);
    expect(f.code).toBe(2);
    expect(f.stderr.trim().split("\n")[0]).toMatch(/^netreport: EUSAGE: unknown output format "docx" \(--format\)/);
  });

  it("exits 1 naming the file when the input is missing or invalid", () => {
    const missing = cli(["render", "/nonexistent/report.json"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^netreport: EINPUT: cannot read report description: ENOENT \(\/nonexistent\/report\.json\)$/);
    const dir = testDir("nr-cli-");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ title: "x", sections: [{ kind: "table" }] }));
    const invalid = cli(["render", bad]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(`EREPORT_SPEC`);
    expect(invalid.stderr).toContain(".sections[0]");
    expect(invalid.stderr).toContain(bad);
  });

  it("renders a report description to HTML, JSON, CSV and (with Chromium) PDF", () => {
    const dir = testDir("nr-cli-");
    const file = join(dir, "weekly.json");
    writeFileSync(file, JSON.stringify({ ...report, datasets: [report.sections[1]!.dataset] }));
    const withPdf = existsSync("/usr/bin/chromium") && hasPoppler();
    const formats = withPdf ? "html,json,csv,pdf" : "html,json,csv";
    const r = cli(["render", file, "--format", formats, "--out", join(dir, "out")]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, "out/weekly.html"), "utf8");
    expect(html).toContain("CLI 渲染测试");
    expect(html).toContain("Rendered by the <strong>CLI</strong>.");
    const bundle = JSON.parse(readFileSync(join(dir, "out/weekly.json"), "utf8"));
    expect(bundle.format).toBe("netreport.bundle");
    expect(bundle.datasets[0].rows[1].service).toBe("=rdp");
    expect(readFileSync(join(dir, "out/weekly.ports.csv"), "utf8")).toContain("3389,'=rdp");
    if (withPdf) expect(pdfPages(readFileSync(join(dir, "out/weekly.pdf"))).join("\n")).toContain("CLI 渲染测试");
    else console.warn("PDF part skipped: no Chromium/poppler");
  });

  it("render keeps the description's language, and --lang overrides it", () => {
    const dir = testDir("nr-cli-");
    const file = join(dir, "tw.json");
    writeFileSync(file, JSON.stringify({ ...report, lang: "zh-TW" }));
    expect(cli(["render", file, "--format", "html", "--out", dir]).code).toBe(0);
    expect(readFileSync(join(dir, "tw.html"), "utf8")).toContain('<html lang="zh-TW">');
    expect(cli(["render", file, "--format", "html", "--out", dir, "--lang", "en"]).code).toBe(0);
    expect(readFileSync(join(dir, "tw.html"), "utf8")).toContain('<html lang="en">');
  });

  it("exits 1 with a one-line ECHROMIUM_MISSING when PDF is asked for and Chromium is missing, after writing the HTML", () => {
    const dir = testDir("nr-cli-");
    const file = join(dir, "r.json");
    writeFileSync(file, JSON.stringify(report));
    const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), "render", file, "--format", "html,pdf", "--out", dir], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, NETREPORT_CHROMIUM: "/nonexistent/chromium" },
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^netreport: ECHROMIUM_MISSING: no Chromium executable found .*apt-get install chromium/);
    expect(readFileSync(join(dir, "r.html"), "utf8")).toContain("CLI 渲染测试");
  });

  it("render --png-section writes one chart as PNG, and names the sections when the id is wrong", () => {
    const dir = testDir("nr-cli-");
    const file = join(dir, "chart.json");
    const chart = { kind: "chart", id: "by-port", title: "By port", spec: { mark: "bar", encoding: { x: { field: "service", type: "nominal" }, y: { field: "port", type: "quantitative" } } }, dataset: report.sections[1]!.dataset };
    writeFileSync(file, JSON.stringify({ ...report, sections: [...report.sections, chart] }));
    const r = cli(["render", file, "--format", "html", "--png-section", "by-port", "--out", dir]);
    expect(r.code).toBe(0);
    const png = readFileSync(join(dir, "chart.by-port.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    const bad = cli(["render", file, "--format", "html", "--png-section", "nope", "--out", dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no chart or graph section "nope"');
    expect(bad.stderr).toContain('by-port ("By port")');
  });

  it("demo: samples this machine and writes HTML and a JSON bundle of its datasets", () => {
    const dir = testDir("nr-cli-");
    const r = cli(["demo", "--seconds", "1", "--format", "html,json,csv", "--out", dir]);
    expect(r.stderr).toMatch(/sampling interface traffic for 1 s \(with HTTP load on 127\.0\.0\.1:\d+\)/);
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, "demo.html"), "utf8");
    expect(html).toContain("Host network report");
    expect(html).toMatch(/served HTTP to itself on 127\.0\.0\.1:\d+ \(\d+ requests/);
    const bundle = JSON.parse(readFileSync(join(dir, "demo.json"), "utf8"));
    expect(bundle.datasets.map((d: { kind: string }) => d.kind)).toEqual(["interfaceTraffic", "interfaceSummary", "listeningServices", "socketConnections"]);
    const lo = bundle.datasets[1].rows.find((x: { interface: string }) => x.interface === "lo");
    expect(lo.rxBytes).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "demo.listeningServices.csv"), "utf8").split("\r\n")[0]).toContain("Protocol");
    expect(cli(["demo", "--seconds", "-1"]).code).toBe(2);
    // A bad language is a usage error before any sampling, not a report that fails to render.
    const lang = cli(["demo", "--lang", "x y", "--out", dir]);
    expect(lang.code).toBe(2);
    expect(lang.stderr).toContain('EUSAGE: --lang must be a BCP 47 language tag, got "x y"');
    expect(lang.stderr).not.toContain("sampling");
  });
});
