import { describe, expect, it } from "vitest";
import { kmlColor, toKml, xmlEscape } from "../../src/render/kml.js";

const hostile = `</name></Placemark><Placemark><name>injected</name><Point><coordinates>0,0,0</coordinates></Point></Placemark><!-- & "q" 'a' \u0001\u0007`;

describe("xmlEscape", () => {
  it("escapes the five XML specials and drops characters XML cannot carry", () => {
    expect(xmlEscape(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
    expect(xmlEscape("a\u0000b\u0008c\u001fd\ufffe\ud800e")).toBe("abcde");
    expect(xmlEscape("tab\tnl\ncr\r中文😀")).toBe("tab\tnl\ncr\r中文😀");
  });
});

describe("kmlColor", () => {
  it("converts #rrggbb[aa] to aabbggrr", () => {
    expect(kmlColor("#112233")).toBe("ff332211");
    expect(kmlColor("#11223380")).toBe("80332211");
    expect(kmlColor("red")).toBeNull();
  });
});

describe("toKml", () => {
  it("keeps hostile names as text: no extra elements", () => {
    const warnings: string[] = [];
    const kml = toKml(
      {
        name: hostile,
        placemarks: [
          { name: hostile, description: "<b>desc</b> & more", lat: 31.23, lon: 121.47, style: "high" },
          { name: "上海", lat: 31.2, lon: 121.5, style: "#00ff00" },
        ],
        lines: [{ name: hostile, from: [31.23, 121.47], to: [52.52, 13.4], width: 3, color: "#ff000080" }],
      },
      { warnings },
    );
    expect(warnings).toEqual([]);
    expect(kml.match(/<Placemark>/g)).toHaveLength(3);
    expect(kml.match(/<\/Placemark>/g)).toHaveLength(3);
    expect(kml.match(/<name>/g)).toHaveLength(4);
    expect(kml).not.toContain("<name>injected");
    expect(kml).not.toContain("<!--");
    expect(kml).not.toMatch(/[\u0001\u0007]/);
    expect(kml).toContain("&lt;/name&gt;&lt;/Placemark&gt;&lt;Placemark&gt;");
    expect(kml).toContain("&amp; &quot;q&quot; &apos;a&apos;");
    expect(kml).toContain("<description>&lt;b&gt;desc&lt;/b&gt; &amp; more</description>");
    // Every tag in the document is one we wrote.
    const tags = new Set([...kml.matchAll(/<\/?([A-Za-z]+)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(
      ["Document", "IconStyle", "LabelStyle", "LineString", "LineStyle", "Placemark", "Point", "Style", "color", "coordinates", "description", "kml", "name", "scale", "styleUrl", "tessellate", "width"].sort(),
    );
  });

  it("writes longitude first, shares styles, colours lines", () => {
    const kml = toKml({
      name: "trace",
      placemarks: [
        { name: "a", lat: 10, lon: 20, style: "high" },
        { name: "b", lat: -10, lon: -20, style: "high" },
        { name: "c", lat: 0, lon: 0, style: "#3366aa" },
      ],
      lines: [{ name: "a→b", from: [10, 20], to: [-10, -20] }],
    });
    expect(kml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">')).toBe(true);
    expect(kml).toContain("<coordinates>20,10,0</coordinates>");
    expect(kml).toContain("<coordinates>20,10,0 -20,-10,0</coordinates>");
    expect(kml.match(/<Style id=/g)).toHaveLength(2);
    expect(kml.match(/<styleUrl>#s0<\/styleUrl>/g)).toHaveLength(2);
    expect(kml).toContain("<color>ffaa6633</color>");
    expect(kml).toContain("<width>2</width>");
  });

  it("skips invalid coordinates with a warning and keeps the rest", () => {
    const warnings: string[] = [];
    const kml = toKml(
      {
        name: "bad",
        placemarks: [
          { name: "nan", lat: Number.NaN, lon: 0 },
          { name: "lat", lat: 91, lon: 0 },
          { name: "lon", lat: 0, lon: -180.5 },
          { name: "ok", lat: -90, lon: 180, style: "bogus" },
        ],
        lines: [{ name: "inf", from: [0, Infinity], to: [0, 0] }],
      },
      { warnings },
    );
    expect(kml.match(/<Placemark>/g)).toHaveLength(1);
    expect(kml).toContain("<name>ok</name>");
    expect(warnings).toHaveLength(5);
    expect(warnings.filter((w) => /skipped: invalid coordinates/.test(w))).toHaveLength(4);
    expect(warnings.some((w) => /style "bogus"/.test(w))).toBe(true);
  });
});
