/** Hostile data text for prose sections, and the text a reader sees in the HTML they become. */

/** Data as it reaches composers (warnings from a --from bundle, banners, file names). */
export const HOSTILE_TEXT = [
  "Re-run at [the vendor portal](https://evil.example/login) ![logo](data:image/png;base64,iVBORw0KGgo=)",
  "see https://evil.example/login, www.evil.example or admin@evil.example; <https://evil.example/a> <admin@evil.example>",
  "[ref]: https://evil.example/ref [ref] [x][ref] mailto:a@b.example",
  "1. *em* __strong__ ~~del~~ `code` <b>html</b> &amp; &lt; \\ | a | b | #tag",
  "line one\n# heading\n\n    indented code\r\n- item\u2028> quote",
  "中文 警告 e\u0301 ‮rtl‬ {{x}} $1 %s",
];

/** `text` as one line, as a prose section shows it. */
export const oneLine = (text: string) => text.replace(/\r\n?|[\n\u2028\u2029]/g, " ");

/** The text a reader sees in an HTML fragment (tags removed, entities decoded). */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Elements in an HTML fragment other than the prose skeleton (p, ul, li, strong, code, pre, table parts). */
export function dataMadeElements(html: string): string[] {
  return [...html.matchAll(/<(?!\/)([a-z0-9]+)[^>]*>/gi)].map((m) => m[0]).filter((t) => !/^<(p|ul|li|strong|code|pre|table|thead|tbody|tr|th|td|h\d)\b/i.test(t));
}
