import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNmapXml } from "../../../src/analyses/scan/nmap/import.js";
import { scanToDatasets, snapshotOf } from "../../../src/analyses/scan/dataset.js";
import { diffScans } from "../../../src/analyses/scan/diff.js";
import { applyPolicy, parsePolicy } from "../../../src/analyses/scan/policy.js";
import { makeBundle, parseBundle, toJson } from "../../../src/dataset/json.js";
import { builtinServices } from "../../../src/analyses/scan/ports/services.js";

const FILES = resolve("../shared/data/nmap/python-libnmap/libnmap/test/files");
/** The snapshot of an nmap XML file (changed by `edit` first), through a saved bundle. */
const snap = (f: string, edit: (xml: string) => string = (xml) => xml) => {
  const ds = scanToDatasets(parseNmapXml(edit(readFileSync(join(FILES, f), "utf8")), f));
  // Through a saved bundle, as a --baseline file would be read.
  return snapshotOf(parseBundle(toJson(makeBundle([ds.hosts, ds.ports])), f).datasets, f);
};
const brief = (c: { address: string; port: number | null; change: string; before: string | null; after: string | null }) =>
  `${c.address}${c.port === null ? "" : `:${c.port}`} ${c.change} ${c.before ?? "-"} → ${c.after ?? "-"}`;

describe("diffScans", () => {
  it("finds opened and closed ports (2_hosts → 2_hosts_achange)", () => {
    expect(diffScans(snap("2_hosts.xml"), snap("2_hosts_achange.xml")).map(brief)).toEqual([
      "127.0.0.1:23 port-opened closed → open",
      "127.0.0.1:25 port-closed open → closed",
      "127.0.0.1:111 port-closed open → closed",
    ]);
  });

  it("reports nothing for a scan compared with itself, or when only a MAC changed", () => {
    expect(diffScans(snap("1_hosts.xml"), snap("1_hosts.xml"))).toEqual([]);
    expect(diffScans(snap("1_host_ping.xml"), snap("diff_1_host_ping_mac_changed.xml"))).toEqual([]);
  });

  it("reports changed services and versions", () => {
    expect(diffScans(snap("1_hosts.xml"), snap("1_hosts_banner.xml")).map(brief)).toEqual([
      "127.0.0.1:22 service-changed ssh → ssh OpenSSH 5.3",
      "127.0.0.1:25 service-changed smtp → smtp Postfix smtpd",
      "127.0.0.1:631 service-changed ipp → ipp CUPS 1.4",
      "127.0.0.1:3306 service-changed mysql → mysql MySQL 5.1.61",
    ]);
  });

  it("reports new and gone hosts", () => {
    const changes = diffScans(snap("1_hosts.xml"), snap("1_hosts_down.xml")).map(brief);
    expect(changes).toEqual(["10.1.1.1 host-new - → up; open: none", "127.0.0.1 host-gone up; open: 22/tcp 25/tcp 111/tcp 631/tcp 3306/tcp → -"]);
  });

  it("does not call a host or port gone or new when the scan missing it did not finish", () => {
    // The same two files with their <runstats> cut off, as an interrupted nmap leaves them.
    const partial = (f: string) => snap(f, (xml) => xml.replace(/<runstats>[\s\S]*<\/runstats>/, ""));
    // A host reached with a port the scan never probed (no <extraports> to count it either).
    const unprobed = snap("1_hosts.xml", (xml) => xml.replace(/<runstats>[\s\S]*<\/runstats>/, "").replace(/<extraports[\s\S]*?<\/extraports>/, "").replace(/<port protocol="tcp" portid="3306">.*<\/port>/, ""));
    expect(diffScans(snap("1_hosts.xml"), unprobed).map(brief)).toEqual(["127.0.0.1:3306 port-not-reached open → not reached: this scan did not finish"]);
    expect(diffScans(unprobed, snap("1_hosts.xml")).map(brief)).toEqual(["127.0.0.1:3306 port-not-in-baseline not reached: the baseline scan did not finish → open"]);
    expect(partial("1_hosts_down.xml").partial).toBe(true);
    expect(snap("1_hosts_down.xml").partial).toBe(false);
    expect(diffScans(snap("1_hosts.xml"), partial("1_hosts_down.xml")).map(brief)).toEqual([
      "10.1.1.1 host-new - → up; open: none",
      "127.0.0.1 host-not-reached up; open: 22/tcp 25/tcp 111/tcp 631/tcp 3306/tcp → not reached: this scan did not finish",
    ]);
    expect(diffScans(partial("1_hosts.xml"), snap("1_hosts_down.xml")).map(brief)).toEqual([
      "10.1.1.1 host-not-in-baseline not reached: the baseline scan did not finish → up; open: none",
      "127.0.0.1 host-gone up; open: 22/tcp 25/tcp 111/tcp 631/tcp 3306/tcp → -",
    ]);
  });
});

