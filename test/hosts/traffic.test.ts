/**
 * The workload generators: offered load against the configured rate, Poisson arrivals, closed
 * loops, and the frame plan against what the hosts put on the wire.
 */
import { describe, expect, it } from "vitest";
import { FlowKind, KIND_NAMES, planFlow, requestBytes } from "../../src/hosts/kinds.ts";
import { FAST, hostsRun, MS, outcomes } from "./harness.ts";

describe("open-loop offered load", () => {
  it("matches the configured inbound rate within 1 % over 4 s (and 1 % is over 3 standard deviations there)", () => {
    const rate = 100; // Mb/s of client-to-server frames
    const r = hostsRun("5F", { response: { kind: "imix" }, arrivals: { kind: "open", process: "poisson", rate: { inboundMbps: rate } }, transport: FAST }, { durationPs: 4000 * MS, drainPs: 30 * MS });
    const got = r.hosts.offered.inboundMbps, flows = r.hosts.flows.started;
    expect(Math.abs(got / rate - 1)).toBeLessThan(0.01);
    // a Poisson count of N flows has relative spread 1/sqrt(N) (the per-flow bytes vary little here)
    expect(3 / Math.sqrt(flows)).toBeLessThan(0.01);
    expect(r.frames.droppedTotal).toBe(0);
  });

  it("a rate in outbound packets/s sets the flow rate from the plan's expectations; constant gaps give exactly rate x time flows", () => {
    const r = hostsRun("5F", { arrivals: { kind: "open", process: "constant", rate: { outboundPps: 20_000 } }, transport: FAST }, { durationPs: 10 * MS });
    const e = r.hosts.expectedPerFlow;
    expect(r.hosts.arrivals.flowsPerSec).toBeCloseTo(20_000 / e.outFrames, 6);
    // constant gaps: exactly rate x time flows (first at 50 us)
    expect(r.hosts.flows.started).toBe(Math.ceil((10e-3 - 50e-6) * r.hosts.arrivals.flowsPerSec));
  });
});

describe("Poisson arrivals", () => {
  it("inter-arrival times pass a Kolmogorov-Smirnov test against the exponential (alpha 0.01), and counts per window a chi-square test against Poisson", () => {
    const rate = 50_000; // flows/s
    let starts: number[] = [];
    hostsRun("5F", { mix: { web: 0, dns: 0, radius: 0, esp: 0, ipip: 0, ping: 1 }, request: { kind: "fixed", bytes: 18 }, arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: rate } }, keepFlowRecords: true, maxFlows: 65536 }, {
      durationPs: 100 * MS,
      finish: (ctx) => (starts = Array.from(ctx.hosts.log.start.subarray(0, ctx.hosts.log.count))),
    });
    const gaps = starts.slice(1).map((t, i) => (t - starts[i]!) / 1e12);
    const n = gaps.length;
    expect(n).toBeGreaterThan(4000);
    gaps.sort((a, b) => a - b);
    let d = 0;
    gaps.forEach((g, i) => {
      const F = 1 - Math.exp(-rate * g);
      d = Math.max(d, Math.abs(F - i / n), Math.abs(F - (i + 1) / n));
    });
    expect(d).toBeLessThan(1.628 / Math.sqrt(n)); // KS critical value at alpha = 0.01
    // counts in 100 us windows (mean 5): chi-square over bins 0..10+, 10 degrees of freedom, 0.01 critical value 23.21
    const w = 100e-6, bins = new Array(11).fill(0);
    const t0 = starts[0]!, windows = Math.floor((starts[starts.length - 1]! - t0) / 1e12 / w);
    const counts = new Array(windows).fill(0);
    for (const t of starts) {
      const k = Math.floor((t - t0) / 1e12 / w);
      if (k < windows) counts[k]++;
    }
    for (const c of counts) bins[Math.min(10, c)]++;
    const mean = rate * w;
    let chi = 0, pmf = Math.exp(-mean), cum = 0;
    for (let k = 0; k <= 10; k++) {
      const p = k < 10 ? pmf : 1 - cum;
      const expected = p * windows;
      chi += (bins[k] - expected) ** 2 / expected;
      cum += pmf;
      pmf *= mean / (k + 1);
    }
    expect(chi).toBeLessThan(23.21);
  });
});

describe("closed loop", () => {
  it("N clients with think times never hold more than N flows, and their rate follows N / (think + completion)", () => {
    const n = 40, thinkUs = 2000;
    const r = hostsRun("5F", { arrivals: { kind: "closed", clients: n, thinkUs, think: "exponential" }, response: { kind: "fixed", bytes: 2000 }, transport: FAST }, { durationPs: 200 * MS });
    const o = outcomes(r);
    const c = r.hosts.flows.byKind.web.completionUs.mean;
    const meanCompletion = Object.values(r.hosts.flows.byKind).reduce((s: number, k: any) => s + k.completionUs.mean * k.completionUs.count, 0) / o.completed;
    const expected = (n * 0.2) / ((thinkUs + meanCompletion) * 1e-6);
    expect(c).toBeGreaterThan(0);
    expect(o.started / expected).toBeGreaterThan(0.9);
    expect(o.started / expected).toBeLessThan(1.1);
    expect(r.hosts.flows.open).toBeLessThanOrEqual(n);
    expect(o.timeout + o.reset).toBe(0);
  });
});

describe("the plan against the wire (differential)", () => {
  for (const kind of [FlowKind.Web, FlowKind.Dns, FlowKind.Radius, FlowKind.Esp, FlowKind.Ipip, FlowKind.Ping]) {
    it(`${KIND_NAMES[kind]}: frames and bytes each way per completed flow are exactly the plan's when nothing is lost`, () => {
      const q = 2900, resp = 5000;
      const mix = Object.fromEntries(KIND_NAMES.map((k, i) => [k, i === kind ? 1 : 0])) as Record<(typeof KIND_NAMES)[number], number>;
      const r = hostsRun("5F", { mix, request: { kind: "fixed", bytes: q }, response: { kind: "fixed", bytes: resp }, arrivals: { kind: "open", process: "constant", rate: { flowsPerSec: 2000 } } }, { durationPs: 10 * MS, drainPs: 20 * MS });
      const k = r.hosts.flows.byKind[KIND_NAMES[kind]];
      expect(k.completed).toBe(k.started);
      expect(r.frames.droppedTotal).toBe(0);
      const p = planFlow(kind, requestBytes(kind, q), resp);
      expect([k.in.frames, k.in.bytes, k.out.frames, k.out.bytes]).toEqual([p.inFrames, p.inBytes, p.outFrames, p.outBytes].map((x) => x * k.started));
    });
  }
});
