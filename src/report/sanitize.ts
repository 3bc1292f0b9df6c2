/**
 * Defence in depth for SVG fragments from Vega and Graphviz before they are inlined in a report:
 * both engines already escape label text, but an SVG inlined in HTML could still carry script,
 * event handlers, foreign HTML or external references, so those are removed here. The report's
 * Content-Security-Policy and the PDF printer's blocked network are the further layers.
 */

/** Removes scripts, event handlers, foreignObject, external hrefs and the XML prolog from an SVG. */
export function sanitizeSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*\?>/g, "")
    .replace(/<!DOCTYPE[^>]*>/gi, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<script[\s\S]*?<\/script\s*>/gi, "")
    .replace(/<script[^>]*\/>/gi, "")
    .replace(/<foreignObject[\s\S]*?<\/foreignObject\s*>/gi, "")
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "")
    .replace(/\s(?:xlink:)?href\s*=\s*("(?!#|data:image\/)[^"]*"|'(?!#|data:image\/)[^']*')/gi, "");
}
