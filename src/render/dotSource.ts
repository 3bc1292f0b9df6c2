/**
 * DOT source as Graphviz's lexer reads it, for the checks renderDot makes before a layout.
 *
 * Graphviz escapes label text in its SVG, but a few attribute values go into the SVG exactly as
 * written: `fontname` and `labelfontname` (into `font-family="…"`), `stylesheet` (into an
 * `<?xml-stylesheet href="…"?>` instruction) and FACE in an HTML-like label's `<FONT>`. A
 * quote or `<` there ends the attribute and writes markup of the DOT author's choosing, so
 * {@link checkRawAttributes} refuses such values. Found by trying every Graphviz attribute on
 * graphs, clusters, nodes and edges with `"<…>&` in its value (Graphviz 16.1, SVG output).
 */
import { NetreportError } from "../errors.js";

/** A DOT token: an ID (unquoted, numeral or quoted, decoded), an HTML string (inside the outer `<>`) or a punctuation mark. */
export interface DotToken {
  kind: "id" | "quoted" | "html" | "punct";
  /** The decoded value (quoted: `\"` → `"`, escaped line breaks removed) or the punctuation. */
  text: string;
  /** Offset of the token's first character in the source. */
  offset: number;
}

// Sticky: each matches at `lastIndex` only.
const SPACE = /\s+/y;
const NAME = /[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*/y;
const NUMERAL = /-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)/y;
const QUOTED_RUN = /[^"\\]+/y;

/** The match of sticky `re` at `i` in `s`, or null. */
function at(re: RegExp, s: string, i: number): string | null {
  re.lastIndex = i;
  return re.exec(s)?.[0] ?? null;
}

/**
 * The tokens of `dot`, lazily. Skips `//`, `#` and block comments. Quoted strings decode as
 * Graphviz does: `\"` is a quote, a backslash before a line break removes both, any other
 * backslash stays (with the character after it).
 */
export function* dotTokens(dot: string): Generator<DotToken> {
  for (let i = 0; i < dot.length; i++) {
    const c = dot[i]!;
    const space = at(SPACE, dot, i);
    if (space) {
      i += space.length - 1;
    } else if (c === "/" && dot[i + 1] === "*") {
      const end = dot.indexOf("*/", i + 2);
      i = end < 0 ? dot.length : end + 1;
    } else if ((c === "/" && dot[i + 1] === "/") || c === "#") {
      const end = dot.indexOf("\n", i);
      i = end < 0 ? dot.length : end;
    } else if (c === '"') {
      const start = i;
      let text = "";
      for (i++; i < dot.length && dot[i] !== '"'; i++) {
        const run = at(QUOTED_RUN, dot, i);
        if (run) {
          text += run;
          i += run.length - 1;
        } else if (i + 1 < dot.length) {
          const next = dot[++i]!;
          text += next === '"' ? '"' : next === "\n" ? "" : `\\${next}`;
        } else text += "\\";
      }
      yield { kind: "quoted", text, offset: start };
    } else if (c === "<") {
      const start = i;
      let depth = 1;
      for (i++; i < dot.length && depth > 0; i++) depth += dot[i] === "<" ? 1 : dot[i] === ">" ? -1 : 0;
      yield { kind: "html", text: dot.slice(start + 1, depth > 0 ? i : i - 1), offset: start };
      i--;
    } else if (c === "-" && (dot[i + 1] === ">" || dot[i + 1] === "-")) {
      yield { kind: "punct", text: dot.slice(i, i + 2), offset: i++ };
    } else {
      const id = at(NUMERAL, dot, i) ?? at(NAME, dot, i);
      yield { kind: id ? "id" : "punct", text: id ?? c, offset: i };
      if (id) i += id.length - 1;
    }
  }
}

/** Attributes whose values Graphviz writes into its SVG unescaped. */
const RAW_SVG_ATTRIBUTES: readonly string[] = ["fontname", "labelfontname", "stylesheet"];

/** What may not appear in a value Graphviz copies raw: XML markup characters and controls. */
const UNSAFE = /["<>&\u0000-\u001f\u007f]/;

function refuse(dot: string, offset: number, what: string, value: string): NetreportError {
  const line = dot.slice(0, offset).split("\n").length;
  return new NetreportError("EGRAPH", `${what} ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} holds characters Graphviz would copy into the SVG unescaped (" < > & or a control character)`, {
    where: `DOT source, line ${line}`,
    hint: 'a font name is plain text such as fontname="DejaVu Sans"; a stylesheet is a file name or URL without quotes, < > or &',
  });
}

const isPlus = (t: DotToken | undefined) => t?.kind === "punct" && t.text === "+";

/**
 * Refuses `dot` when a value that Graphviz copies into its SVG unescaped (see the module
 * comment) holds `"`, `<`, `>`, `&` or a control character. Throws NetreportError `EGRAPH`
 * naming the attribute, the value and the line.
 */
export function checkRawAttributes(dot: string): void {
  const tokens = [...dotTokens(dot)];
  tokens.forEach((t, i) => {
    if (t.kind === "html") {
      // Each <FONT …> tag (quoted values may hold `>`), then its FACE; expat refuses other shapes.
      for (const tag of t.text.matchAll(/<\s*font((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/gi)) {
        for (const m of tag[1]!.matchAll(/(?:^|\s)face\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
          const face = m[1] ?? m[2] ?? "";
          if (UNSAFE.test(face)) throw refuse(dot, t.offset, "<FONT FACE>", face);
        }
      }
    }
    if (t.kind !== "punct" || t.text !== "=") return;
    // Name and value, with `"a" + "b"` concatenations joined as Graphviz joins them.
    let k = i - 1;
    let key = tokens[k]?.kind === "punct" ? "" : (tokens[k]?.text ?? "");
    for (; tokens[k]?.kind === "quoted" && isPlus(tokens[k - 1]) && tokens[k - 2]?.kind === "quoted"; k -= 2) key = tokens[k - 2]!.text + key;
    if (!RAW_SVG_ATTRIBUTES.includes(key)) return;
    let value = tokens[i + 1]?.text ?? "";
    for (let j = i + 2; tokens[j - 1]?.kind === "quoted" && isPlus(tokens[j]) && tokens[j + 1]?.kind === "quoted"; j += 2) value += tokens[j + 1]!.text;
    if (UNSAFE.test(value)) throw refuse(dot, tokens[k]!.offset, key, value);
  });
}
