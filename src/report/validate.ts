/**
 * Validation of a saved report description (`netreport render report.json`): every problem is
 * reported with its JSON path, and embedded datasets go through the dataset reader (and its
 * schema upgrades).
 */
import { z } from "zod";
import { NetreportError } from "../errors.js";
import { checkDataset, parseJson } from "../dataset/json.js";
import { isColumnType } from "../dataset/types.js";
import { isSeverity } from "../dataset/finding.js";
import { canonicalLang } from "./i18n.js";
import type { Report } from "./types.js";

const datasetLike = z.looseObject({ format: z.string() });
const evidence = z.looseObject({
  description: z.string(),
  packets: z.array(z.number()).optional(),
  timestamps: z.array(z.string()).optional(),
  addresses: z.array(z.string()).optional(),
  ports: z.array(z.number()).optional(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
const finding = z.looseObject({
  rule: z.string(),
  severity: z.string().refine(isSeverity, "severity must be critical, high, medium, low or info"),
  title: z.string(),
  summary: z.string(),
  evidence: z.array(evidence),
  recommendation: z.string().optional(),
});
const base = { title: z.string().optional(), id: z.string().regex(/^[A-Za-z][\w-]*$/).optional(), pageBreakBefore: z.boolean().optional() };
const section = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("prose"), markdown: z.string(), ...base }),
  z.object({
    kind: z.literal("figures"),
    figures: z.array(
      z.object({
        label: z.string(),
        value: z.union([z.number(), z.string(), z.null()]),
        type: z.string().refine(isColumnType, "unknown column type").optional(),
        unit: z.string().optional(),
        tone: z.enum(["good", "neutral", "warn", "bad"]).optional(),
        note: z.string().optional(),
      }),
    ),
    ...base,
  }),
  z.object({ kind: z.literal("table"), dataset: datasetLike, columns: z.array(z.string()).optional(), limit: z.number().int().positive().optional(), caption: z.string().optional(), ...base }),
  z.object({ kind: z.literal("chart"), spec: z.record(z.string(), z.unknown()), dataset: datasetLike.optional(), caption: z.string().optional(), ...base }),
  z.object({ kind: z.literal("graph"), dot: z.string(), engine: z.enum(["dot", "neato", "fdp", "sfdp", "circo", "twopi"]).optional(), caption: z.string().optional(), ...base }),
  z.object({ kind: z.literal("findings"), findings: z.array(finding), emptyText: z.string().optional(), ...base }),
]);
const report = z.object({
  format: z.literal("netreport.report").optional(),
  formatVersion: z.number().int().max(1, "written by a newer netreport").optional(),
  title: z.string().min(1),
  subtitle: z.string().optional(),
  scope: z.string().optional(),
  author: z.string().optional(),
  generatedAt: z.iso.datetime({ offset: true }).optional(),
  lang: z.string().optional(),
  timeZone: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  sections: z.array(section),
  datasets: z.array(datasetLike).optional(),
  findings: z.array(finding).optional(),
  attributions: z.array(z.string()).optional(),
});

/** Checks a parsed value is a report; datasets inside are checked and upgraded. */
export function checkReport(value: unknown, where = "report"): Report {
  const r = report.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
    throw new NetreportError("EREPORT_SPEC", `${issue.message} at ${path || "top level"}${r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problems)` : ""}`, {
      where,
    });
  }
  const out = r.data as unknown as Report;
  if (out.lang !== undefined) out.lang = canonicalLang(out.lang, where);
  if (out.timeZone) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: out.timeZone });
    } catch {
      throw new NetreportError("EREPORT_SPEC", `unknown time zone "${out.timeZone}" at .timeZone`, { where });
    }
  }
  out.sections.forEach((s, i) => {
    if (s.kind === "table") s.dataset = checkDataset(s.dataset, `${where} .sections[${i}].dataset`);
    if (s.kind === "chart" && s.dataset) s.dataset = checkDataset(s.dataset, `${where} .sections[${i}].dataset`);
  });
  out.datasets = out.datasets?.map((d, i) => checkDataset(d, `${where} .datasets[${i}]`));
  return out;
}

/** Parses and checks a report description from JSON text. */
export function parseReport(text: string, where = "report"): Report {
  return checkReport(parseJson(text, where), where);
}
