import { describe, expect, it } from "vitest";
import type { CostTrace } from "../../src/hw/cpu/cost-trace.ts";
import { R4700, type CpuJob, type CpuTiming, type UncachedPort } from "../../src/hw/cpu/r4700.ts";
import { DramController, MemRequest, type DramParams, type MainMemory, type MemoryPort } from "../../src/hw/gt64010/dram.ts";
import { TlmMemory } from "../../src/hw/gt64010/tlm-memory.ts";
import { ClockDomain } from "../../src/sim/clock.ts";
import { Simulator } from "../../src/sim/simulator.ts";

/** 50 MHz TClk and 133 MHz CPU clock: 20,000 ps and about 7,519 ps. */
const TCLK = 20_000;
const CPU_PS = 1e12 / 133e6;

class TraceJob implements CpuJob {
  done = 0;
  doneAt: number[] = [];
  constructor(private readonly sim: Simulator, private readonly body: (t: CostTrace) => void, readonly lines?: string[]) {}
  execute(t: CostTrace) {
    if (this.lines) t.log = (l) => this.lines!.push(l);
    this.body(t);
  }
  complete() {
    this.done++;
    this.doneAt.push(this.sim.now);
  }
}

/** A device behind PCI with a fixed round trip: both the event-driven port and the transaction-level methods. */
class FakePort implements UncachedPort {
  reads = 0;
  writes = 0;
  constructor(private readonly sim: Simulator, private readonly roundTripPs: number) {}
  read(_bytes: number, done: () => void): void {
    this.reads++;
    this.sim.schedule(this.sim.event("fake.read", done), this.sim.now + this.roundTripPs);
  }
  write(): boolean {
    this.writes++;
    return true;
  }
  readFinish(_bytes: number, at: number): number {
    this.reads++;
    return at + this.roundTripPs;
  }
  postWrite(): void {
    this.writes++;
  }
}

function rig(timing: CpuTiming, dram: Partial<DramParams> = {}) {
  const sim = new Simulator({ seed: 1 });
  const mem: MainMemory = timing === "cycle" ? new DramController(sim, "dram", dram) : new TlmMemory(sim, "dram", dram);
  const cpu = new R4700(sim, "cpu", mem, { timing });
  const port = new FakePort(sim, 1_234_567);
  cpu.uncached = port;
  return { sim, mem, cpu, port };
}

/** A job per body, each posted at its time (ps); every account the CPU and memory keep, and the job logs. */
function runJobs(timing: CpuTiming, bodies: ((t: CostTrace) => void)[], dram: Partial<DramParams> = {}) {
  const r = rig(timing, dram);
  const lines: string[] = [];
  const jobs = bodies.map((b) => new TraceJob(r.sim, b, lines));
  jobs.forEach((j, i) => r.sim.schedule(r.sim.event(`post${i}`, () => r.cpu.post(j)), i * 40_000_017));
  r.sim.run();
  const c = r.cpu.read(r.sim.now);
  return {
    doneAt: jobs.map((j) => j.doneAt),
    cpu: { ...c, utilization: c.utilization, stallPs: r.cpu.stallPs },
    paths: r.cpu.readPaths(["p0"], true),
    mem: { requesters: r.mem.read(r.sim.now).requesters, pages: r.mem.read(r.sim.now).pages },
    port: { reads: r.port.reads, writes: r.port.writes },
    lines,
  };
}

const stride = 256 * 32; // one D-cache set apart
const workloads: Record<string, (t: CostTrace) => void> = {
  hits: (t) => {
    t.op("flowLookup");
    t.load(0x8000);
    t.load(0x8004);
  },
  misses: (t) => {
    t.op("descriptorRead");
    t.op("headerParse");
    for (let i = 0; i < 8; i++) t.load(0x10_0000 + i * 32);
    t.op("flowLookup");
    t.load(0x30_0000, 64);
  },
  dirtyVictims: (t) => {
    for (let k = 0; k < 6; k++) t.store(0x40_000 + stride * k);
    t.writeback(0x40_000 + stride * 5);
    t.op("macRewrite");
  },
  uncached: (t) => {
    t.op("descriptorRead");
    t.uncachedRead(4);
    t.load(0x50_0000);
    t.uncachedWrite(4);
    t.uncachedRead(8);
    t.deviceWait(3_333);
  },
};

