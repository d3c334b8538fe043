import { describe, expect, it } from "vitest";
import { Cache, CacheOutcome } from "../../src/hw/cpu/cache.ts";
import type { CostTrace } from "../../src/hw/cpu/cost-trace.ts";
import { OP_COSTS } from "../../src/hw/cpu/op-costs.ts";
import { R4700, type CpuJob, type R4700Params } from "../../src/hw/cpu/r4700.ts";
import { DramController, type DramParams } from "../../src/hw/gt64010/dram.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { SEC } from "../../src/sim/time.ts";

describe("data cache (16 KB, 2-way, 32 B lines, write-back)", () => {
  it("has 256 sets; a second access to a line hits", () => {
    const c = new Cache();
    expect(c.sets).toBe(16384 / (2 * 32));
    expect(c.access(0x1000, false)).toBe(CacheOutcome.Miss);
    expect(c.access(0x101c, false)).toBe(CacheOutcome.Hit); // same 32-byte line
    expect(c.access(0x1020, false)).toBe(CacheOutcome.Miss); // next line
  });

  it("a third line in one set evicts the least recently used; a dirty victim is written back", () => {
    const c = new Cache();
    const stride = 256 * 32; // same set
    c.access(0, true); // dirty
    c.access(stride, false);
    c.access(0, false); // 0 is now most recent
    expect(c.access(2 * stride, false)).toBe(CacheOutcome.Miss); // evicts `stride` (clean)
    expect(c.access(3 * stride, false)).toBe(CacheOutcome.MissDirty); // evicts 0 (dirty)
    expect(c.victimAddr).toBe(0);
    expect(c.read().writebacks).toBe(1);
  });

  it("invalidate drops lines a DMA overwrote, without write-back", () => {
    const c = new Cache();
    c.access(0x2000, true);
    c.invalidate(0x2000, 64);
    expect(c.access(0x2000, false)).toBe(CacheOutcome.Miss);
    expect(c.read().writebacks).toBe(0);
  });
});

/** A job that records a fixed list of accesses. */
class TraceJob implements CpuJob {
  done = 0;
  constructor(private readonly body: (t: CostTrace) => void) {}
  execute(t: CostTrace) {
    this.body(t);
  }
  complete() {
    this.done++;
  }
}

function rig(cpu: Partial<R4700Params> = {}, dram: Partial<DramParams> = {}) {
  const sim = new Simulator();
  const mem = new DramController(sim, "dram", dram);
  const r = new R4700(sim, "cpu", mem, cpu);
  return { sim, mem, cpu: r };
}

/** Runs `job` once to warm the I-cache, then again; returns the second run's duration in ps and DRAM accesses. */
function timeWarm(r: ReturnType<typeof rig>, job: CpuJob) {
  r.cpu.post(job);
  r.sim.run();
  const before = r.mem.read(r.sim.now).requesters["cpu"]!;
  const t0 = r.sim.now;
  r.cpu.post(job);
  r.sim.run();
  const after = r.mem.read(r.sim.now).requesters["cpu"]!;
  return { ps: r.sim.now - t0, reads: after.reads - before.reads, writes: after.writes - before.writes };
}

