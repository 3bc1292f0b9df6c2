/**
 * nmap XML import of every file in ../shared/data/nmap, asserted against DERIVED_SUMMARY.tsv
 * (host counts, hosts up, runstats, open ports per host) and the facts in EXPECTED.md.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importNmapXml, parseNmapXml } from "../../../src/analyses/scan/nmap/import.js";
import { parseXml } from "../../../src/analyses/scan/nmap/xml.js";
import { isNetreportError } from "../../../src/errors.js";

const DATA = resolve("../shared/data/nmap");

function xmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? xmlFiles(p) : n.endsWith(".xml") ? [p] : [];
  });
}

interface Expected {
  file: string;
  parse: string;
  hosts: number;
  up: number;
  runstats: string;
  perHost: Array<{ addr: string; names: string[]; open: string[] }>;
}

function readSummary(): Expected[] {
  const lines = readFileSync(join(DATA, "DERIVED_SUMMARY.tsv"), "utf8").trim().split("\n").slice(1);
  return lines.map((line) => {
    const [file, parse, , hosts, up, runstats, perHost] = line.split("\t");
    let entries = (perHost ?? "").split(" | ").filter((e) => e !== "");
    if (line.length >= 700) entries = entries.slice(0, -1); // the summary cuts long lines
    return {
      file: file!,
      parse: parse!,
      hosts: Number(hosts),
      up: Number(up),
      runstats: runstats ?? "",
      perHost: entries.map((e) => {
        const m = /^(\S*)\[([^\]]*)\] open=(.*)$/.exec(e.trim());
        if (!m) throw new Error(`unreadable summary entry ${e}`);
        return { addr: m[1]!, names: m[2] ? m[2].split(",") : [], open: m[3] === "-" ? [] : m[3]!.split(" ") };
      }),
    };
  });
}

const summary = readSummary();

describe("nmap XML import against DERIVED_SUMMARY.tsv", () => {
  it("covers every XML file in the data folder", () => {
    expect(summary.map((s) => s.file).sort()).toEqual(xmlFiles(DATA).map((p) => p.slice(DATA.length + 1)).sort());
  });

  for (const exp of summary.filter((s) => s.parse === "ok")) {
    it(exp.file, () => {
      const r = parseNmapXml(readFileSync(join(DATA, exp.file), "utf8"), exp.file);
      expect(r.hosts.length).toBe(exp.hosts);
      expect(r.hosts.filter((h) => h.status === "up").length).toBe(exp.up);
      const rs = r.parameters.runstats as { up: number; down: number; total: number } | null;
      expect(rs ? `${rs.up}/${rs.down}/${rs.total}` : "-").toBe(exp.runstats);
      // Hosts in the summary that have no IPv4 address (addrtype missing) are listed as "".
      exp.perHost.forEach((e, i) => {
        const h = r.hosts[i]!;
        if (e.addr) expect(h.address).toBe(e.addr);
        if (e.names.length) expect(e.names).toContain(h.hostname);
        else expect(h.hostname).toBeNull();
        const open = h.ports.filter((p) => p.state === "open").map((p) => `${p.port}/${p.protocol}`);
        expect(open).toEqual(e.open.map((o) => o.replace("/None", "/tcp")));
      });
    });
  }
});

describe("nmap XML details from EXPECTED.md", () => {
  const load = (f: string) => parseNmapXml(readFileSync(join(DATA, f), "utf8"), f);

  it("reads -sV products and versions (1_hosts_banner.xml)", () => {
    const h = load("python-libnmap/libnmap/test/files/1_hosts_banner.xml").hosts[0]!;
    const by = Object.fromEntries(h.ports.map((p) => [p.port, p]));
    expect(by[631]).toMatchObject({ product: "CUPS", version: "1.4" });
    expect(by[3306]).toMatchObject({ product: "MySQL", version: "5.1.61" });
    expect(by[22]).toMatchObject({ product: "OpenSSH", version: "5.3", extrainfo: "protocol 2.0" });
    expect(by[25]).toMatchObject({ product: "Postfix smtpd", version: null });
    expect(by[111]).toMatchObject({ service: "rpcbind", product: null });
    expect(h.extraports).toEqual([{ state: "closed", count: 995, ports: null }]); // nmap 5: no port lists
  });

  it("keeps extraports and warns about the one with an unknown state (extra_ports.xml)", () => {
    const r = load("python-libnmap/libnmap/test/files/extra_ports.xml");
    expect(r.hosts[0]!.extraports).toEqual([{ state: "closed", count: 65509, ports: null }]);
    expect(r.warnings.join("\n")).toMatch(/extraports with state "unknown" and count "10" skipped/);
  });

  it("reads scan_base.xml and notes its runstats inconsistency", () => {
    const r = load("Ullaakut-nmap/tests/xml/scan_base.xml");
    expect(r.parameters.nmapVersion).toBe("4.53");
    const h = r.hosts[0]!;
    expect(h).toMatchObject({ address: "66.35.250.168", hostname: "freshmeat.net", extraports: [{ state: "filtered", count: 1712 }] });
    expect(h.ports.map((p) => [p.port, p.state, p.product, p.version])).toEqual([
      [80, "open", "Apache httpd", "1.3.39"],
      [443, "closed", null, null],
    ]);
    expect(r.warnings.join()).toMatch(/runstats count 8 hosts \(8 up\) but the file holds 1/);
    expect(r.finishedAt).toBe(new Date(1201481569 * 1000).toISOString());
  });

  it("turns nmap's own errors into warnings (scan_error_*.xml)", () => {
    expect(load("Ullaakut-nmap/tests/xml/scan_error_resolving_name.xml").warnings.join()).toMatch(/nmap reported: Error resolving name localhost/);
    const bad = load("Ullaakut-nmap/tests/xml/scan_invalid_services.xml");
    expect(bad.warnings.filter((w) => /no protocol; read as tcp/.test(w)).length).toBe(6);
  });

  it("reads the OS guess and srtt", () => {
    const h = load("python-libnmap/libnmap/test/files/1_hosts_banner.xml").hosts[0]!;
    expect(h.srttMs).toBe(0.007);
    const os = load("python-libnmap/libnmap/test/files/os_scan6.xml").hosts.find((x) => x.os);
    expect(os?.os).toMatch(/\(\d+%\)$/);
  });
});

describe("hostile XML", () => {
  const hostile = (f: string) => readFileSync(join(DATA, "python-libnmap/libnmap/test/files", f), "utf8");

  it("refuses the XXE DTD before any entity is seen, naming file and line", () => {
    try {
      parseNmapXml(hostile("defused_et_local_includer.xml"), "defused_et_local_includer.xml");
      expect.unreachable();
    } catch (e) {
      expect(isNetreportError(e, "ENMAP")).toBe(true);
      const err = e as { message: string; where: string };
      expect(err.message).toMatch(/DOCTYPE .*refused.*XXE/);
      expect(err.where).toBe("defused_et_local_includer.xml:2:1");
    }
  });

  it("refuses a document that is not nmap's", () => {
    expect(() => parseNmapXml(hostile("defused_et_included.xml"), "defused_et_included.xml")).toThrow(/root element is <root>, not <nmaprun>/);
  });

  it("refuses undefined entities, entity bombs and bad nesting with positions", () => {
    const where = (text: string) => {
      try {
        parseXml(text, "x.xml");
      } catch (e) {
        return `${(e as Error).message} @ ${(e as { where: string }).where}`;
      }
      return "parsed";
    };
    expect(where('<a>\n  <b c="&ee;"/></a>')).toMatch(/undefined entity &ee;.*@ x.xml:2:/);
    expect(where('<!DOCTYPE lol [<!ENTITY a "aaaa">]><lol>&a;</lol>')).toMatch(/refused/);
    expect(where('<!DOCTYPE x SYSTEM "http://198.18.0.1/x.dtd"><x/>')).toMatch(/refused/);
    expect(where("<a>\n<b></a>")).toMatch(/<\/a> closes <b> of line 2 @ x.xml:2:4/);
    expect(where("<a><b>")).toMatch(/not closed \(truncated file\?\)/);
    expect(where('<a __proto__="x" b="&lt;&#65;&#x42;"/>')).toBe("parsed");
    const el = parseXml('<a __proto__="x" b="&lt;&#65;&#x42;"/>', "x");
    expect(el.attrs.__proto__).toBe("x");
    expect(el.attrs.b).toBe("<AB");
    expect(where("<a>" + "<b>".repeat(300))).toMatch(/nesting deeper than 256/);
  });

  it("puts U+FFFD for control characters, from character references or written raw, and nothing else", () => {
    const el = parseXml('<a b="x&#0;y&#x1b;]0;t&#7;z&#9;&#xa;&#xD;&#xD800;&#x85;\x1b&#233;&#x1F600;" c="&#45;&#x20;"/>', "x.xml");
    expect(el.attrs.b).toBe("x\uFFFDy\uFFFD]0;t\uFFFDz\t\n\r\uFFFD\uFFFD\uFFFD\u00e9\u{1F600}");
    expect(el.attrs.c).toBe("- ");
  });

  it("keeps control characters of a hostile file out of hostnames, products and the warnings printed on the terminal", () => {
    const r = parseNmapXml(
      `<nmaprun><host><status state="up"/><address addr="198.18.32.11" addrtype="ipv4"/>
<hostnames><hostname name="evil&#x1b;]0;owned&#7;.example" type="user"/></hostnames>
<ports><port protocol="tcp" portid="&#x1b;]0;x&#7;"><state state="open"/></port>
<port protocol="tcp" portid="1&#10;warning: forged"><state state="open"/></port>
<port protocol="t\\cp&#27;[2J" portid="22"><state state="open"/><service name="ssh" product="Open&#x9b;31mSSH&#x1b;[0m"/></port></ports></host></nmaprun>`,
      "hostile.xml",
    );
    const h = r.hosts[0]!;
    expect(h.hostname).toBe("evil\uFFFD]0;owned\uFFFD.example");
    expect(h.ports.map((p) => [p.port, p.product])).toEqual([[22, "Open\uFFFD31mSSH\uFFFD[0m"]]);
    // Line breaks and backslashes escaped (\n, \\); U+FFFD, printable, kept.
    expect(r.warnings).toContain('hostile.xml:3: port "\uFFFD]0;x\uFFFD" is not a port number; skipped');
    expect(r.warnings).toContain('hostile.xml:4: port "1\\nwarning: forged" is not a port number; skipped');
    expect(r.warnings).toContain('hostile.xml:5: port 22 of 198.18.32.11 has protocol "t\\\\cp\uFFFD[2J"; read as tcp');
    expect(r.warnings.join("")).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });

  it("imports the good files of a mixed list and warns about the bad one", async () => {
    const files = ["python-libnmap/libnmap/test/files/2_hosts.xml", "python-libnmap/libnmap/test/files/defused_et_local_includer.xml"].map((f) => join(DATA, f));
    const r = await importNmapXml(files);
    expect(r.hosts.length).toBe(2);
    expect(r.partial).toBe(true);
    expect(r.warnings.join()).toMatch(/skipped: ENMAP: DOCTYPE.*defused_et_local_includer.xml:2:1/);
  });

  it("turns a start or finish time out of Date's range into a warning naming the attribute, not a RangeError", () => {
    const xml = `<?xml version="1.0"?><nmaprun scanner="nmap" start="99999999999999" version="7.93"><host><status state="up"/><address addr="198.18.32.11" addrtype="ipv4"/></host><runstats><finished time="1e300"/><hosts up="1" down="0" total="1"/></runstats></nmaprun>`;
    const r = parseNmapXml(xml, "far.xml");
    expect(r.hosts.map((h) => h.address)).toEqual(["198.18.32.11"]);
    expect(r.startedAt).toBe(new Date(0).toISOString());
    expect(r.warnings).toEqual(['far.xml: <nmaprun start="99999999999999" is not a time; ignored', 'far.xml: <finished time="1e+300" is not a time; ignored']);
  });
});
