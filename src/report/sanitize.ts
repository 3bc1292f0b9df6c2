/**
 * SVG from Vega and Graphviz, made safe to inline in a report and to rasterise.
 *
 * Both engines escape label text, but Graphviz copies a few DOT attributes into its SVG as they
 * are (renderDot refuses the dangerous ones, see dotSource.ts), and data in reports is hostile.
 * So the SVG is not patched with patterns; it is parsed and written anew:
 *
 *   1. parse as namespace-aware XML (saxes): an SVG that is not well-formed is refused
 *   2. keep the one root `svg` and, below it, only allowlisted SVG elements; any other element
 *      (script, style, foreignObject, meta, HTML, …) is dropped with everything inside it
 *   3. keep only allowlisted attributes: no `on*`, `href`/`xlink:href` only to a `#fragment` of
 *      the same document, `url(…)` only to `#fragment`s, no CSS escapes, and `style` only with
 *      allowlisted properties
 *   4. drop the XML declaration, DOCTYPE, comments and processing instructions (xml-stylesheet)
 *   5. write it back with every text and attribute value escaped
 *
 * The result reads the same to an XML parser (librsvg, for PNG) and to the HTML parser of the
 * page it is inlined in: element names are SVG names only, so nothing can leave foreign content.
 * The report's Content-Security-Policy and the PDF printer's blocked network are further layers.
 */
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from "saxes";
import { NetreportError } from "../errors.js";
import { escapeHtml } from "./markdown.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const XLINK_NS = "http://www.w3.org/1999/xlink";
const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** SVG elements Vega and Graphviz draw with. `svg` is allowed only as the root. */
const ELEMENTS = new Set([
  "a", "circle", "clipPath", "defs", "desc", "ellipse", "g", "line", "linearGradient", "path",
  "polygon", "polyline", "radialGradient", "rect", "stop", "text", "title", "tspan",
]);

/** CSS properties allowed as presentation attributes and in `style`. */
const CSS_PROPERTIES = new Set([
  "alignment-baseline", "baseline-shift", "clip-path", "clip-rule", "color", "display",
  "dominant-baseline", "fill", "fill-opacity", "fill-rule", "font-family", "font-size",
  "font-stretch", "font-style", "font-variant", "font-weight", "letter-spacing", "mix-blend-mode",
  "opacity", "pointer-events", "shape-rendering", "stop-color", "stop-opacity", "stroke",
  "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
  "stroke-opacity", "stroke-width", "text-anchor", "text-decoration", "text-rendering",
  "visibility", "white-space", "word-spacing",
]);

/** Geometry and structure attributes (no namespace); their values are checked like CSS values. */
const GEOMETRY = new Set([
  "clipPathUnits", "cx", "cy", "d", "dx", "dy", "fx", "fy", "gradientTransform", "gradientUnits",
  "height", "lengthAdjust", "offset", "points", "preserveAspectRatio", "r", "rotate", "rx", "ry",
  "textLength", "transform", "version", "viewBox", "width", "x", "x1", "x2", "y", "y1", "y2",
]);

/** Attributes whose value is plain text for people or for selectors, never CSS or a URL. */
const TEXT = new Set(["aria-hidden", "aria-label", "aria-roledescription", "class", "id", "role"]);

/**
 * A CSS value that can fetch nothing: `url(…)` only to a fragment, no escapes (which could spell
 * `url` or a quote), no comments.
 */
