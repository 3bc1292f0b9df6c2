/**
 * LOIC hivemind: `!lazor` commands on IRC. In hivemind mode LOIC joins an IRC channel and fires
 * when an operator posts `!lazor targetip=... start`. A line sent by a client (to the IRC port)
 * means that host issued the command; a line sent by the server means a client received it.
 */
import type { Evidence, Finding } from "../../../dataset/finding.js";
import { isoUs, type CollectorWith } from "../collector.js";

interface Hit {
  client: string;
  server: string;
  direction: "issued" | "received";
  text: string;
  packet: number;
  tsUs: number;
  file: string;
}

/** Detects `!lazor` on the IRC port, one finding per client and direction. */
export function ircHivemind(): CollectorWith<"irc"> {
  const hits = new Map<string, Hit[]>();
  return {
    irc(line, pkt, d, ctx) {
      if (!line.toLowerCase().includes("!lazor")) return;
      const toServer = d.dport === ctx.thresholds.ircPort;
      const client = ctx.addrs.text(toServer ? d.src : d.dst);
      const server = ctx.addrs.text(toServer ? d.dst : d.src);
      const direction = toServer ? "issued" : "received";
      const key = `${client}|${direction}`;
      let list = hits.get(key);
      if (!list) hits.set(key, (list = []));
      if (list.length < 50) list.push({ client, server, direction, text: line.slice(0, 400), packet: pkt.index, tsUs: pkt.tsUs, file: ctx.file });
    },
    finish() {
      const findings: Finding[] = [];
      for (const list of hits.values()) {
        const h = list[0]!;
        const issued = h.direction === "issued";
        findings.push({
          rule: issued ? "pcap.irc-hivemind-issued" : "pcap.irc-hivemind-received",
          severity: issued ? "critical" : "high",
          title: issued ? `${h.client} issued LOIC !lazor commands on IRC` : `${h.client} received LOIC !lazor commands on IRC`,
          summary: issued
            ? `${h.client} sent ${list.length} IRC line(s) with the LOIC hivemind trigger !lazor to ${h.server}: it is directing a DDoS.`
            : `${h.client} received ${list.length} IRC line(s) with the LOIC hivemind trigger !lazor from ${h.server}: it is likely a LOIC node taking part in a DDoS.`,
          evidence: list.map<Evidence>((x) => ({
            description: x.text,
            packets: [x.packet],
            timestamps: [isoUs(x.tsUs)],
            addresses: [x.client, x.server],
            data: { file: x.file, direction: x.direction, command: x.text },
          })),
          recommendation: issued ? "Identify the operator behind this host and take the IRC channel down." : "Isolate the host and remove LOIC.",
        });
      }
      return { findings };
    },
  };
}
