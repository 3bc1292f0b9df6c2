/**
 * The nmap adapter without a network: the command line it builds (and refuses), the XML it
 * salvages from a stopped run, and its errors when nmap is missing, fails or writes bad XML —
 * the last two with stand-in programs started through the injected spawn effect.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { nmapArgs, splitArgs } from "../../../src/analyses/scan/nmap/args.js";
import { runNmap, salvageXml } from "../../../src/analyses/scan/nmap/run.js";
import { parseNmapXml } from "../../../src/analyses/scan/nmap/import.js";

const base = { targets: ["198.18.32.11"], ports: "22,80" };

function errorOf(f: () => unknown): { code: string; message: string; where?: string; hint?: string } {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error("no error");
}

/** A fake nmap: node running `script`, through the spawn effect. */
const fake = (script: string) => ({ spawn: () => spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] }) });

/** Spawns `script` like {@link fake}, and aborts `ac` once its first output has been read: after nmap finished a host, however busy the machine. */
const abortAfterOutput = (script: string, ac: AbortController, spawned?: (c: ChildProcess) => void) => ({
  spawn: () => {
    const child = fake(script).spawn();
    spawned?.(child);
    child.stdout.once("data", () => setImmediate(() => ac.abort()));
    return child;
  },
});

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; where?: string; hint?: string }> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as { code: string; message: string; where?: string; hint?: string },
  );
}

describe("splitArgs", () => {
  it("splits like a shell without expanding", () => {
    expect(splitArgs(`-sV  --script 'banner,ssh-hostkey' --script-args "a=\\"b c\\"" x\\ y`)).toEqual(["-sV", "--script", "banner,ssh-hostkey", "--script-args", 'a="b c"', "x y"]);
    expect(splitArgs("")).toEqual([]);
    expect(splitArgs("''")).toEqual([""]);
    expect(errorOf(() => splitArgs("-sV 'oops")).message).toMatch(/unclosed single quote at column 5/);
  });
});

