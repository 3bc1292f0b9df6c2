/**
 * `netreport scan` as a user runs it: a separate process started inside a scanner namespace of
 * its own lab (nrs-cl-*, 198.18.32.0/24), exit codes 0 / 1 / 2 / 130, one-line errors, the files
 * each output format writes, a baseline diff, nmap through --nmap, and Ctrl-C writing the partial
 * result. The --import and usage cases need no namespace and always run.
 *   h1 198.18.32.11  listeners 22 (SSH banner) and 3306
 *   h2 198.18.32.12  listener 80; everything else DROPped (filtered)
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canNetns, createLab, type Lab } from "../analyses/scan/helpers/netns.js";
import { testDir } from "../helpers/tmp.js";

const root = resolve(import.meta.dirname, "../..");
const CLI = [process.execPath, "--import", "tsx", join(root, "src/cli/main.ts")];
const NMAP_XML = resolve(root, "../shared/data/nmap/python-libnmap/libnmap/test/files");

function cli(args: string[], ns?: string) {
  const [cmd, ...rest] = ns ? ["ip", "netns", "exec", ns, ...CLI, ...args] : [...CLI, ...args];
  const r = spawnSync(cmd!, rest, { cwd: root, encoding: "utf8", timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => testDir("nr-scan-cli-");
const bundleOf = (path: string) => JSON.parse(readFileSync(path, "utf8")) as { datasets: Array<{ kind: string; rows: Array<Record<string, unknown>>; warnings: string[] }>; findings: Array<{ title: string }> };

const POLICY = "risky:\n  - ports: 3306\n    severity: high\n    title: Database exposed\nallow:\n  - hosts: 198.18.32.0/24\n    ports: 22\nunexpected: {severity: low}\n";

describe("netreport scan without a network", () => {
  it("imports nmap XML and writes every format, findings included", async () => {
    const dir = tmp();
    const policy = join(dir, "p.yaml");
    writeFileSync(policy, "risky:\n  - ports: 3306\n    severity: high\n");
    const r = cli(["scan", "--import", join(NMAP_XML, "2_hosts.xml"), "--policy", policy, "--format", "html,json,csv,xlsx", "--out", dir, "--name", "imp"]);
    expect(r.stderr).toMatch(/2 host\(s\), \d+ open port\(s\), 1 finding\(s\)/);
    expect(r.code).toBe(0);
    for (const f of ["imp.html", "imp.json", "imp.scanHosts.csv", "imp.portScan.csv", "imp.xlsx"]) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, "imp.html"), "utf8")).toContain("Risky port: 3306/tcp (mysql) open on 1 host");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, "imp.xlsx"));
    expect(wb.worksheets.map((w) => w.name)).toEqual(["scanHosts", "portScan", "Findings"]);
    expect(cli(["scan", "--import", join(NMAP_XML, "2_hosts.xml"), "--format", "html", "--out", dir, "--name", "zh", "--lang", "zh-CN"]).code).toBe(0);
    expect(readFileSync(join(dir, "zh.html"), "utf8")).toContain('<html lang="zh-CN">');
  });

  it("ends with EFINDINGS after writing the report when --fail-on's severity is reached", () => {
    const dir = tmp();
    const policy = join(dir, "p.yaml");
    writeFileSync(policy, "risky:\n  - ports: 3306\n    severity: high\n  - ports: 111\n    severity: low\n");
    const xml = join(NMAP_XML, "2_hosts.xml");
    const high = cli(["scan", "--import", xml, "--policy", policy, "--fail-on", "high", "--format", "json", "--out", dir]);
    expect(high.code).toBe(1);
    expect(high.stderr.trim().split("\n").at(-1)).toMatch(/^netreport: EFINDINGS: 1 finding\(s\) of severity high or worse, first: Risky port: 3306\/tcp \(mysql\) open on 1 host \(.*p\.yaml\)/);
    expect(existsSync(join(dir, "scan.json"))).toBe(true);
    expect(cli(["scan", "--import", xml, "--policy", policy, "--fail-on", "critical", "--format", "json", "--out", dir]).code).toBe(0);
    expect(cli(["scan", "--import", xml, "--fail-on", "high"]).code).toBe(2);
  });

  it("exits 2 on usage errors and 1 naming file and line on bad input, before probing anything", () => {
    const none = cli(["scan"]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(/^netreport: EUSAGE: name the targets to scan/);
    const refused = cli(["scan", "198.18.32.11", "--nmap", "-iR 10"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/EUSAGE: nmap option "-iR" is not accepted/);
    const ports = cli(["scan", "198.18.32.11", "-p", "22,70000"]);
    expect(ports.code).toBe(1);
    expect(ports.stderr.trim()).toMatch(/^netreport: EPORT_SPEC: bad port spec "70000" at column 4/);
    const dir = tmp();
    writeFileSync(join(dir, "p.yaml"), "risky:\n  - ports: 23\n    severity: urgent\n");
    const policy = cli(["scan", "198.18.32.11", "--policy", join(dir, "p.yaml")]);
    expect(policy.code).toBe(1);
    expect(policy.stderr).toMatch(/EPOLICY: risky\.0\.severity: .*\(.*p\.yaml:3:15\)/);
    writeFileSync(join(dir, "targets.txt"), "# lab\n198.18.32.11\n198.18.32.300 # typo\n");
    const file = cli(["scan", "--targets-file", join(dir, "targets.txt")]);
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/ESCAN_SPEC: bad target "198\.18\.32\.300".*\(.*targets\.txt:3\)/);
    const big = cli(["scan", "198.18.0.0/15"]);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/more than the limit of 65536 .*--max-hosts 131072/);
  });
});

if (!canNetns) console.warn("cli/scan.int.test: not root or no `ip netns`: skipping the namespace runs of netreport scan");

describe.skipIf(!canNetns)("netreport scan in a namespace lab", () => {
  let lab: Lab;
  let mysql: Awaited<ReturnType<Lab["listen"]>>;
  beforeAll(async () => {
    lab = await createLab("cl", 2);
    const [h1, h2] = lab.hosts as [Lab["hosts"][0], Lab["hosts"][0]];
    await lab.listen(h1.ns, [22], "SSH-2.0-nrs\r\n");
    mysql = await lab.listen(h1.ns, [3306]);
    await lab.listen(h2.ns, [80]);
    lab.iptables(h2.ns, ["-A", "INPUT", "-p", "tcp", "!", "--dport", "80", "-j", "DROP"]);
  });
  afterAll(async () => {
    await lab?.close();
  });

  it("scans, applies the policy, writes html/json/csv/xlsx, then reports changes against that JSON", () => {
    const dir = tmp();
    writeFileSync(join(dir, "p.yaml"), POLICY);
    const r = cli(["scan", "198.18.32.11-12", "-p", "21-23,80,3306", "--banners", "--policy", join(dir, "p.yaml"), "--format", "html,json,csv,xlsx", "--out", dir], lab.scanner);
    expect(r.stderr).toContain("2 host(s), 3 open port(s), 2 finding(s)");
    expect(r.code).toBe(0);
    const b = bundleOf(join(dir, "scan.json"));
    const ports = b.datasets.find((d) => d.kind === "portScan")!.rows;
    expect(ports.filter((p) => p.state === "open").map((p) => `${p.address}:${p.port}`)).toEqual(["198.18.32.11:22", "198.18.32.11:3306", "198.18.32.12:80"]);
    expect(ports.find((p) => p.port === 22)).toMatchObject({ banner: "SSH-2.0-nrs\\r\\n", service: "ssh" });
    expect(ports.filter((p) => p.address === "198.18.32.12" && p.state === "filtered").length).toBe(4);
    expect(b.findings.map((f) => f.title)).toEqual(["Database exposed: 3306/tcp (mysql) open on 1 host", "Port 80/tcp (http) open on 1 host without an allowance"]);
    const html = readFileSync(join(dir, "scan.html"), "utf8");
    expect(html).toContain("Port states by host");
    expect(html).toMatch(/<svg[\s\S]*198\.18\.32\.12/);
    for (const f of ["scan.scanHosts.csv", "scan.portScan.csv", "scan.xlsx"]) expect(existsSync(join(dir, f)), f).toBe(true);

    // The next run, with 3306 stopped, against the first run's JSON.
    spawnSync("kill", [String(mysql.pid)]);
    const again = cli(["scan", "198.18.32.11-12", "-p", "21-23,80,3306", "--baseline", join(dir, "scan.json"), "--format", "json", "--out", dir, "--name", "scan2"], lab.scanner);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/1 change\(s\) since .*scan\.json/);
    const changes = bundleOf(join(dir, "scan2.json")).datasets.find((d) => d.kind === "scanChanges")!.rows;
    expect(changes).toEqual([{ address: "198.18.32.11", hostname: null, port: 3306, protocol: "tcp", change: "port-closed", before: "open", after: "closed" }]);
  });

  it("skips --exclude'd targets and reads --targets-file, with the built-in scan and with nmap", () => {
    const dir = tmp();
    writeFileSync(join(dir, "targets.txt"), "# lab hosts\n198.18.32.11 198.18.32.12\n");
    for (const extra of [[], ["--nmap", "-sT -n -Pn"]]) {
      const r = cli(["scan", "--targets-file", join(dir, "targets.txt"), "--exclude", "198.18.32.12", "-p", "22", "--format", "json", "--out", dir, ...extra], lab.scanner);
      expect(r.code, r.stderr).toBe(0);
      const hosts = bundleOf(join(dir, "scan.json")).datasets.find((d) => d.kind === "scanHosts")!.rows;
      expect(hosts.map((h) => h.address), extra.join(" ")).toEqual(["198.18.32.11"]);
    }
  });

  it("writes a warning of the target plan once, before the scan", () => {
    // A resolver that refuses at once (ip netns exec mounts /etc/netns/<ns>/resolv.conf): the name is skipped with a warning.
    const etc = `/etc/netns/${lab.scanner}`;
    mkdirSync(etc, { recursive: true });
    writeFileSync(`${etc}/resolv.conf`, "nameserver 127.0.0.1\n");
    try {
      const dir = tmp();
      const r = cli(["scan", "nohost.example", "198.18.32.11", "-p", "22", "--format", "json", "--out", dir], lab.scanner);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.match(/warning: nohost\.example did not resolve/g)).toHaveLength(1);
      expect(r.stderr.indexOf("did not resolve")).toBeLessThan(r.stderr.indexOf("open"));
    } finally {
      rmSync(etc, { recursive: true, force: true });
    }
  });

  it("draws a progress bar (hosts, probes, open ports, ETA) when stderr is a terminal", () => {
    const dir = tmp();
    const line = [...CLI, "scan", "198.18.32.11", "-p", "1-2000", "--format", "json", "--out", dir].map((a) => `'${a}'`).join(" ");
    // script(1) gives the command a pseudo-terminal, as a user's shell would.
    const r = spawnSync("ip", ["netns", "exec", lab.scanner, "script", "-qec", line, "/dev/null"], { cwd: root, encoding: "utf8", timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/scan .*\d+% \| hosts 0\/1 \| probes \d+\/2000 \| open \d \| ETA /);
    expect(r.stdout).toMatch(/100% \| hosts 1\/1 \| probes 2000\/2000 \| open 1 \|/);
    expect(existsSync(join(dir, "scan.json"))).toBe(true);
  });

  it("runs nmap for --nmap and reads its XML into the same report", () => {
    const dir = tmp();
    const r = cli(["scan", "198.18.32.11", "-p", "22-23", "--nmap", "-sT -sV -n -Pn --version-light", "--format", "json", "--out", dir], lab.scanner);
    expect(r.code).toBe(0);
    const b = bundleOf(join(dir, "scan.json"));
    const hosts = b.datasets.find((d) => d.kind === "scanHosts")!;
    expect((hosts as unknown as { provenance: { analysis: string } }).provenance.analysis).toBe("scan.nmap");
    const ports = b.datasets.find((d) => d.kind === "portScan")!.rows;
    expect(ports.map((p) => `${p.port} ${p.state} ${p.service}`)).toEqual(["22 open ssh", "23 closed telnet"]);
  });

  it("hands nmap a comma list netreport accepts as separate targets", () => {
    const dir = tmp();
    // nmap reads "198.18.32.11,198.18.32.12" as one name it cannot resolve.
    const r = cli(["scan", "198.18.32.11,198.18.32.12", "-p", "22,80", "--nmap", "-sT -n -Pn", "--format", "json", "--out", dir], lab.scanner);
    expect(r.code, r.stderr).toBe(0);
    const ports = bundleOf(join(dir, "scan.json")).datasets.find((d) => d.kind === "portScan")!.rows;
    expect(ports.filter((p) => p.state === "open").map((p) => `${p.address}:${p.port}`)).toEqual(["198.18.32.11:22", "198.18.32.12:80"]);
  });

  it("stops on Ctrl-C, writes the partial result and exits 130", async () => {
    const dir = tmp();
    const child = spawn("ip", ["netns", "exec", lab.scanner, ...CLI, "scan", "198.18.32.12", "198.18.32.11", "-p", "-", "--timeout", "1500", "--format", "json,html", "--out", dir], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 4000));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    expect(stderr).toMatch(/SIGINT: stopping, writing what is done/);
    expect(stderr).toMatch(/netreport: EINTERRUPTED: scan interrupted; the partial result was written/);
    expect(code).toBe(130);
    const b = bundleOf(join(dir, "scan.json"));
    const hosts = b.datasets.find((d) => d.kind === "scanHosts")!;
    expect(hosts.warnings.join("\n")).toMatch(/partial result: the scan was interrupted after \d+ of 131070 probes/);
    expect(readFileSync(join(dir, "scan.html"), "utf8")).toContain("Partial scan");
  });
});
