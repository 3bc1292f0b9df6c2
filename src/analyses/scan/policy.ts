/**
 * Exposure policy: which open ports are risky, where they are allowed, and what to say about
 * the rest. A YAML file, validated with zod; every error names the file, line and column
 * (from the yaml package's node ranges).
 *
 *   risky:                       # open ports that are findings unless allowed
 *     - ports: 23,21             # a port spec (or a number, or a list)
 *       severity: high
 *       title: Cleartext login   # optional
 *       why: credentials cross the network in clear text   # optional
 *   allow:                       # allowances: these hosts may expose these ports
 *     - hosts: [198.18.32.11, bastion.example, 198.18.40.0/24]
 *       ports: 22
 *       why: bastion hosts
 *   unexpected:                  # optional: any other open port not allowed
 *     severity: low
 *
 * Applying it: every open port of every host is allowed (no finding), risky (the first
 * matching rule's severity) or unexpected; findings are grouped per rule and port, with the
 * hosts as evidence, so one port open on 500 hosts is one finding, not 500.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { z } from "zod";
import { isNetreportError, NetreportError } from "../../errors.js";
import { sortFindings, type Finding, type Severity } from "../../dataset/finding.js";
import { parsePorts } from "./ports/spec.js";
import type { ServicesTable } from "./ports/services.js";
import { parseTargets } from "./targets/parse.js";
import { specMatcher } from "./targets/expand.js";
import type { ScanSnapshot } from "./dataset.js";

const severity = z.enum(["info", "low", "medium", "high", "critical"]);
const portList = z.union([z.number().int(), z.string(), z.array(z.union([z.number().int(), z.string()]))]);
const hostList = z.union([z.string(), z.array(z.string())]);

const policySchema = z
  .object({
    risky: z.array(z.object({ ports: portList, severity, title: z.string().optional(), why: z.string().optional() }).strict()).default([]),
    allow: z.array(z.object({ hosts: hostList, ports: portList, why: z.string().optional() }).strict()).default([]),
    unexpected: z.object({ severity }).strict().optional(),
  })
  .strict();

/** A rule of the policy, ports resolved. */
export interface RiskyRule {
  ports: Set<number>;
  severity: Severity;
  title: string | null;
  why: string | null;
  /** Where the rule was written (`file:line`). */
  where: string;
}

/** An allowance, hosts as matchers. */
export interface Allowance {
  matches: (address: string, hostname: string | null) => boolean;
  hosts: string[];
  ports: Set<number>;
  why: string | null;
  where: string;
}

/** A loaded, validated policy. */
export interface Policy {
  source: string;
  risky: RiskyRule[];
  allow: Allowance[];
  unexpected: { severity: Severity } | null;
}

/**
 * Parses and validates a policy file's text.
 * @param source names the file in errors.
 * @throws NetreportError EPOLICY with `file:line:column` for YAML, schema, port or host errors.
 */