describe("R4700 cost model", () => {
  const cpi = 1.25; // baseCpi 1.0 + stallCpi 0.25 (defaults)

  it("a job whose code and data hit costs its ops' measured cycles, its explicit access one instruction at the flat CPI, and no memory access", () => {
    const r = rig();
    const job = new TraceJob((t) => {
      t.op("flowLookup");
      t.load(0x8000);
    });
    const { ps, reads, writes } = timeWarm(r, job);
    const cycles = OP_COSTS.interruptEntry.cycles + OP_COSTS.interruptExit.cycles + OP_COSTS.flowLookup.cycles + cpi;
    expect(reads + writes).toBe(0);
    expect(ps).toBe(r.cpu.clock.cyclesToTicks(Math.ceil(cycles), r.cpu.clock.cycleAtOrAfter(r.sim.now - ps)));
  });

  it("a data miss costs one 32-byte line fill: 2 + 5 + 3 x 2 = 13 TClk at 50 MHz", () => {
    const r = rig();
    let addr = 0x10000;
    const job = new TraceJob((t) => t.load((addr += 0x20))); // a new line each run
    const { reads, writes, ps } = timeWarm(r, job);
    expect(reads).toBe(1);
    expect(writes).toBe(0);
    const hit = timeWarm(rig(), new TraceJob((t) => t.load(0x10000)));
    const fillPs = 13 * 20_000;
    // the stall is the fill plus at most one CPU and one TClk edge of synchronisation each way
    expect(ps - hit.ps).toBeGreaterThanOrEqual(fillPs);
    expect(ps - hit.ps).toBeLessThanOrEqual(fillPs + 20_000 + 2 * 7_519);
  });

  it("a store miss over a dirty victim writes one line back and fills one", () => {
    const r = rig();
    const stride = 256 * 32;
    let k = 0;
    const job = new TraceJob((t) => t.store(0x40000 + stride * k++)); // every store lands in set 0
    r.cpu.post(job);
    r.cpu.post(job);
    r.sim.run(); // both ways of set 0 now dirty
    const { reads, writes } = timeWarm(r, job);
    // warm-up store and measured store each evict a dirty line
    expect(writes).toBe(1);
    expect(reads).toBe(1);
  });

  it("slower DRAM raises the cost of a miss-heavy job", () => {
    const cost = (firstAccessClocks: number) => {
      const r = rig({}, { firstAccessClocks });
      let a = 0x100000;
      const job = new TraceJob((t) => {
        for (let i = 0; i < 8; i++) t.load((a += 32));
      });
      return timeWarm(r, job).ps;
    };
    expect(cost(10)).toBeGreaterThan(cost(5));
    // 8 misses, 5 more TClk each; each request waits for the memory's next edge (50 MHz: up to
    // 20,000 ps) and each stall ends on the next CPU edge (133 MHz: up to 7,519 ps)
    expect(cost(10) - cost(5)).toBeGreaterThanOrEqual(8 * (5 * 20_000 - 20_000 - 7_519));
    expect(cost(10) - cost(5)).toBeLessThanOrEqual(8 * (5 * 20_000 + 20_000 + 7_519));
  });

  it("a faster CPU clock completes more jobs per second when the CPU is the bottleneck", () => {
    const throughput = (clockHz: number) => {
      const r = rig({ clockHz, jobQueue: 100_000 });
      let a = 0x200000;
      const job = new TraceJob((t) => {
        t.op("descriptorRead");
        t.op("headerParse");
        t.load((a += 64), 64);
        t.op("flowLookup");
        t.op("macRewrite");
      });
      for (let i = 0; i < 5000; i++) r.cpu.post(job);
      r.sim.run(SEC / 100);
      return job.done;
    };
    const slow = throughput(100_000_000), fast = throughput(200_000_000);
    expect(fast).toBeGreaterThan(slow * 1.4); // memory stalls do not scale with the core clock
    expect(fast).toBeLessThanOrEqual(slow * 2);
  });

  it("CPU utilisation is busy time over elapsed time", () => {
    const r = rig();
    const job = new TraceJob((t) => t.op("schedule"));
    r.cpu.post(job);
    r.sim.run();
    const busy = r.sim.now;
    r.sim.run(2 * busy);
    expect(r.cpu.read(r.sim.now).utilization).toBeCloseTo(0.5, 6);
  });
});

describe("Fig 5C fast SRAM", () => {
  it("misses to addresses mapped to the FSRAM cost less than DRAM misses", () => {
    const run = (fast: boolean) => {
      const r = rig();
      if (fast) r.cpu.mapMemory(new DramController(r.sim, "fsram", { firstAccessClocks: 2, burstClocks: 1, requestOverheadClocks: 0 }), 0x400000, 4 << 20);
      let a = 0x400000;
      const job = new TraceJob((t) => {
        for (let i = 0; i < 8; i++) t.load((a += 32));
      });
      return timeWarm(r, job);
    };
    const dram = run(false), fsram = run(true);
    expect(fsram.reads).toBe(0); // nothing went to DRAM
    expect(dram.reads).toBe(8);
    // per miss: DRAM 2 + 5 + 3 x 2 = 13 TClk, FSRAM 0 + 2 + 3 x 1 = 5 TClk
    expect(dram.ps - fsram.ps).toBeGreaterThanOrEqual(8 * (8 * 20_000 - 7_519));
  });
});
