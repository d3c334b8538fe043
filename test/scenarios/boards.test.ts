import { describe, expect, it } from "vitest";
import { boardVariant } from "../../src/hw/boards/variant.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { compareBoards } from "../../src/scenarios/compare-boards.ts";
import { WORKLOADS } from "../../src/scenarios/workloads.ts";
import { MS } from "../../src/sim/time.ts";

type Rec = ReturnType<typeof runBoard> & {
  frames: { injected: number; delivered: number; inFlight: number; inFlightAtStart: number; dropped: Record<string, number> };
  cpu: { interventionsPerInboundFrame: number; interventionsPerOutboundFrame: number; utilization: number };
  delivered: { inboundFps: number; outboundFps: number };
};

/**
 * Over the measurement window, frames injected + in flight at its start = delivered + dropped + in
 * flight at its end, each term counted where it happens (delivered by the receiving hosts, drops by
 * place and cause, in flight by the frame pool): a frame counted twice or not at all breaks it.
 */
function expectConservation(r: Rec): void {
  const dropped = Object.values(r.frames.dropped).reduce((s, n) => s + n, 0);
  expect(r.frames.delivered, String(r["board"])).toBeGreaterThanOrEqual(0);
  expect(r.frames.injected + r.frames.inFlightAtStart, `${String(r["board"])}: ${JSON.stringify(r.frames)}`).toBe(r.frames.delivered + dropped + r.frames.inFlight);
}

describe("the patent's claims, as outputs of the board models (compare-boards, 5 ms)", () => {
  const runs = compareBoards({ seed: 3, durationPs: 5 * MS, load: 1 }) as Rec[];
  const by = Object.fromEntries(runs.map((r) => [r["board"] as string, r]));

  it("outbound frames need no CPU intervention on any board while routers are healthy", () => {
    for (const r of runs) {
      expect(r.cpu.interventionsPerOutboundFrame, String(r["board"])).toBe(0);
      expect(r.delivered.outboundFps).toBeGreaterThan(0);
    }
  });

  it("on 5E and 5F only a new flow's first frame needs the CPU (the translator's table has the rest); on 5A-5D each inbound frame costs exactly one", () => {
    for (const b of ["5A", "5B", "5C", "5D"]) expect(by[b]!.cpu.interventionsPerInboundFrame, b).toBe(1);
    for (const b of ["5E", "5F"]) {
      const r = by[b]! as unknown as { cpu: { interventionsPerInboundFrame: number }; flows: { newFlowShare: number } };
      expect(Math.abs(r.cpu.interventionsPerInboundFrame - r.flows.newFlowShare), b).toBeLessThan(0.02);
    }
  });

  it("nothing is lost: every frame allocated is delivered, dropped with a cause, or still inside", () => {
    for (const r of runs) expectConservation(r);
  });

  it("is deterministic: the same seed gives the same results (apart from wall time)", () => {
    const again = compareBoards({ seed: 3, durationPs: 5 * MS, load: 1, boards: ["5A", "5F"] });
    const strip = (r: object) => JSON.stringify({ ...r, wallSeconds: 0 });
    expect(strip(again[0]!)).toBe(strip(by["5A"]!));
    expect(strip(again[1]!)).toBe(strip(by["5F"]!));
  });
});

describe("the CPU path responds to the CPU clock and DRAM timing (5A, inbound-heavy, CPU saturated)", () => {
  const heavy = (spec: ReturnType<typeof boardVariant>) => runBoard(spec, { seed: 5, durationPs: 4 * MS, load: 1, inboundBpsPerRouter: 90e6, outboundBpsPerServer: 1e6 }) as Rec;
  it("inbound frames per second rise with the CPU clock and fall with slower DRAM", () => {
    const at100 = heavy(boardVariant("5A", (b) => void (b.cpu.clockHz = 100_000_000)));
    // 133 MHz, not more: from about 150 MHz 5A's PCI limits before its CPU (docs/hardware.md "Two CPU models")
    const at133 = heavy(boardVariant("5A", (b) => void (b.cpu.clockHz = 133_000_000)));
    const slowDram = heavy(boardVariant("5A", (b) => {
      b.cpu.clockHz = 100_000_000;
      b.dram = { firstAccessClocks: 12, burstClocks: 6 };
    }));
    expect(at100.cpu.utilization).toBeGreaterThan(0.95); // the CPU is the bottleneck
    expect(at133.cpu.utilization).toBeGreaterThan(0.95);
    // 33 % more clock buys at least 10 % more frames: the memory stalls do not shrink with the clock
    expect(at133.delivered.inboundFps).toBeGreaterThan(at100.delivered.inboundFps * 1.1);
    expect(slowDram.delivered.inboundFps).toBeLessThan(at100.delivered.inboundFps);
  });
});

describe("PCI as the bottleneck (a 5A variant with a fast CPU and a slow bus)", () => {
  it("5A's throughput rises when its PCI clock doubles if PCI is its bottleneck", () => {
    const run = (pciHz: number) =>
      runBoard(boardVariant("5A", (b) => {
        b.cpu.clockHz = 200_000_000;
        if (b.interconnect.kind === "pci") b.interconnect.clockHz = pciHz;
      }), { seed: 4, durationPs: 4 * MS, load: 1, inboundBpsPerRouter: 40e6, outboundBpsPerServer: 40e6 }) as Rec & { bottleneck: { resource: string } };
    const slow = run(8_333_333), fast = run(16_666_667);
    expect(slow.bottleneck.resource).toBe("pci");
    const total = (r: Rec) => r.delivered.inboundFps + r.delivered.outboundFps;
    expect(total(fast)).toBeGreaterThan(total(slow) * 1.2);
  });
});

