/**
 * A small, safe XML reader for nmap's `-oX` output, written here rather than taken from npm
 * because nmap XML needs only elements, attributes, text, comments, processing instructions
 * and CDATA, and because safety is easiest to show when the whole reader is in view:
 *
 * - no DTD processing at all: a DOCTYPE with an internal subset (`[...]`, where entities are
 *   declared) or an external identifier (SYSTEM/PUBLIC) is refused, so no external entity is
 *   ever fetched (XXE) and no entity can expand (billion laughs);
 * - only the five predefined entities and character references are decoded; any other `&name;`
 *   is an error naming its line and column;
 * - characters XML forbids (C0 controls but tab, LF and CR, `&#0;`, lone surrogates, U+FFFE/F)
 *   and DEL and C1 controls, which terminals act on, become U+FFFD whether referenced (`&#27;`)
 *   or written raw: nmap itself writes `&#NN;` for control bytes in what it read from the
 *   network, so refusing them would lose real files, and keeping them would let a hostile file
 *   reach the terminal through a hostname or a warning;
 * - attributes are stored in null-prototype objects (a hostile `__proto__="x"` is just a key);
 * - nesting is limited (default 256 levels).
 *
 * Errors are `ENMAP` with `where: "<file>:<line>:<column>"`.
 */
import { NetreportError } from "../../../errors.js";

/** One element: name, attributes, child elements, concatenated text, 1-based source line. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTR = /\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/** Not text: see the top comment. With the `u` flag a surrogate pair (an emoji) is one character, only lone halves match. */
const NOT_TEXT = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]/gu;
const REPLACEMENT = "\ufffd";
const clean = (s: string): string => s.replace(NOT_TEXT, REPLACEMENT);

/** Options of {@link parseXml}. */
export interface XmlOptions {
  /** Deepest nesting accepted. Default 256. */
  maxDepth?: number;
}

/**
 * Parses an XML document to its root element.
 * @param source names the input in errors (a file name).
 * @throws NetreportError ENMAP with file:line:column for malformed or unsafe input.
 */
export function parseXml(text: string, source: string, options: XmlOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? 256;
  const newlines: number[] = [];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) newlines.push(i);
  const lineAt = (pos: number): number => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const fail = (pos: number, why: string): never => {
    const line = lineAt(pos);
    const col = pos - (line > 1 ? newlines[line - 2]! : -1);
    throw new NetreportError("ENMAP", `${why}`, { where: `${source}:${line}:${col}`, hint: "the file must be XML written by nmap -oX" });
  };
  const decode = (s: string, at: number): string =>
    clean(
      s.includes("&")
        ? s.replace(/&([^;&\s]{0,32});?/g, (whole, ref: string, off: number) => {
            if (!whole.endsWith(";")) fail(at + off, `bare "&" (write &amp;)`);
            if (ref.startsWith("#x") || ref.startsWith("#X")) {
              const cp = parseInt(ref.slice(2), 16);
              if (/^#[xX][0-9A-Fa-f]{1,6}$/.test(ref) && cp <= 0x10ffff) return clean(String.fromCodePoint(cp));
            } else if (ref.startsWith("#")) {
              const cp = Number(ref.slice(1));
              if (/^#\d{1,7}$/.test(ref) && cp <= 0x10ffff) return clean(String.fromCodePoint(cp));
            } else if (Object.hasOwn(PREDEFINED, ref)) return PREDEFINED[ref]!;
            return fail(at + off, `undefined entity &${ref}; (entities other than the five predefined ones are refused)`);
          })
        : s,
    );

  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let pos = 0;
  while (pos < text.length) {
    const lt = text.indexOf("<", pos);
    const textEnd = lt < 0 ? text.length : lt;
    if (textEnd > pos) {
      const chunk = text.slice(pos, textEnd);
      if (stack.length) stack.at(-1)!.text += decode(chunk, pos);
      else if (chunk.trim() !== "") fail(pos + chunk.search(/\S/), "text outside the root element");
    }
    if (lt < 0) break;
    pos = lt;
    if (text.startsWith("<!--", pos)) {
      const end = text.indexOf("-->", pos + 4);
      if (end < 0) fail(pos, "comment is not closed");
      pos = end + 3;
    } else if (text.startsWith("<?", pos)) {
      const end = text.indexOf("?>", pos + 2);
      if (end < 0) fail(pos, "processing instruction is not closed");
      pos = end + 2;
    } else if (text.startsWith("<![CDATA[", pos)) {
      const end = text.indexOf("]]>", pos + 9);
      if (end < 0) fail(pos, "CDATA section is not closed");
      if (!stack.length) fail(pos, "CDATA outside the root element");
      stack.at(-1)!.text += clean(text.slice(pos + 9, end));
      pos = end + 3;
    } else if (text.startsWith("<!DOCTYPE", pos)) {
      // 1. DOCTYPE: only `<!DOCTYPE name>` is accepted; no DTD is ever read.
      const m = /^<!DOCTYPE\s+[A-Za-z_:][-A-Za-z0-9_:.]*\s*>/.exec(text.slice(pos, pos + 200));
      if (!m) fail(pos, "DOCTYPE with an internal subset or external identifier refused (it could declare or fetch entities: XXE)");
      if (root || stack.length) fail(pos, "DOCTYPE after the root element");
      pos += m![0].length;
    } else if (text.startsWith("<!", pos)) {
      fail(pos, "markup declarations are not accepted");
    } else if (text[pos + 1] === "/") {
      // 2. End tag.
      NAME.lastIndex = pos + 2;
      const m = NAME.exec(text);
      const open = stack.pop();
      if (!m || !open) fail(pos, "end tag without a start tag");
      if (m![0] !== open!.name) fail(pos, `</${m![0]}> closes <${open!.name}> of line ${open!.line}`);
      const gt = text.indexOf(">", NAME.lastIndex);
      if (gt < 0 || text.slice(NAME.lastIndex, gt).trim() !== "") fail(pos, "malformed end tag");
      pos = gt + 1;
    } else {
      // 3. Start tag with attributes.
      NAME.lastIndex = pos + 1;
      const m = NAME.exec(text);
      if (!m) fail(pos, 'a "<" that starts no tag');
      const el: XmlElement = { name: m![0], attrs: Object.create(null) as Record<string, string>, children: [], text: "", line: lineAt(pos) };
      let p = NAME.lastIndex;
      for (;;) {
        ATTR.lastIndex = p;
        const a = ATTR.exec(text);
        if (!a) break;
        if (Object.hasOwn(el.attrs, a[1]!)) fail(p, `attribute ${a[1]} repeated`);
        el.attrs[a[1]!] = decode(a[2] ?? a[3] ?? "", p);
        p = ATTR.lastIndex;
      }
      while (p < text.length && /\s/.test(text[p]!)) p++;
      const selfClosing = text.startsWith("/>", p);
      if (!selfClosing && text[p] !== ">") fail(p, `malformed attribute or tag <${el.name}>`);
      pos = p + (selfClosing ? 2 : 1);
      if (stack.length) stack.at(-1)!.children.push(el);
      else if (root) fail(lt, "a second root element");
      else root = el;
      if (!selfClosing) {
        if (stack.length >= maxDepth) fail(lt, `nesting deeper than ${maxDepth}`);
        stack.push(el);
      }
    }
  }
  if (stack.length) fail(text.length, `<${stack.at(-1)!.name}> of line ${stack.at(-1)!.line} is not closed (truncated file?)`);
  if (!root) fail(0, "no root element");
  return root!;
}

/** First child element named `name`, or undefined. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** All child elements named `name`. */
export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
