/**
 * Least-connections counts follow the connections (issue 22 item 7, and item 5's state) on full
 * boards, through the hardware translators too. Web flows only (real TCP: SYN, ACK, data, the
 * server's FIN, the client's FIN+ACK), least connections, on 5A (every inbound frame through the
 * CPU), 5E (the CPLD) and 5F (the circuit cards' ASICs). At several instants each server's
 * established-flow count in the firmware must equal the connections its host holds open past the
 * handshake (the host's own TCP state), up to the frames on their way between the switch and the
 * server. A translator that placed the first ACK and the FIN itself left every connection counted
 * as SYN-only forever (0 established against hundreds open).
 */
import { describe, expect, it } from "vitest";
import { FAST, hostsRun, MS } from "./harness.ts";

/** Server host TCP states (src/hosts/server.ts): past the handshake, until the client's FIN arrives. */
const RECEIVING = 2, FIN_WAIT = 5;
const FLOWS_PER_SEC = 10_000;

/** The smallest k with P(X > k) <= p for X ~ Poisson(mu). */
function poissonQuantile(mu: number, p: number): number {
  let k = 0, term = Math.exp(-mu), cdf = term;
  while (1 - cdf > p) {
    term *= mu / ++k;
    cdf += term;
  }
  return k;
}

for (const board of ["5A", "5E", "5F"]) {
  describe(`connection counts on ${board}`, () => {
    it("each server's established flows equal the connections its host holds open, every ms from 3 to 15; and equal them exactly once the traffic has stopped", { timeout: 120_000 }, () => {
      const samples: { fw: number; host: number }[][] = [];
      let fw: any, hosts: any;
      const sample = () =>
        samples.push(hosts.servers.map((s: any, i: number) => {
          const t = s.t;
          let open = 0;
          for (let c = 0; c < t.capacity; c++) if (t.state[c] >= RECEIVING && t.state[c] <= FIN_WAIT && t.kind[c] === 0) open++;
          return { fw: fw.clusters[0].servers[i].active, host: open };
        }));
      const r = hostsRun(board, { transport: FAST, mix: { web: 1, dns: 0, radius: 0, esp: 0 }, arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: FLOWS_PER_SEC } } }, {
        durationPs: 16 * MS, drainPs: 30 * MS, policy: "least-connections",
        script: (c) => {
          fw = c.fw;
          hosts = c.hosts;
          for (let t = 3; t <= 15; t++) c.at(t * MS, sample);
        },
        finish: () => sample(),
      });
      const end = samples.pop()!;
      // Little's law: the connections counted differently at a sample are those whose count-changing
      // segment (the first ACK, the FIN) has passed the switch and not yet reached the host: two such
      // segments per connection at FLOWS_PER_SEC, each in transit for at most its inbound latency
      // (its 90th percentile taken as a generous mean), per sample. The translator bug this test
      // catches is off by about every open connection.
      const w = ((r as any).latencyUs.inbound.cdf as [number, number][]).find(([, q]) => q >= 0.9)![0] * 1e-6;
      const inTransit = 2 * FLOWS_PER_SEC * w;
      // one server at one sample: least connections sends the new flows to the least-loaded server,
      // so all the segments in transit may be its; Poisson arrivals, a 1-in-1,000 tail over all the
      // samples (4 at least: a few connections either way)
      const perSample = Math.max(4, poissonQuantile(inTransit, 1e-3 / (samples.length * samples[0]!.length)));
      let open = 0, off = 0;
      for (const sm of samples) {
        for (const { fw: f, host: h } of sm) {
          open += h;
          off += Math.abs(f - h);
          expect(Math.abs(f - h), `one server at one sample, ${inTransit.toFixed(1)} segments in transit on average`).toBeLessThanOrEqual(Math.max(perSample, 0.2 * h));
        }
      }
      expect(open).toBeGreaterThan(100); // connections were open at the samples
      expect(off).toBeLessThanOrEqual(samples.length * inTransit);
      // after the drain, with nothing on its way, the counts are the hosts' exactly: the connections
      // that closed no longer count (what stays open is what the clients have not given up yet)
      for (const { fw: f, host: h } of end) expect(f).toBe(h);
      expect(end.reduce((a, x) => a + x.host, 0)).toBeLessThan(open / samples.length / 2);
      expect((r as any).hosts.flows.byKind.web.completed).toBeGreaterThan(100);
    });
  });
}