describe("nmapArgs", () => {
  it("puts the user's options first, then XML on stdout, progress, ports, exclusions and targets", () => {
    expect(nmapArgs({ ...base, extra: "-sV --version-intensity 2", exclude: ["198.18.32.12"] })).toEqual([
      "-sV", "--version-intensity", "2", "-oX", "-", "--stats-every", "2s", "-p", "22,80", "--exclude", "198.18.32.12", "--", "198.18.32.11",
    ]);
    expect(nmapArgs({ ...base, extra: "", statsEverySeconds: 0 })).toEqual(["-oX", "-", "-p", "22,80", "--", "198.18.32.11"]);
  });

  it("adds -6 for IPv6 targets, refuses a mix of families, and drops exclusions of the other family", () => {
    expect(nmapArgs({ ...base, targets: ["2001:db8::1", "2001:db8:1::/126"], exclude: ["198.18.32.12", "2001:db8::2"], extra: "-sT", statsEverySeconds: 0 })).toEqual([
      "-6", "-sT", "-oX", "-", "-p", "22,80", "--exclude", "2001:db8::2", "--", "2001:db8::1", "2001:db8:1::/126",
    ]);
    expect(nmapArgs({ ...base, targets: ["::1"], extra: "-6 -sT", statsEverySeconds: 0 })).toEqual(["-6", "-sT", "-oX", "-", "-p", "22,80", "--", "::1"]);
    expect(nmapArgs({ ...base, targets: ["198.18.32.0/30", "gw.example"], exclude: ["::1"], extra: "", statsEverySeconds: 0 })).toEqual(["-oX", "-", "-p", "22,80", "--", "198.18.32.0/30", "gw.example"]);
    const e = errorOf(() => nmapArgs({ ...base, targets: ["198.18.32.11", "::1"], extra: "" }));
    expect(e.code).toBe("EUSAGE");
    expect(e.message).toMatch(/IPv4 and IPv6 targets in separate runs.*198\.18\.32\.11, ::1/);
  });

  it("takes the user's -6, alone or in a cluster, as an IPv6 run: no IPv4 target, no host name with a prefix", () => {
    // nmap -6 skips an IPv4 target with a warning only: a scan of nothing that looks finished.
    for (const extra of ["-6", "-6n", "-sT -n6"]) {
      const e = errorOf(() => nmapArgs({ ...base, extra }));
      expect(e.code, extra).toBe("EUSAGE");
      expect(e.message, extra).toBe("nmap scans IPv4 and IPv6 targets in separate runs, and -6 was given with 198.18.32.11");
    }
    expect(nmapArgs({ ...base, targets: ["v6host.example"], extra: "-6n", statsEverySeconds: 0 })).toEqual(["-6n", "-oX", "-", "-p", "22,80", "--", "v6host.example"]);
    // Under -6 a name's /17 is an IPv6 prefix: 2^111 addresses, not the 32,768 --max-hosts counted.
    for (const [targets, extra] of [[["2001:db8::1", "v6host.example/17"], ""], [["v6host.example/17"], "-6"]] as const) {
      const e = errorOf(() => nmapArgs({ ...base, targets: [...targets], extra }));
      expect(e.code).toBe("EUSAGE");
      expect(e.message).toBe("in an IPv6 nmap run the prefix of the host name v6host.example/17 would be an IPv6 prefix");
    }
  });

  it("refuses options that pick targets or take the output away, and stray words nmap would scan", () => {
    for (const [extra, why] of [
      ["-iR 100", /random targets/],
      ["-iL hosts.txt", /--targets-file/],
      ["-oN out.txt", /output/],
      ["-oA x", /output/],
      ["-p 1-100", /netreport's -p/],
      ["--top-ports 10", /netreport's -p/],
      ["--resume scan.log", /resumes/],
      ["-sV 203.0.113.9", /looks like a target/],
      ["--exclude 198.18.32.1", /--exclude/],
    ] as const) {
      const e = errorOf(() => nmapArgs({ ...base, extra }));
      expect(e.code, extra).toBe("EUSAGE");
      expect(e.message, extra).toMatch(why);
    }
    expect(errorOf(() => nmapArgs({ ...base, extra: "", targets: [] })).message).toMatch(/no targets/);
  });

  it("refuses those options in every spelling nmap reads: =value, one dash, abbreviations, short clusters, newtargets", () => {
    for (const [extra, why] of [
      ["--iR=100", /random targets/],
      ["-iR=100", /random targets/],
      ["--iL=/etc/hosts", /--targets-file/],
      ["-i /etc/hosts", /--targets-file/], // nmap's old spelling of -iL
      ["-i/etc/hosts", /--targets-file/],
      ["-ni/etc/hosts", /\(read by nmap as -i\).*--targets-file/], // -n, then -i with the rest of the word
      ["--resume=x", /resumes/],
      ["--res=x", /\(read by nmap as --resume\)/], // ambiguous in nmap 7.93 (--resolve-all), refused all the same
      ["--oX=/tmp/x", /output/],
      ["-o/tmp/x", /output/],
      ["-nm/tmp/x", /output/],
      ["--exclude=198.18.32.1", /--exclude/],
      ["--excludef=hosts.txt", /\(read by nmap as --excludefile\).*--exclude/],
      ["--top-ports=5", /netreport's -p/],
      ["-top-ports=5", /netreport's -p/],
      ["--top=5", /\(read by nmap as --top-ports\)/],
      ["--top_ports=5", /netreport's -p/],
      ["-Ap1-100", /netreport's -p/],
      ["--script-args newtargets", /newtargets lets scripts add targets/],
      ["--script targets-asn --script-args=targets-asn.asn=32,newtargets", /newtargets/],
      ["--script-args-file=args.txt", /cannot check/],
      ["-sV -- 203.0.113.9", /every word after it as a target/],
      ["-sV --script", /"--script" needs a value/],
      ["-sI 198.18.32.7", /idle-scan zombie/],
      ["-nsI198.18.32.7", /\(read by nmap as -sI\)/],
      ["-s I", /idle-scan zombie/],
      ["--sI=198.18.32.7", /idle-scan zombie/],
      ["-b anonymous@198.18.32.7", /FTP bounce/],
      ["--proxies=socks4://198.18.32.7:1080", /proxy/],
      ["--dns-servers=198.18.32.7", /DNS server/],
      ["--dns=198.18.32.7", /\(read by nmap as --dns-servers\)/],
    ] as const) {
      const e = errorOf(() => nmapArgs({ ...base, extra }));
      expect(e.code, extra).toBe("EUSAGE");
      expect(e.message, extra).toMatch(why);
    }
  });

  it("still accepts the options users pass, values included", () => {
    for (const extra of [
      "-sV --version-intensity 2",
      "-sT -sV -n -Pn --version-light",
      "-sS -n -Pn",
      "-sT -n -Pn --max-hostgroup 1",
      "-sT -n -Pn -T4 --max-retries 1",
      "--script=banner --script-args banner.timeout=2s",
      "--script banner,ssh-hostkey -A -v -d2 -O",
      "-e lo -g 53 --open -vv --reason --exclude-ports 25",
      "-ope", // nmap reads an abbreviation of --open
      "--no-such-nmap-option", // nmap refuses it itself
    ]) {
      // No quotes in these: nmap gets the words as the spaces separate them.
      expect(nmapArgs({ ...base, extra }), extra).toEqual([...extra.split(" "), "-oX", "-", "--stats-every", "2s", "-p", "22,80", "--", "198.18.32.11"]);
    }
  });
});

const XML = `<?xml version="1.0"?>
<nmaprun scanner="nmap" args="nmap -sT" start="1795533692" version="7.93" xmloutputversion="1.05">
<host><status state="up" reason="user-set"/><address addr="198.18.32.11" addrtype="ipv4"/>
<ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/><service name="ssh"/></port></ports></host>
<taskprogress task="Connect Scan" time="1795533693" percent="40.00" remaining="3" etc="1795533696"/>
<host><status state="up" reason="user-set"/><address addr="198.18.32.12" addrtype="ipv4"/>
<ports><port protocol="tcp" portid="80"><state state="open"`;
/** {@link XML} as a run that finished writes it. */
const FINISHED = `${XML} reason="syn-ack"/></port></ports></host><runstats><finished time="1795533694" elapsed="2"/><hosts up="2" down="0" total="2"/></runstats></nmaprun>`;

describe("salvageXml", () => {
  it("keeps the hosts nmap finished before it was stopped", () => {
    const r = parseNmapXml(salvageXml(XML)!, "salvaged");
    expect(r.hosts.map((h) => h.address)).toEqual(["198.18.32.11"]);
    expect(r.hosts[0]!.ports[0]).toMatchObject({ port: 22, state: "open", service: "ssh" });
    expect(salvageXml("<nmaprun><host>")).toBeNull();
  });
});

describe("runNmap", () => {
  it("says nmap is not installed when the program is missing", async () => {
    const e = await rejection(runNmap({ ...base, extra: "", nmapPath: "/nonexistent/nmap" }));
    expect(e).toMatchObject({ code: "ENMAP", message: 'nmap is not installed (no "/nonexistent/nmap" on PATH)' });
    expect(e.hint).toMatch(/apt-get install nmap/);
  });

  it("reports nmap's own message when it exits with an error", async () => {
    const e = await rejection(runNmap({ ...base, extra: "-sS" }, fake(`process.stderr.write("You requested a scan type which requires root privileges.\\nQUITTING!\\n"); process.exit(1)`)));
    expect(e.code).toBe("ENMAP");
    expect(e.message).toBe("nmap failed: You requested a scan type which requires root privileges. / QUITTING!");
    expect(e.hint).toMatch(/needs root/);
  });

  it("names stdout, line and column when nmap's XML cannot be read", async () => {
    const e = await rejection(runNmap({ ...base, extra: "" }, fake(`process.stdout.write('<nmaprun>\\n<host><address addr="x"></host>\\n</nmaprun>\\n')`)));
    expect(e.code).toBe("ENMAP");
    expect(e.where).toBe("nmap stdout:2:25");
    expect(e.message).toMatch(/<\/host> closes <address> of line 2/);
  });

  it("reads the XML into a result tagged nmap, with progress from <taskprogress>", async () => {
    const seen: number[] = [];
    const r = await runNmap({ ...base, extra: "", onProgress: (p) => seen.push(p.percent) }, fake(`process.stdout.write(${JSON.stringify(FINISHED)})`));
    expect(r.source).toBe("nmap");
    expect(r.partial).toBe(false);
    expect(r.hosts.map((h) => h.address)).toEqual(["198.18.32.11", "198.18.32.12"]);
    expect(seen).toContain(40);
    expect((r.parameters.command as string[]).slice(0, 3)).toEqual(["nmap", "-oX", "-"]);
  });

  it("escapes control characters in the nmap warnings it passes on", async () => {
    // A name nmap resolved or read off the network can carry a terminal escape into its messages.
    const line = "Warning: host \u001b]0;pwned\u0007 failed to resolve\nforged line";
    const r = await runNmap({ ...base, extra: "" }, fake(`process.stdout.write(${JSON.stringify(FINISHED)}); process.stderr.write(${JSON.stringify(line)})`));
    expect(r.warnings).toContain("nmap: Warning: host \\x1b]0;pwned\\x07 failed to resolve");
    expect(r.warnings.join("\n")).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it("stops nmap on abort and keeps the finished hosts", async () => {
    const ac = new AbortController();
    const r = await runNmap({ ...base, extra: "", signal: ac.signal }, abortAfterOutput(`process.on("SIGINT", () => process.exit(130)); process.stdout.write(${JSON.stringify(XML)}); setInterval(() => {}, 1000)`, ac));
    expect(r.partial).toBe(true);
    expect(r.hosts.map((h) => h.address)).toEqual(["198.18.32.11"]);
    expect(r.warnings.join("\n")).toMatch(/nmap was stopped; 1 host\(s\)/);
  });

  it("kills nmap when it is still running after SIGINT's grace period", async () => {
    const ac = new AbortController();
    let child: ChildProcess | undefined;
    const stubborn = `process.on("SIGINT", () => {}); process.stdout.write(${JSON.stringify(XML)}); setInterval(() => {}, 1000)`;
    const p = runNmap({ ...base, extra: "", signal: ac.signal, stopGraceMs: 200 }, abortAfterOutput(stubborn, ac, (c) => (child = c)));
    try {
      const started = performance.now();
      const r = await Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      expect(r, "runNmap still waiting 5 s after the abort").not.toBeNull();
      expect(performance.now() - started).toBeLessThan(2000);
      expect(child!.signalCode).toBe("SIGKILL");
      expect(r!.partial).toBe(true);
      expect(r!.hosts.map((h) => h.address)).toEqual(["198.18.32.11"]);
      expect(r!.warnings.join("\n")).toMatch(/nmap was stopped \(killed: still running 200 ms after SIGINT\); 1 host\(s\)/);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
