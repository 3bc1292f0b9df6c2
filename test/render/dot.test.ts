import { describe, expect, it } from "vitest";
import { isNetreportError } from "../../src/errors.js";
import { dotLabel, dotString, toDot } from "../../src/render/dot.js";

describe("dotString", () => {
  it("quotes and escapes backslash, quote and line breaks", () => {
    expect(dotString("plain")).toBe('"plain"');
    expect(dotString('a"b')).toBe('"a\\"b"');
    expect(dotString("a\\b")).toBe('"a\\\\b"');
    expect(dotString("trailing\\")).toBe('"trailing\\\\"');
    expect(dotString("l1\nl2\r\nl3\rl4")).toBe('"l1\\nl2\\nl3\\nl4"');
    expect(dotString("a\u0000b\u0007c\u001bd\u007f")).toBe('"abcd"');
    expect(dotString("中文 مرحبا")).toBe('"中文 مرحبا"');
  });

  it("keeps escString sequences literal: \\N stays a backslash and an N", () => {
    expect(dotString("\\N\\G\\l\\r\\E\\T\\H")).toBe('"\\\\N\\\\G\\\\l\\\\r\\\\E\\\\T\\\\H"');
  });
});

describe("dotLabel", () => {
  it("escapes & so entities in data are shown, not decoded", () => {
    expect(dotLabel("&lt;b&gt; & x")).toBe('"&amp;lt;b&amp;gt; &amp; x"');
  });
  it("escapes record syntax only for record shapes", () => {
    expect(dotLabel("{a|<p>b}")).toBe('"{a|<p>b}"');
    expect(dotLabel("{a|<p>b}\\", true)).toBe('"\\{a\\|\\<p\\>b\\}\\\\"');
  });
});

describe("toDot", () => {
  it("writes a directed graph with defaults, clusters, nodes and edges", () => {
    const dot = toDot({
      directed: true,
      name: "net",
      attrs: { graph: { rankdir: "LR" }, node: { shape: "box" }, edge: { color: "#888888", penwidth: 1.5 } },
      clusters: [{ id: "lan", attrs: { label: "LAN" }, nodes: [{ id: "a" }], clusters: [{ id: "dmz", nodes: [{ id: "b", attrs: { color: "red" } }] }] }],
      nodes: [{ id: "c", attrs: { label: "C", bold: true, skip: undefined } }],
      edges: [{ from: "a", to: "b" }, { from: "b", to: "c", attrs: { label: "5 pkts" } }],
    });
    expect(dot).toBe(
      [
        'digraph "net" {',
        '  graph [rankdir="LR"];',
        '  node [shape="box"];',
        '  edge [color="#888888", penwidth="1.5"];',
        '  subgraph "cluster_lan" {',
        '    graph [label="LAN"];',
        '    subgraph "cluster_dmz" {',
        '      "b" [color="red", label="b"];',
        "    }",
        '    "a" [label="a"];',
        "  }",
        '  "c" [label="C", bold="true"];',
        '  "a" -> "b";',
        '  "b" -> "c" [label="5 pkts"];',
        "}",
        "",
      ].join("\n"),
    );
  });

  it("uses -- for undirected graphs and declares undeclared edge ends with an escaped label", () => {
    const dot = toDot({ directed: false, nodes: [], edges: [{ from: "x\\N", to: "y" }] });
    expect(dot).toContain('"x\\\\N" [label="x\\\\N"];');
    expect(dot).toContain('"y" [label="y"];');
    expect(dot).toContain('"x\\\\N" -- "y";');
    expect(dot.startsWith('graph "G" {')).toBe(true);
  });

  it("does not add a label when the node defaults carry one", () => {
    const dot = toDot({ directed: true, attrs: { node: { label: "" } }, nodes: [{ id: "n" }], edges: [] });
    expect(dot).toContain('  "n";');
  });

  it("escapes a hostile id so it stays one quoted token", () => {
    const dot = toDot({ directed: true, nodes: [{ id: '"];x->y' }], edges: [] });
    // Strip every escaped quote: what remains must be exactly the quote pairs we wrote.
    const line = dot.split("\n").find((l) => l.includes("x->y"))!;
    expect(line).toBe('  "\\"];x->y" [label="\\"];x->y"];');
    expect(line.replace(/\\\\/g, "").replace(/\\"/g, "").match(/"/g)).toHaveLength(4);
  });

  it("escapes record labels when the shape (or default shape) is a record", () => {
    const dot = toDot({ directed: true, attrs: { node: { shape: "record" } }, nodes: [{ id: "{evil|<p>}" }], edges: [] });
    expect(dot).toContain('[label="\\{evil\\|\\<p\\>\\}"]');
  });

  it.each([["bad name"], ["1abc"], ["a-b"], ['x="y"'], [""]])("rejects attribute name %j", (name) => {
    expect(() => toDot({ directed: true, nodes: [{ id: "a", attrs: { [name]: "v" } }], edges: [] })).toThrow(/invalid DOT attribute name/);
    try {
      toDot({ directed: true, nodes: [], edges: [], attrs: { edge: { [name]: 1 } } });
      expect.unreachable();
    } catch (e) {
      expect(isNetreportError(e, "EGRAPH")).toBe(true);
    }
  });

  it("rejects non-finite numbers and unsafe link schemes", () => {
    expect(() => toDot({ directed: true, nodes: [{ id: "a", attrs: { width: Number.NaN } }], edges: [] })).toThrow(/finite/);
    expect(() => toDot({ directed: true, nodes: [{ id: "a", attrs: { URL: "javascript:alert(1)" } }], edges: [] })).toThrow(/link scheme/);
    expect(() => toDot({ directed: true, nodes: [{ id: "a", attrs: { href: " JavaScript:x" } }], edges: [] })).toThrow(/link scheme/);
    expect(toDot({ directed: true, nodes: [{ id: "a", attrs: { URL: "https://example.org/?q=1" } }], edges: [] })).toContain('URL="https://example.org/?q=1"');
  });
});
