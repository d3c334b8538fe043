/**
 * Scheduling (issue 22 items 6 and 10): the patent's optimal-workload routine spreads a period's
 * new flows by the workload each server would have after taking one, in proportion to weight,
 * instead of herding them onto the server that was optimal at the round; router pooling's
 * "round robin scheme based on server source IP addresses" keys on the IP, as the patent says.
 */
import { describe, expect, it } from "vitest";
import { readMac } from "../../src/net/mac.ts";
import { arpRequest, harness, quietConfig, ROUTER_IP, ROUTER_MAC, SERVER_MAC, SERVER_PORT, tcp } from "./harness.ts";

const MS = 1e9;

function longestRun(xs: number[]): number {
  let best = 0, run = 0;
  for (let i = 0; i < xs.length; i++) {
    run = i > 0 && xs[i] === xs[i - 1] ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

describe("optimal workload spreads within a balancing period (item 6)", () => {
  it("weights 1:2:3:4, 1,000 new flows per 1 ms period for 10 periods: shares follow the weights, no long runs, the first flow to the heaviest", () => {
    const cfg = quietConfig(4, { policy: "optimal-workload" });
    cfg.clusters[0]!.servers.forEach((s, i) => (s.weight = i + 1));
    const h = harness({ ...cfg, flowTableSize: 16_384, balancePeriodPs: MS });
    const to: number[] = [];
    for (let p = 0; p < 10; p++) {
      for (let f = 0; f < 1000; f++) to.push(h.serverOf(h.run(tcp(0x0a000000 + p * 1000 + f, 80))[1]));
      h.sim.run((p + 1) * MS); // the balancing round measures the flows each server now holds
    }
    expect(to[0]).toBe(3);
    expect(to.slice(0, 10).filter((s) => s === 0).length).toBeLessThanOrEqual(1); // not the weight-1 server first
    expect(longestRun(to)).toBeLessThanOrEqual(3);
    const shares = [0, 1, 2, 3].map((i) => to.filter((s) => s === i).length / to.length);
    shares.forEach((x, i) => expect(Math.abs(x - (i + 1) / 10), `s${i}`).toBeLessThan(0.01));
  });

  it("a server reporting a high load gets fewer new flows until its workload is matched; equal loads share evenly", () => {
    const h = harness({ ...quietConfig(4, { policy: "optimal-workload" }), balancePeriodPs: MS });
    for (let f = 0; f < 400; f++) h.run(tcp(0x0b000000 + f, 80)); // 100 flows each
    h.fw.reportLoad("s0", 0.9);
    for (const s of ["s1", "s2", "s3"]) h.fw.reportLoad(s, 0.3);
    h.sim.run(MS); // a round: one flow's share is (0.9 + 3 x 0.3) / 400
    const to = [0, 0, 0, 0];
    for (let f = 0; f < 300; f++) to[h.serverOf(h.run(tcp(0x0c000000 + f, 80))[1])]!++;
    expect(to[0]).toBe(0); // 0.6 of load more is 133 flows' worth: none of these 300 go to s0
    expect(to.slice(1)).toEqual([100, 100, 100]);
    expect(longestRun(Array.from({ length: 300 }, (_, f) => h.serverOf(h.run(tcp(0x0d000000 + f, 80))[1])))).toBeLessThanOrEqual(2);
  });
});

describe("router choice by source IP keys on the server's IP (item 10)", () => {
  it("servers sharing the virtual IP share a router; servers asking from consecutive addresses get consecutive routers", () => {
    const cfg = quietConfig(4, {}, 4);
    cfg.routerPools![0]!.policy = "source-ip";
    const h = harness(cfg);
    const ask = (i: number, ip: number) => readMac(h.run(arpRequest(SERVER_MAC(i), ip, ROUTER_IP(0)), SERVER_PORT(i))[1], 22);
    const shared = [0, 1, 2, 3].map((i) => ask(i, 0xc000020a)); // all from the cluster's IP
    expect(new Set(shared).size).toBe(1);
    const own = [0, 1, 2, 3].map((i) => ask(i, 0x0a000010 + i)); // each from an address of its own
    expect(own).toEqual([0, 1, 2, 3].map((i) => ROUTER_MAC((0x10 + i) % 4)));
  });
});
