/**
 * HTTP request sniffing from one TCP segment: what must be recognised, what must be rejected, and
 * that no search reads past the segment into the next packet of the same chunk.
 */
import { describe, expect, it } from "vitest";
import { ircLines, newHttpRequest, parseHttpRequest, type ReusableHttpRequest } from "../../../../src/analyses/pcap/decode/app.js";

/**
 * `text` as a segment inside a larger buffer, with `after` bytes of another packet behind it,
 * parsed into a new request or into `into`; the User-Agent read as a collector would.
 */
function seg(text: string, after = "\r\nHost: next.example\r\n\r\n", into?: ReusableHttpRequest) {
  const pre = Buffer.from("\x00\x01\x02");
  const buf = Buffer.concat([pre, Buffer.from(text, "latin1"), Buffer.from(after, "latin1")]);
  const r = parseHttpRequest(buf, pre.length, Buffer.byteLength(text, "latin1"), into);
  return r && { method: r.method, uri: r.uri, host: r.host, userAgent: r.userAgent() };
}

describe("parseHttpRequest", () => {
  it("reads method, target, Host and User-Agent of a curl request", () => {
    expect(seg("GET /tools/LOIC.zip HTTP/1.1\r\nHost: 198.18.16.2:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")).toEqual({
      method: "GET",
      uri: "/tools/LOIC.zip",
      host: "198.18.16.2:8080",
      userAgent: "curl/7.88.1",
    });
  });

  it("matches header names case-insensitively, values trimmed, first occurrence wins", () => {
    const r = seg("POST /x HTTP/1.0\r\nuSeR-aGeNt:   a b  \r\nHOST:example.org\r\nhost: other\r\n\r\nbody");
    expect(r).toMatchObject({ method: "POST", uri: "/x", host: "example.org", userAgent: "a b" });
  });

  it("accepts HTTP/2-style versions without a minor digit and LF-only lines", () => {
    expect(seg("HEAD / HTTP/2\nHost: a\n\n")).toMatchObject({ method: "HEAD", uri: "/", host: "a" });
  });

  it("does not let control bytes pass for ':' or '-' in header names", () => {
    // 0x1a | 0x20 === ':' and 0x0d | 0x20 === '-': a plain OR-fold would accept both.
    const r = seg("GET / HTTP/1.1\r\nHost\x1a evil\r\nUser\x0dAgent: evil\r\n\r\n");
    expect(r).toMatchObject({ host: null, userAgent: null });
  });

  it("stops at the blank line: a Host or User-Agent in the body is not a header", () => {
    expect(seg("GET / HTTP/1.1\r\nAccept: */*\r\n\r\nHost: body.example\r\nUser-Agent: body\r\n")).toMatchObject({ host: null, userAgent: null });
    expect(seg("GET / HTTP/1.1\nAccept: */*\n\nHost: body.example\n")).toMatchObject({ host: null });
    expect(seg("GET / HTTP/1.1\r\nUser-Agent: ua\r\n\r\nHost: body.example\r\n")).toMatchObject({ host: null, userAgent: "ua" });
  });

  it("returns null host when the headers end before one, even if the next packet has one", () => {
    expect(seg("GET /a HTTP/1.1\r\nAccept: */*")).toMatchObject({ uri: "/a", host: null });
    expect(seg("GET /a HTTP/1.1\r\nHost: cut.exam")).toMatchObject({ host: "cut.exam" });
    // No LF after the segment anywhere in the buffer, and an LF just past its end.
    expect(seg("GET /a HTTP/1.1\r\nUser-Agent: u\r\nHost: last", "")).toMatchObject({ host: "last", userAgent: "u" });
    expect(seg("GET /a HTTP/1.1\r\nHost: h\r\nUser-Agent: cut", "\nUser-Agent: next\n")).toMatchObject({ host: "h", userAgent: "cut" });
  });

  it("rejects what is not an HTTP request line", () => {
    for (const t of [
      "GETX / HTTP/1.1\r\n\r\n", // unknown method
      "get / HTTP/1.1\r\nHost: a\r\n\r\n", // methods are case-sensitive
      "GET  / HTTP/1.1\r\n\r\n", // empty target
      "GET /a b HTTP/1.1\r\n\r\n", // space in target
      "GET /a HTTP/1.1 HTTP/1.1\r\n\r\n", // trailing garbage after the version
      "GET /a HTTP/x.1\r\n\r\n", // version not a digit
      "GET /a HTTP/1.\r\n\r\n", // minor version missing after the dot
      "GET /a\tb HTTP/1.1\r\n\r\n", // control byte in target
      "GET /only-a-request-target\r\n", // HTTP/0.9 style, no version
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03abcdef", // TLS ClientHello
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", // HTTP/2 preface is not a request
      "CONNECT", // too short
    ]) {
      expect(seg(t), JSON.stringify(t)).toBeNull();
    }
  });

  it("rejects a request line whose version lies beyond the segment", () => {
    expect(seg("GET /aaaaaaaaaaaaaaaa", " HTTP/1.1\r\nHost: x\r\n\r\n")).toBeNull();
  });
});

describe("parseHttpRequest string interning", () => {
  it("returns the right target and Host for thousands of near-identical requests", () => {
    // 3,000 targets and hosts of one length, differing in the middle, for 1,024 slots: slots are
    // shared, and every answer must still be the request's own text.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) {
        const mid = String(i).padStart(4, "0");
        const uri = `/a/${mid}/same-suffix.html`;
        const host = `h${mid}.same-suffix.test`;
        expect(seg(`GET ${uri} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ua-${mid}-x\r\n\r\n`)).toEqual({ method: "GET", uri, host, userAgent: `ua-${mid}-x` });
      }
    }
  });

  it("tells apart texts that differ in one byte anywhere, whole 4-byte words or the 1-3 after them", () => {
    for (let round = 0; round < 2; round++) {
      for (let len = 1; len <= 13; len++) {
        for (let at = 0; at < len; at++) {
          for (const c of "ab") {
            const host = "h".repeat(at) + c + "h".repeat(len - at - 1);
            expect(seg(`GET /${host} HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toMatchObject({ uri: `/${host}`, host });
          }
        }
      }
    }
  });
});

describe("parseHttpRequest into the hot loop's reused request", () => {
  it("gives each request its own fields and User-Agent, read when asked", () => {
    const into = newHttpRequest();
    expect(seg("GET /a HTTP/1.1\r\nUser-Agent:  first/1 \r\nHost: a.test\r\n\r\n", undefined, into)).toEqual({ method: "GET", uri: "/a", host: "a.test", userAgent: "first/1" });
    expect(seg("POST /b HTTP/1.1\r\nHost: b.test\r\n\r\n", "\r\nUser-Agent: next-packet\r\n", into)).toEqual({ method: "POST", uri: "/b", host: "b.test", userAgent: null });
    expect(seg("GET /c HTTP/1.0\r\nuser-agent: third\r\n\r\n", undefined, into)).toEqual({ method: "GET", uri: "/c", host: null, userAgent: "third" });
  });
});

describe("ircLines", () => {
  it("splits CRLF and LF lines and drops empty ones", () => {
    const b = Buffer.from(":nick!u@h PRIVMSG #loic :!lazor targetip=198.18.16.9\r\n\r\nPING :x\n");
    expect(ircLines(b, 0, b.length)).toEqual([":nick!u@h PRIVMSG #loic :!lazor targetip=198.18.16.9", "PING :x"]);
  });
});