function safeCssValue(v: string): boolean {
  if (v.includes("\\") || v.includes("/*")) return false;
  for (const m of v.matchAll(/url\s*\(\s*(['"]?)/gi)) {
    if (v[(m.index ?? 0) + m[0].length] !== "#") return false;
  }
  return true;
}

/** The allowlisted declarations of a `style` value, or null when none is left. */
function safeStyle(v: string): string | null {
  const kept = v
    .split(";")
    .map((d) => d.trim())
    .filter((d) => {
      const colon = d.indexOf(":");
      return colon > 0 && CSS_PROPERTIES.has(d.slice(0, colon).trim().toLowerCase()) && safeCssValue(d.slice(colon + 1));
    });
  return kept.length ? kept.join(";") : null;
}

/** The attribute as written in the output (`name="value"`), or null when it is dropped. */
function attribute(a: SaxesAttributeNS): string | null {
  if (a.uri === XLINK_NS || (a.uri === "" && a.local === "href")) {
    const name = a.uri === XLINK_NS ? `xlink:${a.local}` : "href";
    if (a.local === "title") return `${name}="${escapeHtml(a.value)}"`;
    // Links only within the document (gradients, clip paths); a chart links nowhere else.
    return a.local === "href" && /^#[^\s]*$/.test(a.value) ? `${name}="${escapeHtml(a.value)}"` : null;
  }
  if (a.uri === XML_NS) return a.local === "space" ? `xml:space="${escapeHtml(a.value)}"` : null;
  if (a.uri !== "") return null;
  if (TEXT.has(a.local)) return `${a.local}="${escapeHtml(a.value)}"`;
  if (a.local === "style") {
    const style = safeStyle(a.value);
    return style === null ? null : `style="${escapeHtml(style)}"`;
  }
  if ((GEOMETRY.has(a.local) || CSS_PROPERTIES.has(a.local)) && safeCssValue(a.value)) return `${a.local}="${escapeHtml(a.value)}"`;
  return null;
}

function refuse(message: string, where: string): NetreportError {
  return new NetreportError("EIMAGE", `SVG refused: ${message}`, {
    where,
    hint: "an SVG in a report must be well-formed XML with an <svg> root, as Vega and Graphviz write it",
  });
}

/**
 * Parses `svg`, keeps only allowlisted SVG elements and attributes, and writes it back (see the
 * module comment). Throws NetreportError `EIMAGE` when `svg` is not well-formed XML or its root
 * is not an SVG `svg` element.
 */
export function sanitizeSvg(svg: string): string {
  const parser = new SaxesParser({ xmlns: true });
  // XML defines five named entities; Graphviz passes HTML ones (&nbsp;) through in URLs and ids.
  // Looked up as own properties only, so `&constructor;` is not Object's constructor.
  const xmlEntities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  parser.ENTITIES = new Proxy(xmlEntities, { get: (t, k) => (typeof k === "string" && Object.hasOwn(t, k) ? t[k] : "\uFFFD") });
  const out: string[] = [];
  // Depth inside a dropped element (0: not in one), and whether the root was seen.
  let dropped = 0;
  let depth = 0;
  let rootSeen = false;
  const at = () => `line ${parser.line}, column ${parser.column}`;
  parser.on("error", (e) => {
    throw refuse(e.message.replace(/^\d+:\d+: /, ""), at());
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    depth++;
    if (dropped) {
      dropped++;
      return;
    }
    const isRoot = depth === 1;
    if (isRoot) {
      rootSeen = true;
      if (tag.uri !== SVG_NS || tag.local !== "svg") throw refuse(`the root element is <${tag.name}>, not an SVG <svg>`, at());
    } else if (tag.uri !== SVG_NS || !ELEMENTS.has(tag.local)) {
      if (!tag.isSelfClosing) dropped = 1;
      return;
    }
    const attrs = Object.values(tag.attributes)
      .map(attribute)
      .filter((a): a is string => a !== null);
    if (isRoot) attrs.unshift(`xmlns="${SVG_NS}"`, `xmlns:xlink="${XLINK_NS}"`);
    out.push(`<${tag.local}${attrs.map((a) => ` ${a}`).join("")}${tag.isSelfClosing ? "/>" : ">"}`);
  });
  parser.on("closetag", (tag: SaxesTagNS) => {
    depth--;
    if (dropped) {
      dropped--;
      return;
    }
    // A dropped self-closing element never set `dropped`, and it has nothing to close.
    if (!tag.isSelfClosing && (depth === 0 || (tag.uri === SVG_NS && ELEMENTS.has(tag.local)))) out.push(`</${tag.local}>`);
  });
  const text = (t: string) => {
    if (depth > 0 && !dropped) out.push(escapeHtml(t));
  };
  parser.on("text", text);
  parser.on("cdata", text);
  parser.write(svg).close();
  if (!rootSeen) throw refuse("no <svg> element", `SVG of ${svg.length} chars`);
  return out.join("");
}