export function parsePolicy(text: string, source = "policy.yaml", services?: ServicesTable): Policy {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return source;
    const p = lc.linePos(offset);
    return `${source}:${p.line}:${p.col}`;
  };
  const nodeAt = (path: readonly PropertyKey[]): Node | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : (doc.getIn(path.slice(0, n) as unknown[], true) as Node | undefined);
      if (node && typeof node === "object" && "range" in node && node.range) return node;
    }
    return undefined;
  };
  const fail = (path: readonly PropertyKey[], message: string, cause?: unknown): never => {
    throw new NetreportError("EPOLICY", `${path.length ? path.join(".") + ": " : ""}${message}`, {
      where: at(nodeAt(path)?.range?.[0]),
      hint: "see the policy format in `netreport scan --help`",
      ...(cause ? { cause } : {}),
    });
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new NetreportError("EPOLICY", `not valid YAML: ${e.message.split("\n")[0]}`, { where: at(e.pos[0]) });
  }
  if (doc.contents !== null && !isMap(doc.contents) && !isSeq(doc.contents)) fail([], "the policy must be a mapping with risky/allow/unexpected");
  const parsed = policySchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === "unrecognized_keys" ? (issue as { keys: string[] }).keys : [];
    fail([...issue.path, ...keys.slice(0, 1)], keys.length ? `unknown key "${keys[0]}" (known: risky, allow, unexpected; ports, severity, title, why, hosts)` : issue.message);
  }
  const data = parsed.data!;
  const ports = (v: z.infer<typeof portList>, path: PropertyKey[]) => {
    const spec = Array.isArray(v) ? v.join(",") : String(v);
    try {
      return new Set(parsePorts(spec, services));
    } catch (e) {
      return fail(path, isNetreportError(e) ? e.message : String(e), e);
    }
  };
  return {
    source,
    risky: data.risky.map((r, i) => ({
      ports: ports(r.ports, ["risky", i, "ports"]),
      severity: r.severity,
      title: r.title ?? null,
      why: r.why ?? null,
      where: at(nodeAt(["risky", i])?.range?.[0]),
    })),
    allow: data.allow.map((a, i) => {
      const hosts = Array.isArray(a.hosts) ? a.hosts : [a.hosts];
      let matchers: Array<(address: string, hostname: string | null) => boolean>;
      try {
        matchers = parseTargets(hosts).map(specMatcher);
      } catch (e) {
        return fail(["allow", i, "hosts"], isNetreportError(e) ? e.message : String(e), e);
      }
      return {
        matches: (address: string, hostname: string | null) => matchers.some((m) => m(address, hostname)),
        hosts,
        ports: ports(a.ports, ["allow", i, "ports"]),
        why: a.why ?? null,
        where: at(nodeAt(["allow", i])?.range?.[0]),
      };
    }),
    unexpected: data.unexpected ?? null,
  };
}

/**
 * Applies a policy to a scan: a finding per (rule, port) with the hosts that break it.
 * Rule ids: `scan.policy.risky-port`, `scan.policy.unexpected-port`.
 */
export function applyPolicy(policy: Policy, scan: ScanSnapshot, services?: ServicesTable): Finding[] {
  const groups = new Map<string, { rule: RiskyRule | null; port: number; protocol: string; hosts: Array<{ address: string; hostname: string | null; service: string | null }> }>();
  for (const [address, h] of scan.hosts) {
    for (const p of h.ports.values()) {
      if (p.state !== "open" || p.protocol !== "tcp") continue;
      if (policy.allow.some((a) => a.ports.has(p.port) && a.matches(address, h.row.hostname))) continue;
      const rule = policy.risky.find((r) => r.ports.has(p.port)) ?? null;
      if (!rule && !policy.unexpected) continue;
      const key = `${rule ? policy.risky.indexOf(rule) : "u"}:${p.port}/${p.protocol}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { rule, port: p.port, protocol: p.protocol, hosts: [] }));
      g.hosts.push({ address, hostname: h.row.hostname, service: p.service });
    }
  }
  const findings: Finding[] = [];
  for (const g of groups.values()) {
    const name = g.hosts.find((h) => h.service)?.service ?? services?.name(g.port) ?? null;
    const portText = `${g.port}/${g.protocol}${name ? ` (${name})` : ""}`;
    const n = g.hosts.length;
    const on = `${n} host${n === 1 ? "" : "s"}`;
    const sev = g.rule ? g.rule.severity : policy.unexpected!.severity;
    findings.push({
      rule: g.rule ? "scan.policy.risky-port" : "scan.policy.unexpected-port",
      severity: sev,
      title: g.rule ? `${g.rule.title ?? "Risky port"}: ${portText} open on ${on}` : `Port ${portText} open on ${on} without an allowance`,
      summary: g.rule
        ? `The policy marks ${portText} as risky (${g.rule.where})${g.rule.why ? `: ${g.rule.why}` : ""}. It is open on ${on} that no allowance covers.`
        : `${portText} is open on ${on}, and no allowance of the policy (${policy.source}) covers it.`,
      evidence: [
        {
          description: `Hosts with ${portText} open`,
          addresses: g.hosts.map((h) => h.address),
          ports: [g.port],
          data: Object.fromEntries(g.hosts.filter((h) => h.hostname).slice(0, 20).map((h) => [h.address, h.hostname])),
        },
      ],
      recommendation: g.rule
        ? `Close ${g.port}/${g.protocol} or restrict it by firewall; if a host needs it, add an allowance saying why.`
        : `Confirm the service is intended; then allow it in the policy, or close it.`,
    });
  }
  return sortFindings(findings);
}
