/**
 * TCP traceroute in the nrt- namespace lab (helpers/topology.ts):
 *   probe → r1 → r2 (sends no ICMP) → r3 → s1 (80 open, 443 closed) / s2 (80 closed, 443 DROP)
 * netreport's hops, codes and order must equal the topology and what scapy's traceroute() reports
 * from the same probe namespace in the same test. AS numbers and places come from MMDBs made
 * for the test. Also: the traceroute -T fallback, EPERM_RAW without CAP_NET_RAW, the CLI.
 * Needs root; skipped visibly otherwise.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTestAsnDb, writeTestCityDb } from "../../../src/enrich/test-db.js";
import { canNetns, createTraceLab, skipReason, type TraceLab } from "./helpers/topology.js";
import { ourTable, scapyInNs, scapyTable, traceInNs } from "./helpers/run.js";

if (!canNetns) console.warn(`trace.int.test: skipped: ${skipReason}`);

const S1 = "198.18.67.2";
const S2 = "198.18.68.2";
const R3FAR = "198.18.68.1";
const TARGETS = [S1, S2, R3FAR];
const PORTS = [80, 443];
const MAX_TTL = 6;

/** The topology's answer, one line per (target, port, ttl) up to the destination. */
const EXPECTED = [
  `${S1}:80 1 198.18.64.1 11`,
  `${S1}:80 2 * unk`,
  `${S1}:80 3 198.18.66.2 11`,
  `${S1}:80 4 ${S1} SA`,
  `${S1}:443 1 198.18.64.1 11`,
  `${S1}:443 2 * unk`,
  `${S1}:443 3 198.18.66.2 11`,
  `${S1}:443 4 ${S1} RA`,
  `${S2}:80 1 198.18.64.1 11`,
  `${S2}:80 2 * unk`,
  `${S2}:80 3 198.18.66.2 11`,
  `${S2}:80 4 ${S2} RA`,
  `${S2}:443 1 198.18.64.1 11`,
  `${S2}:443 2 * unk`,
  `${S2}:443 3 198.18.66.2 11`,
  `${S2}:443 4 * unk`,
  `${S2}:443 5 * unk`,
  `${S2}:443 6 * unk`,
  `${R3FAR}:80 1 198.18.64.1 11`,
  `${R3FAR}:80 2 * unk`,
  `${R3FAR}:80 3 ${R3FAR} RA`,
  `${R3FAR}:443 1 198.18.64.1 11`,
  `${R3FAR}:443 2 * unk`,
  `${R3FAR}:443 3 ${R3FAR} RA`,
];

