/**
 * A data-driven DOT builder: graphs as plain data → DOT source in which no id or value can
 * change the graph's structure.
 *
 * Names in captures and scans are hostile (`"];x->y`, `\N`, `<script>`), so:
 * - every id and attribute value is a double-quoted DOT string with `\` → `\\`, `"` → `\"`,
 *   line breaks → `\n` (a centred line break in labels) and other control characters dropped;
 * - label-like values (label, xlabel, headlabel, taillabel, tooltips) also get `&` → `&amp;`,
 *   because Graphviz passes entities such as `&lt;` through to SVG unescaped; with it, the text
 *   a reader sees is exactly the text given, and escString sequences (`\N`, `\G`, `\l`, `\r`)
 *   arrive as literal backslashes; link values (URL, href, …) get the same `&` escaping;
 * - nodes of `record`/`Mrecord` shape get `{ } | < >` backslash-escaped in their label;
 * - nodes without a label get their id as an explicit, escaped label (Graphviz's default `\N`
 *   would interpret escapes in the id), also nodes that appear only as edge ends;
 * - attribute names must match `/^[A-Za-z_][A-Za-z0-9_]*$/`; link attributes (URL, href, …)
 *   must be http(s), mailto, a fragment or a relative path.
 * HTML-like labels (`<…>`) are not produced: every value is a plain quoted string.
 */
import { NetreportError } from "../errors.js";

/** Graphviz attributes; `undefined` values are left out, booleans and numbers become strings. */
export type DotAttrs = Record<string, string | number | boolean | undefined>;

/** A node; `id` is any text (it is escaped). */
export interface DotNode {
  id: string;
  attrs?: DotAttrs;
}

/** An edge between two node ids (`->` in directed graphs, `--` otherwise). */
export interface DotEdge {
  from: string;
  to: string;
  attrs?: DotAttrs;
}

/** A cluster (drawn as a box around its nodes); emitted as `subgraph "cluster_<id>"`. */
export interface DotCluster {
  id: string;
  /** Graph attributes of the cluster (`label`, `style`, `color`, …). */
  attrs?: DotAttrs;
  nodes: DotNode[];
  clusters?: DotCluster[];
}

/** A whole graph. */
export interface DotGraph {
  directed: boolean;
  name?: string;
  /** Default attributes: `graph [...]`, `node [...]`, `edge [...]`. */
  attrs?: { graph?: DotAttrs; node?: DotAttrs; edge?: DotAttrs };
  nodes: DotNode[];
  edges: DotEdge[];
  clusters?: DotCluster[];
}

const ATTR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TEXT_ATTRS = new Set([
  "label",
  "xlabel",
  "headlabel",
  "taillabel",
  "tooltip",
  "edgetooltip",
  "headtooltip",
  "tailtooltip",
  "labeltooltip",
]);
const LINK_ATTRS = new Set(["url", "href", "edgeurl", "edgehref", "headurl", "headhref", "tailurl", "tailhref", "labelurl", "labelhref"]);
const SAFE_LINK = /^(https?:|mailto:|#|[^:]*$)/i;
const RECORD_SHAPES = new Set(["record", "Mrecord"]);
// C0 controls except tab, \n and \r (turned into \n), DEL, and non-characters XML cannot carry.
// eslint-disable-next-line no-control-regex
const DROP = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;

/** Quotes `s` as a DOT string: `\` → `\\`, `"` → `\"`, line breaks → `\n`, controls dropped. */
export function dotString(s: string): string {
  const body = s
    .replace(DROP, "")
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, "\\n");
  return `"${body}"`;
}

function attrValue(name: string, value: string | number | boolean, where: string, record: boolean): string {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new NetreportError("EGRAPH", `attribute ${name} is ${value}, not a finite number`, { where });
  }
  const s = String(value);
  const lower = name.toLowerCase();
  if (LINK_ATTRS.has(lower) && !SAFE_LINK.test(s.trim())) {
    throw new NetreportError("EGRAPH", `attribute ${name} has a link scheme that is not allowed: ${JSON.stringify(s.slice(0, 80))}`, {
      where,
      hint: "use http(s):, mailto:, a #fragment or a relative path",
    });
  }
  // Links get `&` escaped too: Graphviz passes entities through, so `javascript&#58;…` would
  // otherwise decode to a scheme in the SVG attribute.
  if (TEXT_ATTRS.has(lower) || LINK_ATTRS.has(lower)) return dotLabel(s, record && lower === "label");
  return dotString(s);
}