const POLICY = `# exposure policy
risky:
  - ports: 23,21
    severity: high
    title: Cleartext login
    why: credentials travel in clear text
  - ports: [3306, "5432"]
    severity: medium
allow:
  - hosts: [127.0.0.1]
    ports: 22
    why: bastion
unexpected:
  severity: low
`;

describe("policy", () => {
  it("turns violations into grouped findings and honours allowances", () => {
    const policy = parsePolicy(POLICY, "p.yaml", builtinServices());
    const findings = applyPolicy(policy, snap("2_hosts.xml"), builtinServices());
    const brief = findings.map((f) => `${f.severity} ${f.title} [${f.evidence[0]!.addresses!.join(" ")}]`);
    expect(brief).toEqual([
      "medium Risky port: 3306/tcp (mysql) open on 1 host [127.0.0.1]",
      "low Port 111/tcp (rpcbind) open on 1 host without an allowance [127.0.0.1]",
      "low Port 22/tcp (ssh) open on 1 host without an allowance [74.207.244.221]",
      "low Port 25/tcp (smtp) open on 1 host without an allowance [127.0.0.1]",
      "low Port 631/tcp (ipp) open on 1 host without an allowance [127.0.0.1]",
      "low Port 80/tcp (http) open on 1 host without an allowance [74.207.244.221]",
      "low Port 9929/tcp (nping-echo) open on 1 host without an allowance [74.207.244.221]",
    ]);
    expect(findings[0]!.summary).toContain("(p.yaml:7:5)");
    const achange = applyPolicy(policy, snap("2_hosts_achange.xml"));
    expect(achange[0]).toMatchObject({ severity: "high", rule: "scan.policy.risky-port", title: "Cleartext login: 23/tcp (telnet) open on 1 host" });
  });

  it("allows by CIDR and by host name", () => {
    const p = parsePolicy("allow:\n  - hosts: 127.0.0.0/8\n    ports: 1-65535\n  - hosts: scanme.nmap.org\n    ports: 22,80,9929\nunexpected: {severity: info}\n");
    expect(applyPolicy(p, snap("2_hosts.xml"))).toEqual([]);
  });

  it("names file, line and column of invalid policies", () => {
    const err = (text: string) => {
      try {
        parsePolicy(text, "p.yaml");
      } catch (e) {
        return `${(e as { where: string }).where} ${(e as Error).message}`;
      }
      return "ok";
    };
    expect(err("risky:\n  - ports: 23\n    severity: urgent\n")).toMatch(/^p.yaml:3:15 risky.0.severity: Invalid option/);
    expect(err("risky:\n  - ports: 23-\n    severity: high\n  - ports: 99999\n    severity: low\n")).toMatch(/^p.yaml:4:12 risky.1.ports: bad port spec "99999"/);
    expect(err("allow:\n  - hosts: [198.18.0.300]\n    ports: 22\n")).toMatch(/^p.yaml:2:12 allow.0.hosts: bad target "198.18.0.300"/);
    expect(err("risky:\n  - ports: 23\n    severity: high\n    colour: red\n")).toMatch(/^p.yaml:4:13 risky.0.colour: unknown key "colour"/);
    expect(err("risky: [\n")).toMatch(/^p.yaml:\d+:\d+ not valid YAML/);
    expect(err("")).toBe("ok");
  });
});
