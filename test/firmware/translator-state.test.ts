/**
 * The hardware translators keep the CPU's flow table true (issue 22 items 5 and 7 on Figs 5E and
 * 5F). The CPLD's or ASIC's table is a cache of the CPU's; the CPU's table holds each connection's
 * state (SYN only, established, closing), which least connections counts and which tells a
 * retransmitted SYN from a new connection reusing a 5-tuple. A translator that placed SYNs, the
 * first ACK and FINs itself left that state behind: the connection never counted as established,
 * never closed, and a new connection on an old 5-tuple kept the old server. Here the frames take
 * the board's path (`translate`, the CPU when the table has no answer), and the outcome must be the
 * CPU path's.
 */
import { describe, expect, it } from "vitest";
import { TcpFlag } from "../../src/net/codec/l4.ts";
import { harness, quietConfig, tcp, type HarnessTranslator } from "./harness.ts";

const BOARDS: [string, HarnessTranslator | undefined][] = [["5A (CPU)", undefined], ["5E (CPLD)", "cpld"], ["5F (ASIC)", "asic"]];

for (const [board, translator] of BOARDS) {
  describe(`TCP state through the translator on ${board}`, () => {
    it("a connection counts as established from its first ACK and stops at its FIN; a retransmitted SYN keeps its server; a SYN after the close is a new connection", () => {
      const h = harness(quietConfig(3, { policy: "round-robin" }), undefined, translator);
      const counts = () => Object.values(h.fw.read().clusters["web"]!.servers).map((s) => [s.activeFlows, s.inactiveFlows]);
      const client = 0x0a060001;
      const first = h.serverOf(h.run(tcp(client, 1000, TcpFlag.SYN))[1]);
      expect(h.serverOf(h.run(tcp(client, 1000, TcpFlag.SYN))[1])).toBe(first); // retransmitted
      expect(h.fw.counts.synRetransmits).toBe(1);
      expect(counts()[first]).toEqual([0, 1]);
      expect(h.serverOf(h.run(tcp(client, 1000, TcpFlag.ACK))[1])).toBe(first);
      expect(counts()[first]).toEqual([1, 0]); // established
      for (let k = 0; k < 5; k++) expect(h.serverOf(h.run(tcp(client, 1000, TcpFlag.ACK | TcpFlag.PSH))[1])).toBe(first);
      expect(h.serverOf(h.run(tcp(client, 1000, TcpFlag.FIN | TcpFlag.ACK))[1])).toBe(first);
      expect(counts()[first]).toEqual([0, 1]); // closing
      expect(h.serverOf(h.run(tcp(client, 1000, TcpFlag.ACK))[1])).toBe(first); // the last ACK
      expect(counts()[first]).toEqual([0, 1]);
      // the same 5-tuple opens a new connection: scheduled afresh (round robin: the next server)
      const again = h.serverOf(h.run(tcp(client, 1000, TcpFlag.SYN))[1]);
      expect(again).not.toBe(first);
      expect(h.serverOf(h.run(tcp(client, 1000, TcpFlag.ACK))[1])).toBe(again);
      // an RST closes too
      h.run(tcp(client, 1000, TcpFlag.RST));
      expect(counts()[again]).toEqual([0, 1]);
      // the translator placed the data segments itself: the CPU saw the SYNs, the first ACKs, FIN and RST
      if (translator) expect(h.hw.translated).toBeGreaterThanOrEqual(5);
    });

    it("least connections (item 7): 300 connections opened and closed on s0 leave it with no established flow, and new flows share evenly", () => {
      const h = harness(quietConfig(2, { policy: "least-connections" }), undefined, translator);
      h.fw.drain("s1");
      for (let c = 0; c < 300; c++) {
        const client = 0x0a310000 + c;
        h.run(tcp(client, 1000, TcpFlag.SYN));
        h.run(tcp(client, 1000, TcpFlag.ACK));
        h.run(tcp(client, 1000, TcpFlag.ACK | TcpFlag.PSH));
        h.run(tcp(client, 1000, TcpFlag.FIN | TcpFlag.ACK));
      }
      h.fw.drain("s1", false);
      const s0 = h.fw.read().clusters["web"]!.servers["s0"]!;
      expect(s0.activeFlows).toBe(0);
      expect(s0.inactiveFlows).toBe(300); // closing, each weighing 1 (ip_vs_lc) until its entry expires
      // 100 connections held open on each: their counts are established ones
      const to = [0, 0];
      for (let c = 0; c < 200; c++) {
        const client = 0x0a320000 + c, s = h.serverOf(h.run(tcp(client, 2000, TcpFlag.SYN))[1]);
        h.run(tcp(client, 2000, TcpFlag.ACK));
        to[s]!++;
      }
      const r = h.fw.read().clusters["web"]!.servers;
      expect(r["s0"]!.activeFlows + r["s1"]!.activeFlows).toBe(200);
      expect(r["s0"]!.activeFlows).toBe(to[0]);
      // s0's 300 closing entries weigh 300 against 256 per established connection: about one connection's worth
      expect(Math.abs(to[0]! - to[1]!)).toBeLessThanOrEqual(4);
    });
  });
}