/**
 * Quotes label text so Graphviz shows exactly `s`: like {@link dotString}, plus `&` → `&amp;`
 * and, for record shapes (`record = true`), `{ } | < >` backslash-escaped.
 */
export function dotLabel(s: string, record = false): string {
  const amp = s.replace(/&/g, "&amp;");
  if (!record) return dotString(amp);
  // Escape backslashes first (dotString would double the ones we add), then the record syntax.
  const body = amp
    .replace(DROP, "")
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/[{}|<>]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, "\\n");
  return `"${body}"`;
}

/** `[a="1", b="x"]`, or "" when no attribute is set. Throws EGRAPH on a bad attribute name. */
function attrList(attrs: DotAttrs | undefined, where: string, record = false): string {
  if (!attrs) return "";
  const parts: string[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (!ATTR_NAME.test(name)) {
      throw new NetreportError("EGRAPH", `invalid DOT attribute name ${JSON.stringify(name)}`, {
        where,
        hint: "attribute names are letters, digits and _ and do not start with a digit",
      });
    }
    parts.push(`${name}=${attrValue(name, value, where, record)}`);
  }
  return parts.length ? ` [${parts.join(", ")}]` : "";
}

/** Builds DOT source for `graph` (see the module comment for the escaping rules). */
export function toDot(graph: DotGraph): string {
  const defaults = graph.attrs ?? {};
  const defaultShape = defaults.node?.shape;
  const hasDefaultLabel = defaults.node?.label !== undefined;
  const declared = new Set<string>();
  const out: string[] = [];
  const edgeOp = graph.directed ? "->" : "--";

  const nodeLine = (n: DotNode, indent: string): string => {
    declared.add(n.id);
    const shape = n.attrs?.shape ?? defaultShape;
    const record = typeof shape === "string" && RECORD_SHAPES.has(shape);
    const attrs: DotAttrs = { ...n.attrs };
    if (attrs.label === undefined && !hasDefaultLabel) attrs.label = n.id;
    return `${indent}${dotString(n.id)}${attrList(attrs, `node ${JSON.stringify(n.id)}`, record)};`;
  };

  const cluster = (c: DotCluster, indent: string): void => {
    out.push(`${indent}subgraph ${dotString(`cluster_${c.id}`)} {`);
    const a = attrList(c.attrs, `cluster ${JSON.stringify(c.id)}`);
    if (a) out.push(`${indent}  graph${a};`);
    for (const sub of c.clusters ?? []) cluster(sub, `${indent}  `);
    for (const n of c.nodes) out.push(nodeLine(n, `${indent}  `));
    out.push(`${indent}}`);
  };

  out.push(`${graph.directed ? "digraph" : "graph"} ${dotString(graph.name ?? "G")} {`);
  for (const kind of ["graph", "node", "edge"] as const) {
    const a = attrList(defaults[kind], `${kind} defaults`);
    if (a) out.push(`  ${kind}${a};`);
  }
  for (const c of graph.clusters ?? []) cluster(c, "  ");
  for (const n of graph.nodes) out.push(nodeLine(n, "  "));
  // Edge ends that were never declared would get Graphviz's default label `\N`, which
  // interprets escapes in the id: declare them with an escaped label first.
  for (const e of graph.edges) {
    for (const id of [e.from, e.to]) if (!declared.has(id)) out.push(nodeLine({ id }, "  "));
  }
  graph.edges.forEach((e, i) => {
    out.push(`  ${dotString(e.from)} ${edgeOp} ${dotString(e.to)}${attrList(e.attrs, `edge ${i} (${JSON.stringify(e.from)} ${edgeOp} ${JSON.stringify(e.to)})`)};`);
  });
  out.push("}");
  return `${out.join("\n")}\n`;
}
