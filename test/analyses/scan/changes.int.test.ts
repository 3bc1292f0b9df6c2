/**
 * Policy findings and the diff on two real connect scans of namespace hosts (nrs-ch-*), between
 * which one listener was stopped and another started:
 *   h1 198.18.32.11  22 (allowed here by the policy) and 3306 (risky) — 3306 stops before scan 2
 *   h2 198.18.32.12  80 (no allowance: unexpected) — 3389 (risky) starts before scan 2
 * The first scan goes through a saved JSON bundle, as a --baseline file is read.
 * Needs root; skipped visibly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanToDatasets, snapshotOf } from "../../../src/analyses/scan/dataset.js";
import { changesDataset, diffScans } from "../../../src/analyses/scan/diff.js";
import { applyPolicy, parsePolicy } from "../../../src/analyses/scan/policy.js";
import { builtinServices } from "../../../src/analyses/scan/ports/services.js";
import { makeBundle, parseBundle, toJson } from "../../../src/dataset/json.js";
import type { ScanResult } from "../../../src/analyses/scan/types.js";
import { canNetns, createLab, type Lab } from "./helpers/netns.js";
import { connectScanInNs } from "./helpers/run-in-ns.js";

if (!canNetns) console.warn("changes.int.test: not root or no `ip netns`: skipping the two-scan diff and policy test");

const POLICY = `risky:
  - ports: 3306
    severity: medium
    title: Database exposed
  - ports: 3389
    severity: high
    title: Remote desktop exposed
allow:
  - hosts: 198.18.32.11
    ports: 22
    why: bastion
unexpected:
  severity: low
`;
const PORTS = "21-23,80,3306,3389";

const brief = (c: { address: string; port: number | null; change: string; before: string | null; after: string | null }) =>
  `${c.address}${c.port === null ? "" : `:${c.port}`} ${c.change} ${c.before ?? "-"} → ${c.after ?? "-"}`;

describe.skipIf(!canNetns)("policy and diff on two real scans", () => {
  let lab: Lab;
  let first: ScanResult;
  let second: ScanResult;
  beforeAll(async () => {
    lab = await createLab("ch", 2);
    const [h1, h2] = lab.hosts as [Lab["hosts"][0], Lab["hosts"][0]];
    await lab.listen(h1.ns, [22]);
    const mysql = await lab.listen(h1.ns, [3306]);
    await lab.listen(h2.ns, [80]);
    first = connectScanInNs(lab, "198.18.32.11-12", PORTS);
    await lab.stop(mysql);
    await lab.listen(h2.ns, [3389]);
    second = connectScanInNs(lab, "198.18.32.11-12", PORTS);
  });
  afterAll(async () => {
    await lab?.close();
  });

  it("reports the port that closed and the one that opened, against a saved baseline", () => {
    const a = scanToDatasets(first);
    const saved = toJson(makeBundle([a.hosts, a.ports]));
    const baseline = snapshotOf(parseBundle(saved, "baseline.json").datasets, "baseline.json");
    const b = scanToDatasets(second);
    const now = snapshotOf([b.hosts, b.ports]);
    const changes = diffScans(baseline, now);
    expect(changes.map(brief)).toEqual(["198.18.32.11:3306 port-closed open → closed", "198.18.32.12:3389 port-opened closed → open"]);
    const ds = changesDataset(changes, "baseline.json", baseline, now);
    expect(ds.kind).toBe("scanChanges");
    expect(ds.provenance.parameters).toMatchObject({ baseline: "baseline.json", scanFinishedAt: second.finishedAt });
    // Nothing changed between a scan and itself.
    expect(diffScans(now, snapshotOf([b.hosts, b.ports]))).toEqual([]);
  });

  it("turns each scan's violations into findings, honouring the bastion allowance", () => {
    const policy = parsePolicy(POLICY, "exposure.yaml", builtinServices());
    const findingsOf = (r: ScanResult) => {
      const d = scanToDatasets(r);
      return applyPolicy(policy, snapshotOf([d.hosts, d.ports]), builtinServices()).map((f) => `${f.severity} ${f.title} [${f.evidence[0]!.addresses!.join(" ")}]`);
    };
    expect(findingsOf(first)).toEqual([
      "medium Database exposed: 3306/tcp (mysql) open on 1 host [198.18.32.11]",
      "low Port 80/tcp (http) open on 1 host without an allowance [198.18.32.12]",
    ]);
    expect(findingsOf(second)).toEqual([
      "high Remote desktop exposed: 3389/tcp (ms-wbt-server) open on 1 host [198.18.32.12]",
      "low Port 80/tcp (http) open on 1 host without an allowance [198.18.32.12]",
    ]);
  });
});