describe("R4700 transaction-level job (timing: tlm)", () => {
  for (const page of ["closed", "open"] as const) {
    it(`on an idle memory and bus takes exactly the cycle-level job's time, cycles and accounts (${page} page)`, () => {
      const bodies = [workloads.hits!, workloads.misses!, workloads.dirtyVictims!, workloads.uncached!, workloads.misses!, workloads.dirtyVictims!, workloads.hits!];
      const cycle = runJobs("cycle", bodies, { pagePolicy: page });
      const tlm = runJobs("tlm", bodies, { pagePolicy: page });
      expect(cycle.cpu.busyCycles).toBeGreaterThan(0);
      expect(cycle.cpu.stallCycles).toBeGreaterThan(0);
      expect(cycle.cpu.dcache.writebacks).toBeGreaterThan(0);
      expect(cycle.port.reads).toBe(2); // the one uncached job's two reads
      expect(tlm).toEqual(cycle);
    });
  }

  it("one event per job (the CPU's end), misses and uncached accesses included, with transaction-level memory and port", () => {
    const sim = new Simulator({ seed: 1 });
    // a memory with a fixed access time and no events of its own: every event counted is the CPU's
    const fixed: MemoryPort = {
      name: "fixed",
      clock: new ClockDomain("fixed.clk", 50_000_000),
      addRequester: () => 0,
      submit: () => {
        throw new Error("tlm must not submit");
      },
      finishTime: (_r, _a, _w, _b, at) => at + 13 * TCLK,
      occupy: () => {},
    };
    const cpu = new R4700(sim, "cpu", fixed, { timing: "tlm" });
    cpu.uncached = new FakePort(sim, 1_000_000);
    for (const w of Object.values(workloads)) {
      const job = new TraceJob(sim, w);
      const before = sim.eventsProcessed;
      cpu.post(job);
      sim.run();
      expect(job.done).toBe(1);
      expect(sim.eventsProcessed - before).toBe(1);
    }
    expect(cpu.read(sim.now).dcache.misses).toBeGreaterThan(8);
  });

  it("with a busy memory each access takes its processor share: a 13-TClk fill beside another requester's long write takes 26 TClk", () => {
    /** The measured job's time and its line fills, its caches warmed by the same job on other lines, the memory idle or busy with a 2048-byte write. */
    const time = (busy: boolean, body: (base: number) => (t: CostTrace) => void) => {
      const r = rig("tlm", { pagePolicy: "closed" });
      const warm = new TraceJob(r.sim, body(0x20_0000));
      r.cpu.post(warm);
      r.sim.run();
      if (busy) {
        // 2 + 5 + 255 x 2 = 517 TClk alone (10.34 us): longer than the job
        const q = new MemRequest(r.mem.addRequester("pci"), () => {});
        q.bytes = 2048;
        q.addr = 0x70_0000;
        q.write = true;
        r.mem.submit(q);
      }
      const fills0 = r.mem.read(r.sim.now).requesters["cpu"]!.accesses;
      const t0 = r.sim.now;
      const job = new TraceJob(r.sim, body(0x10_0000));
      r.cpu.post(job);
      r.sim.run();
      return { ps: job.doneAt[0]! - t0, fills: r.mem.read(r.sim.now).requesters["cpu"]!.accesses - fills0 };
    };
    for (const n of [1, 4]) {
      const loads = (base: number) => (t: CostTrace) => {
        t.op("flowLookup");
        for (let i = 0; i < n; i++) t.load(base + i * 32);
      };
      const idle = time(false, loads), loaded = time(true, loads);
      expect(loaded.fills).toBe(idle.fills);
      expect(idle.fills).toBeGreaterThanOrEqual(n);
      // every fill shares the memory half and half with the write: 13 TClk more each, to within a CPU edge each
      const d = loaded.ps - idle.ps;
      expect(d).toBeGreaterThanOrEqual(idle.fills * (13 * TCLK - CPU_PS));
      expect(d).toBeLessThanOrEqual(idle.fills * (13 * TCLK + CPU_PS));
    }
  });

  it("falls back to the cycle-level stall for a memory with no transaction-level methods, and still matches cycle timing there", () => {
    const run = (timing: CpuTiming) => {
      const sim = new Simulator({ seed: 1 });
      const dram = new TlmMemory(sim, "dram", {});
      const cpu = new R4700(sim, "cpu", dram, { timing });
      // the buffer memory arbiter's CPU port stands for any such memory: a DramController mapped over a region
      cpu.mapMemory(new DramController(sim, "fsram", { firstAccessClocks: 2, burstClocks: 1, requestOverheadClocks: 0 }), 0x40_0000, 4 << 20);
      const job = new TraceJob(sim, (t) => {
        t.load(0x40_0000);
        t.load(0x10_0000);
        t.store(0x40_0000 + 0x2000);
        t.load(0x40_0020);
      });
      cpu.post(job);
      sim.run();
      return { doneAt: job.doneAt, cpu: cpu.read(sim.now) };
    };
    expect(run("tlm")).toEqual(run("cycle"));
  });

  it("refuses an unknown timing", () => {
    const sim = new Simulator({ seed: 1 });
    expect(() => new R4700(sim, "cpu", new DramController(sim, "d"), { timing: "fast" as CpuTiming })).toThrow(/timing must be "cycle" or "tlm"/);
  });
});