describe("5D's claim: transfer rates in excess of 1 Gb/s", () => {
  // The patent's network card has "several" GT-48002s; the 5D preset has four (8 Fast Ethernet ports,
  // at most 800 Mb/s out). With twelve (24 ports), the outbound-heavy workload offers about 1.1 Gb/s.
  const run = (name: string) =>
    runBoard(boardVariant(name, (b) => {
      b.cards[0]!.controllers = 12;
    }), { seed: 5, durationPs: 20 * MS, load: 1, inboundBpsPerRouter: 5e6, outboundBpsPerServer: 90e6 }) as Rec & { delivered: { inboundMbps: number; outboundMbps: number }; resources: Record<string, { utilization: number }> };
  const d = run("5D"), c = run("5C");

  it("5D with twelve controllers delivers more than 1 Gb/s in aggregate, its buffer memory arbiter under half busy", () => {
    expect(d.delivered.inboundMbps + d.delivered.outboundMbps).toBeGreaterThan(1000);
    expect(d.resources["bma"]!.utilization).toBeLessThan(0.5);
  });

  it("the same ports on 5C's on-board PCI bus keep it over 80 % busy: the bus, not the arbiter, is near its limit", () => {
    expect(c.resources["pci.onboard"]!.utilization).toBeGreaterThan(0.8);
    expect(c.resources["pci.onboard"]!.utilization).toBeGreaterThan(2 * d.resources["bma"]!.utilization);
  });
});

describe("health checks under overload", () => {
  type H = { health: { serverDowns: number; serverUps: number; routerDowns: number; routerUps: number; events: { name: string; change: string }[]; probes: { sent: number; answered: number; failed: number; voided: number; excused: number } } };
  const at = (load: number, fast: boolean) =>
    runBoard(boardVariant("5A", () => {}), { seed: 1, durationPs: 50 * MS, load, ...WORKLOADS.mixed, ...(fast ? { healthIntervalPs: 1e9, healthTimeoutPs: 0.5e9 } : {}) }) as unknown as H;

  it("with a real balancer's timers (2 s / 1 s, the default) no server or router is declared down, even at three times the load", () => {
    expect(at(3, false).health).toMatchObject({ serverDowns: 0, serverUps: 0, routerDowns: 0, routerUps: 0 });
  });

  it("with 1 ms probes and a 0.5 ms timeout, overload declares no healthy server or router down: the unanswered probes show as the switch's own losses (voided) or the hosts' own congestion (excused), never as failures", () => {
    const light = at(1, true).health, heavy = at(3, true).health;
    for (const h of [light, heavy]) {
      expect(h).toMatchObject({ serverDowns: 0, serverUps: 0, routerDowns: 0, routerUps: 0 });
      expect(h.events).toEqual([]);
      expect(h.probes.failed).toBe(0);
      expect(h.probes.answered + h.probes.voided + h.probes.excused).toBeGreaterThan(0);
    }
    // at load 3 the servers' uplinks are saturated by their own replies: their answers queue behind them
    expect(heavy.probes.excused).toBeGreaterThan(0);
  });
});

describe("workload rates", () => {
  it("a direction at 0 b/s carries no traffic; a negative rate is refused with a line naming it", () => {
    const r = runBoard(boardVariant("5A", () => {}), { seed: 1, durationPs: 5 * MS, load: 1, inboundBpsPerRouter: 15e6, outboundBpsPerServer: 0 }) as unknown as { delivered: { inboundFps: number; outboundFps: number } };
    expect(r.delivered.outboundFps).toBe(0);
    expect(r.delivered.inboundFps).toBeGreaterThan(0);
    expect(() => runBoard(boardVariant("5A", () => {}), { seed: 1, durationPs: 5 * MS, load: 1, inboundBpsPerRouter: -1, outboundBpsPerServer: 0 })).toThrow(/inboundBpsPerRouter must be a finite number >= 0/);
  });
});

describe("nothing is lost under overload (load 3: full queues and buffers, 1 ms probes)", () => {
  it("every board's counts add up, every drop named once", () => {
    const runs = ["5A", "5B", "5C", "5D", "5E", "5F"].map((b) => ({ ...runBoard(boardVariant(b, () => {}), { seed: 2, durationPs: 30 * MS, load: 3, ...WORKLOADS.mixed, healthIntervalPs: 1e9, healthTimeoutPs: 0.5e9 }), board: b }) as unknown as Rec);
    for (const r of runs) expectConservation(r);
    const causes = new Set(runs.flatMap((r) => Object.keys(r.frames.dropped)));
    // the overload reaches the bounded backlog for the CPU path and the hosts' full queues
    expect(causes.has("switch.controller.cpuBacklog")).toBe(true);
    expect([...causes].some((c) => c.endsWith("bufferFull") || c.endsWith("txQueueFull") || c.endsWith("memoryBusy") || c.endsWith("cpuRefused"))).toBe(true);
  });
});
