/**
 * The whole per-frame job in C (firmware/c/switch/job.c, irq.c, descriptor.c, counters.c,
 * cacheflush.c, handback.c, buffers.c) on the stand-alone instruction-level machine: a frame
 * written into a CPU buffer raises Int0, and the CPU takes it from its idle loop. The decision is
 * the one the differential test checks against the TypeScript (switch-differential.test.ts); here
 * the job around it: the same decision as the decision alone, the hand-back naming the verdict's
 * port and the buffer, the buffer returned, the rewritten header written back, and the uncached
 * accesses the ring costs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SwitchImage, RING_BUFFERS, type SwitchCall } from "../../../src/hw/cpu/isa/switch-host.ts";
import { StallCause } from "../../../src/hw/cpu/isa/timing.ts";
import { TcpFlag } from "../../../src/net/codec/l4.ts";
import { arpRequest, harness, quietConfig, ROUTER_IP, ROUTER_MAC, tcp, VIP } from "../../firmware/harness.ts";

const elf = readFileSync(new URL("../../../firmware/build/switchpath.elf", import.meta.url));

function images() {
  const h = harness(quietConfig(4));
  h.fw.now = () => 1e6;
  const routers = h.fw.routers.map((r) => ({ ...r, assigned: 0 }));
  const alone = new SwitchImage(elf), job = new SwitchImage(elf);
  alone.configure(h.fw.config, h.fw.clusters, routers);
  job.configure(h.fw.config, h.fw.clusters, routers);
  job.startInterrupts();
  return { h, alone, job };
}

/** A stream: new connections, their segments and FINs, the router's ARP requests, a frame too short to parse. */
function stream(n: number): [Uint8Array, number][] {
  const out: [Uint8Array, number][] = [];
  for (let i = 0; i < n; i++) {
    const c = 0xc6336400 + (i % 7), port = 1024 + (i % 5);
    if (i % 11 === 5) out.push([arpRequest(ROUTER_MAC(0), ROUTER_IP(0), VIP), 0]);
    else if (i % 13 === 7) out.push([tcp(c, port).slice(0, 20), 0]);
    else out.push([tcp(c, port, i % 10 === 0 ? TcpFlag.SYN : i % 10 === 9 ? TcpFlag.FIN | TcpFlag.ACK : TcpFlag.ACK), 0]);
  }
  return out;
}

describe("the per-frame job in C", () => {
  it("decides each frame as the decision alone does, hands back what leaves, returns every buffer", () => {
    const { alone, job } = images();
    const a = {} as SwitchCall, j = {} as SwitchCall;
    const frames = stream(100);
    let handed = 0;
    frames.forEach(([bytes, ingress], n) => {
      alone.frame(bytes, ingress, 1e6 + n * 1e6, a);
      job.job(bytes, ingress, 1e6 + n * 1e6, j);
      expect([j.verdict, j.cause, j.path, j.cluster, j.server], `frame ${n}`).toEqual([a.verdict, a.cause, a.path, a.cluster, a.server]);
      expect(job.jobFrameOut(bytes.length), `frame ${n} out`).toEqual(alone.frameOut(bytes.length));
      if (a.verdict >= 0) {
        handed++;
        expect([j.handedPort, j.handedBuffer], `frame ${n}: BUFFER_REQUEST`).toEqual([a.verdict, n % RING_BUFFERS]);
      } else expect(j.handedPort, `frame ${n}: no hand-back`).toBe(-1);
      // the job costs more than the decision: entry, descriptor, counters' call, hand-back, buffer, exit
      expect(j.instructions).toBeGreaterThan(a.instructions);
    });
    expect(handed).toBeGreaterThan(50);
    expect(job.counts()).toEqual(alone.counts());
    expect(job.cluster(0)).toEqual(alone.cluster(0));
    for (let i = 0; i < 4; i++) expect(job.server(0, i)).toEqual(alone.server(0, i));
    expect(job.table()).toEqual(alone.table());
    expect(job.ringState()).toEqual({ next: frames.length % RING_BUFFERS, taken: frames.length, returned: frames.length, handedBack: handed, outOfOrder: 0, spurious: 0, otherInterrupts: 0 });
    expect(job.ring.returned).toBe(frames.length);
    expect([job.ring.misreturned, job.ring.unknown]).toEqual([0, 0]);
  });

  it("writes the rewritten header line back before the hand-back (CACHE Hit_Writeback_D)", () => {
    const { job } = images();
    const j = {} as SwitchCall;
    job.job(tcp(0xc6336401, 2000, TcpFlag.SYN), 0, 1e6, j);
    expect(j.verdict).toBeGreaterThanOrEqual(0);
    const core = job.machine.core, line = job.machine.address("cpu_ring") + 10;
    // the destination MAC's line is in the D-cache (the job wrote it) and clean (written back)
    expect(core.dcache.writeback(line)).toBe(false);
    expect(job.jobFrameOut(6)).toEqual(Uint8Array.of(0x02, 0, 0, 0, 0x02, j.server)); // SERVER_MAC(i)
  });

  it("pays for the ring's registers: one uncached read (the cause; the buffer is the ring's next) at the device latency, posted writes", () => {
    const { job } = images();
    const core = job.machine.core, p = job.machine.port.params, j = {} as SwitchCall;
    const u0 = core.stalls[StallCause.Uncached]!, r0 = core.uncachedReads, w0 = core.uncachedWrites;
    job.job(tcp(0xc6336401, 2000, TcpFlag.SYN), 0, 1e6, j);
    expect(core.uncachedReads - r0).toBe(1);
    expect(core.uncachedWrites - w0).toBe(2); // BUFFER_REQUEST, the buffer's return
    expect(core.stalls[StallCause.Uncached]! - u0).toBe(p.deviceReadCycles + 2 * p.deviceWriteCycles);
  });
});