describe.skipIf(!canNetns)("traceroute in namespaces vs scapy", () => {
  let lab: TraceLab;
  let dir: string;
  let asnDb: string;
  let cityDb: string;
  beforeAll(async () => {
    lab = await createTraceLab("it");
    dir = mkdtempSync(join(tmpdir(), "nrt-trace-"));
    asnDb = await writeTestAsnDb(join(dir, "asn.mmdb"), [
      { network: "198.18.64.0/24", asn: 64601, org: 'Alpha "Edge" <Net> & Co' },
      { network: "198.18.66.0/24", asn: 64602, org: "Beta Transit" },
      { network: "198.18.67.0/24", asn: 64603, org: "Gamma Hosting" },
      { network: "198.18.68.0/24", asn: 64604, org: "Delta 数据 Cloud" },
    ]);
    cityDb = await writeTestCityDb(join(dir, "city.mmdb"), [
      { network: "198.18.64.0/24", country: "DE", city: "Frankfurt", lat: 50.11, lon: 8.68 },
      { network: "198.18.66.0/24", country: "NL", city: "Amsterdam", lat: 52.37, lon: 4.9 },
      { network: "198.18.67.0/24", country: "GB", city: "London", lat: 51.5, lon: -0.12 },
      { network: "198.18.68.0/24", country: "CN", city: "Shanghai", lat: 31.2, lon: 121.5 },
    ]);
  });
  afterAll(() => {
    lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("netreport's hops, codes and order equal the topology and scapy's traceroute()", () => {
    const ours = traceInNs(lab, { targets: TARGETS, ports: PORTS, maxTtl: MAX_TTL, timeoutMs: 1000, asnDb, cityDb });
    expect(ours.error).toBeUndefined();
    expect(ourTable(ours.result!)).toEqual(EXPECTED);
    const scapy = scapyInNs(lab, TARGETS, PORTS, MAX_TTL, 1);
    expect(scapyTable(scapy, TARGETS, PORTS, MAX_TTL)).toEqual(EXPECTED);
    expect(ours.result!.source).toBe("198.18.64.2");
  });

  it("UDP and ICMP modes end at the target with port unreachable (3/3) and echo reply (0)", () => {
    for (const [protocol, end] of [["udp", "3/3"], ["icmp", "0"]] as const) {
      const { result, error } = traceInNs(lab, { targets: [S1, R3FAR], protocol, maxTtl: MAX_TTL, timeoutMs: 1000 });
      expect(error).toBeUndefined();
      expect(ourTable(result!)).toEqual([
        `${S1}:- 1 198.18.64.1 11`,
        `${S1}:- 2 * unk`,
        `${S1}:- 3 198.18.66.2 11`,
        `${S1}:- 4 ${S1} ${end}`,
        `${R3FAR}:- 1 198.18.64.1 11`,
        `${R3FAR}:- 2 * unk`,
        `${R3FAR}:- 3 ${R3FAR} ${end}`,
      ]);
    }
  });

  it("enriches every answering hop from the test databases", () => {
    const { result } = traceInNs(lab, { targets: [S1], ports: [80], maxTtl: MAX_TTL, timeoutMs: 1000, asnDb, cityDb });
    const rows = result!.hops.rows;
    expect(rows.map((r) => [r.ttl, r.asn, r.asOrg, r.city, r.country])).toEqual([
      [1, 64601, 'Alpha "Edge" <Net> & Co', "Frankfurt", "DE"],
      [2, null, null, null, null],
      [3, 64602, "Beta Transit", "Amsterdam", "NL"],
      [4, 64603, "Gamma Hosting", "London", "GB"],
    ]);
    expect(rows[0]!.rttMs).toBeGreaterThan(0);
    expect(rows[0]!.scope).toMatch(/benchmark/);
  });

  it("the traceroute -T fallback gives the same hops (destination kind dst)", () => {
    const { result, error } = traceInNs(lab, { targets: TARGETS, ports: PORTS, maxTtl: MAX_TTL, timeoutMs: 1000, method: "traceroute" });
    expect(error).toBeUndefined();
    expect(ourTable(result!)).toEqual(EXPECTED.map((l) => l.replace(/ (SA|RA)$/, " dst")));
    expect(result!.hops.warnings.join()).toMatch(/traceroute -T/);
  });

  it("without CAP_NET_RAW the raw trace fails with EPERM_RAW naming the fallback", () => {
    const { error } = traceInNs(lab, { targets: [S1], ports: [80], maxTtl: 4 }, ["setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw"]);
    expect(error?.code).toBe("EPERM_RAW");
    expect(error?.message).toMatch(/root or CAP_NET_RAW.*traceroute -T/);
  });

  it("without CAP_NET_RAW the traceroute -T fallback is refused too, and its UDP method works", () => {
    const drop = ["setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw"];
    const tcp = traceInNs(lab, { targets: [S1], ports: [80], maxTtl: 4, method: "traceroute" }, drop);
    expect(tcp.error?.code).toBe("EPERM_RAW");
    expect(tcp.error?.message).toMatch(/--system --protocol udp/);
    const udp = traceInNs(lab, { targets: [S1], protocol: "udp", maxTtl: MAX_TTL, timeoutMs: 1000, method: "traceroute" }, drop);
    expect(udp.error).toBeUndefined();
    expect(ourTable(udp.result!)).toEqual([`${S1}:- 1 198.18.64.1 11`, `${S1}:- 2 * unk`, `${S1}:- 3 198.18.66.2 11`, `${S1}:- 4 ${S1} 3/3`]);
  });

  it("netreport trace writes the report, the bundle and the route graph with AS boxes and port states", () => {
    const out = join(dir, "cli");
    execFileSync("ip", ["netns", "exec", lab.probe, process.execPath, "--import", "tsx", "src/cli/main.ts", "trace", S1, S2, "-p", "80,443", "-m", String(MAX_TTL), "--timeout", "1000", "--asn-db", asnDb, "--geoip-db", cityDb, "--lookup-private", "--format", "html,json", "--graph", "--out", out], { encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });
    const svg = readFileSync(join(out, "trace.route.svg"), "utf8");
    for (const s of ["AS64601", "Alpha &quot;Edge&quot; &lt;Net&gt; &amp; Co", "AS64603", "80: SA open", "443: RA closed", "443: unk no answer", "unk"]) expect(svg).toContain(s);
    expect(readFileSync(join(out, "trace.route.png")).subarray(1, 4).toString()).toBe("PNG");
    const html = readFileSync(join(out, "trace.html"), "utf8");
    expect(html).toContain("Hops to 198.18.67.2");
    expect(html).toContain("AS path per target");
    const bundle = JSON.parse(readFileSync(join(out, "trace.json"), "utf8")) as { datasets: { kind: string; rows: unknown[] }[] };
    expect(bundle.datasets.find((d) => d.kind === "traceHops")!.rows.length).toBe(EXPECTED.filter((l) => l.startsWith(S1) || l.startsWith(S2)).length);
  });
});
