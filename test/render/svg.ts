/** Test helpers: what a reader sees in an SVG (text content of <text>/<title> elements). */

/** Decodes the XML entities SVG writers use (named, decimal, hex). */
export function decodeXml(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Decoded text of every `<tag …>text</tag>` element, in document order. */
export function elementTexts(svg: string, tag = "text"): string[] {
  const re = new RegExp(`<${tag}\\b[^>]*>([^<]*)</${tag}>`, "g");
  return [...svg.matchAll(re)].map((m) => decodeXml(m[1] ?? ""));
}

/** Number of elements whose opening tag matches `re` (e.g. /<g id="node\d+" class="node">/g). */
export function count(svg: string, re: RegExp): number {
  return svg.match(re)?.length ?? 0;
}
