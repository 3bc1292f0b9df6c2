/**
 * KML 2.2 documents for Google Earth and GIS tools: placemarks (hosts, hops) and lines (paths).
 *
 * Names and descriptions come from captures and scans, so all text is XML-escaped
 * (`& < > " '`) and characters XML cannot carry (control characters, lone surrogates) are
 * removed. Invalid coordinates (not finite, latitude outside ±90, longitude outside ±180) do not
 * fail the document: the item is skipped and a message is pushed to `opts.warnings`, so callers
 * can copy it into their dataset's warnings.
 */
import { SEVERITY_COLORS } from "./theme.js";

/** A point. `style` is a colour `#rrggbb` / `#rrggbbaa` or a severity name (`"high"`). */
export interface KmlPlacemark {
  name: string;
  description?: string;
  /** Latitude in degrees, −90..90. */
  lat: number;
  /** Longitude in degrees, −180..180. */
  lon: number;
  style?: string;
}

/** A geodesic line between two `[lat, lon]` points. */
export interface KmlLine {
  name: string;
  from: [number, number];
  to: [number, number];
  /** Line width in px. Default 2. */
  width?: number;
  /** `#rrggbb` or `#rrggbbaa`. Default the theme's first palette colour. */
  color?: string;
}

/** What {@link toKml} turns into a document. */
export interface KmlDocument {
  name: string;
  placemarks: KmlPlacemark[];
  lines?: KmlLine[];
}

/** Options of {@link toKml}. */
export interface KmlOptions {
  /** Receives one message per skipped item or ignored style. */
  warnings?: string[];
}

// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML content and attributes; drops characters XML 1.0 cannot carry. */
export function xmlEscape(s: string): string {
  return s
    .replace(XML_INVALID, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** `#rrggbb[aa]` → KML's `aabbggrr`, or null when `c` is not such a colour. */
export function kmlColor(c: string): string | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})?$/i.exec(c.trim());
  if (!m) return null;
  return `${m[4] ?? "ff"}${m[3]}${m[2]}${m[1]}`.toLowerCase();
}

function validPoint(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** `lon,lat,0`: KML puts longitude first. */
function coord(lat: number, lon: number): string {
  return `${lon},${lat},0`;
}

/**
 * Builds a KML 2.2 document (see the module comment for escaping and invalid coordinates).
 * Placemark styles become shared `<Style>` elements with ids `s0`, `s1`, ….
 */
export function toKml(doc: KmlDocument, opts: KmlOptions = {}): string {
  const warn = (m: string) => opts.warnings?.push(m);
  const styleIds = new Map<string, string>();
  const styles: string[] = [];
  const body: string[] = [];

  const styleFor = (style: string | undefined, where: string): string | null => {
    if (style === undefined) return null;
    const color = kmlColor(SEVERITY_COLORS[style] ?? style);
    if (!color) {
      warn(`KML: ${where}: style ${JSON.stringify(style)} is neither #rrggbb nor a severity; default marker used`);
      return null;
    }
    let id = styleIds.get(color);
    if (!id) {
      id = `s${styleIds.size}`;
      styleIds.set(color, id);
      styles.push(`    <Style id="${id}"><IconStyle><color>${color}</color></IconStyle><LabelStyle><scale>0.8</scale></LabelStyle></Style>`);
    }
    return id;
  };

  doc.placemarks.forEach((p, i) => {
    const where = `placemark ${i} ${JSON.stringify(p.name)}`;
    if (!validPoint(p.lat, p.lon)) {
      warn(`KML: ${where} skipped: invalid coordinates lat=${p.lat} lon=${p.lon}`);
      return;
    }
    const style = styleFor(p.style, where);
    body.push(
      [
        "    <Placemark>",
        `      <name>${xmlEscape(p.name)}</name>`,
        p.description !== undefined ? `      <description>${xmlEscape(p.description)}</description>` : null,
        style ? `      <styleUrl>#${style}</styleUrl>` : null,
        `      <Point><coordinates>${coord(p.lat, p.lon)}</coordinates></Point>`,
        "    </Placemark>",
      ]
        .filter((l) => l !== null)
        .join("\n"),
    );
  });

  (doc.lines ?? []).forEach((l, i) => {
    const where = `line ${i} ${JSON.stringify(l.name)}`;
    if (!validPoint(l.from[0], l.from[1]) || !validPoint(l.to[0], l.to[1])) {
      warn(`KML: ${where} skipped: invalid coordinates from=${l.from.join(",")} to=${l.to.join(",")}`);
      return;
    }
    let color = kmlColor(l.color ?? "#3366aa");
    if (!color) {
      warn(`KML: ${where}: colour ${JSON.stringify(l.color)} is not #rrggbb; default used`);
      color = kmlColor("#3366aa");
    }
    const width = l.width !== undefined && Number.isFinite(l.width) && l.width > 0 ? l.width : 2;
    body.push(
      [
        "    <Placemark>",
        `      <name>${xmlEscape(l.name)}</name>`,
        `      <Style><LineStyle><color>${color}</color><width>${width}</width></LineStyle></Style>`,
        `      <LineString><tessellate>1</tessellate><coordinates>${coord(l.from[0], l.from[1])} ${coord(l.to[0], l.to[1])}</coordinates></LineString>`,
        "    </Placemark>",
      ].join("\n"),
    );
  });

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<kml xmlns="http://www.opengis.net/kml/2.2">',
    "  <Document>",
    `    <name>${xmlEscape(doc.name)}</name>`,
    ...styles,
    ...body,
    "  </Document>",
    "</kml>",
    "",
  ].join("\n");
}
