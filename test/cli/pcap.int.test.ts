/**
 * `netreport pcap` as a user runs it, on the shared real captures: the report, its JSON/CSV/KML,
 * and a damaged copy that is analysed up to the damage, written, and still exits 1 naming where.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { testDir } from "../helpers/tmp.js";

const root = resolve(import.meta.dirname, "../..");
const DGA = resolve(root, "../shared/data/pcap/dns/PCAP-ATTACK_C2_Foudre_Backdoor_DGA.pcapng");

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!existsSync(DGA))("netreport pcap", () => {
  it("is listed in the CLI's help", () => {
    expect(cli(["--help"]).stdout).toMatch(/^\s+pcap \[options\] \[files\.\.\.\]/m);
  });

  it("reports the Foudre DGA capture: HTML, JSON bundle, CSV per dataset and KML", () => {
    const dir = testDir("nr-pcap-cli-");
    const r = cli(["pcap", DGA, "--format", "html,json,csv", "--kml", "--out", dir, "--name", "foudre"]);
    expect(r.stderr).toContain("28 packets");
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, "foudre.html"), "utf8");
    expect(html).toContain("db54a845.top");
    const bundle = JSON.parse(readFileSync(join(dir, "foudre.json"), "utf8"));
    expect(bundle.format).toBe("netreport.bundle");
    expect(bundle.findings.map((f: { rule: string }) => f.rule)).toContain("pcap.dga-hostname");
    const conv = readFileSync(join(dir, "foudre.pcapConversations.csv"), "utf8");
    expect(conv).toContain("10.0.2.15");
    expect(conv).toContain("185.56.137.138");
    const kml = readFileSync(join(dir, "foudre.kml"), "utf8");
    expect(kml).toMatch(/^<\?xml/);
    expect(kml).toContain("<kml");
  });

  it("writes the report's own words in the language of --lang (zh_CN read as zh-CN)", () => {
    const dir = testDir("nr-pcap-cli-");
    const r = cli(["pcap", DGA, "--no-geoip", "--format", "html", "--out", dir, "--name", "zh", "--lang", "zh_CN"]);
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, "zh.html"), "utf8");
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("目录");
    expect(html).toContain("证据");
    expect(html).toContain("db54a845.top");
    const bad = cli(["pcap", DGA, "--lang", "x y", "--out", dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('EUSAGE: --lang must be a BCP 47 language tag, got "x y"');
  });

  it("analyses a truncated copy up to the cut, writes the partial report, and exits 1 naming file, record and byte", () => {
    const dir = testDir("nr-pcap-cli-");
    const cut = join(dir, "cut.pcapng");
    writeFileSync(cut, readFileSync(DGA).subarray(0, 6000));
    const r = cli(["pcap", cut, "--no-geoip", "--format", "html,json", "--out", dir]);
    expect(r.code).toBe(1);
    const last = r.stderr.trim().split("\n").at(-1)!;
    expect(last).toMatch(/^netreport: EPCAP_TRUNCATED: .*cut\.pcapng.*record \d+.*byte \d+/);
    expect(r.stderr).toMatch(/\d+ packets, .*read error\(s\): analysis is partial/);
    const html = readFileSync(join(dir, "pcap.html"), "utf8");
    expect(html).toContain("Partial analysis");
  });

  it("exits 1 naming a missing capture, and 2 on a bad option value", () => {
    const missing = cli(["pcap", "/nonexistent/x.pcap", "--no-geoip", "--format", "json", "--out", testDir("nr-pcap-cli-")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("/nonexistent/x.pcap");
    expect(cli(["pcap", DGA, "--ddos-packets", "lots"]).code).toBe(2);
  });
});
