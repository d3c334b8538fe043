/**
 * scripts/op-costs-control.ts `measureControl`: the control plane's ops measured on control.elf.
 * The flat profile's figures against what the C's structure fixes: the CAM's ops make exactly the
 * register protocol's accesses (a look-up: the key's four words loaded and written, one read; a
 * write cycle: those, the address, the command, the status read), a checksum update one load and
 * one store of the field, and each op's instructions a call agree with the calls' own counts
 * (each call also runs the idle loop's one branch it returns to).
 */
import { describe, expect, it } from "vitest";
import { CONTROL_OPS, measureControl } from "../../../scripts/op-costs-control.ts";

describe("measureControl", () => {
  const m = measureControl({ rounds: 40 });
  const row = (op: string) => m.rows.find((r) => r.op === op)!;

  it("measures every control op, each called", () => {
    expect(m.rows.map((r) => r.op)).toEqual(CONTROL_OPS.map((o) => o.op));
    for (const r of m.rows) expect(r.calls, r.op).toBeGreaterThan(0);
  });

  it("counts the CAM's and the checksum's accesses as their register protocol and RFC 1624 fix them", () => {
    expect(row("camLookup").accessesPerCall).toBe(4 + 4 + 1);
    expect(row("camWrite").accessesPerCall).toBe(4 + 4 + 2 + 1);
    expect(row("checksumUpdate").accessesPerCall).toBe(2);
  });

  it("agrees with each call's own instruction count", () => {
    for (const op of ["healthProbe", "timerTick", "balanceRound", "camLookup", "camWrite"]) {
      const v = Object.values(m.variants[op]!);
      const calls = v.reduce((a, x) => a + x.calls, 0), mean = v.reduce((a, x) => a + x.calls * x.instructionsPerCall, 0) / calls;
      expect(calls, op).toBe(row(op).calls);
      // camLookup / camWrite are called through a shim (cam_lookup_at / cam_write_at) that is no op
      if (op.startsWith("cam")) expect(mean, op).toBeGreaterThan(row(op).instructionsPerCall);
      else expect(mean - 1, op).toBeCloseTo(row(op).instructionsPerCall, 6);
    }
  });

  it("charges an ARP probe less than the kinds with IP and transport checksums", () => {
    const p = m.variants.healthProbe!;
    for (const k of ["icmp", "tcp", "load"]) expect(p.arp!.instructionsPerCall, k).toBeLessThan(p[k]!.instructionsPerCall);
  });
});
