/**
 * The flat profile by op (op-profile.ts) on the C per-frame job: every instruction of a job counts
 * to exactly one op (but the idle loop's branch), each op of an established frame is called once,
 * and a straight-line op function counts exactly its own instructions (its size in the ELF / 4).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OpProfile } from "../../../src/hw/cpu/isa/op-profile.ts";
import { SwitchImage, type SwitchCall } from "../../../src/hw/cpu/isa/switch-host.ts";
import { TcpFlag } from "../../../src/net/codec/l4.ts";
import { MEASURED } from "../../../scripts/op-costs.ts";
import { harness, quietConfig, tcp } from "../../firmware/harness.ts";

const elf = readFileSync(new URL("../../../firmware/build/switchpath.elf", import.meta.url));

describe("OpProfile on the per-frame job", () => {
  const h = harness(quietConfig(3));
  const img = new SwitchImage(elf);
  img.configure(h.fw.config, h.fw.clusters);
  img.startInterrupts();
  const profile = new OpProfile(img.machine.image, MEASURED, "interruptEntry", "interruptExit", "__exception_return");
  const call = {} as SwitchCall, core = img.machine.core;
  img.job(tcp(0xc6336401, 2000, TcpFlag.SYN), 0, 1e6, call); // the flow's entry exists: the next frame is established
  core.tracer = profile;
  const n0 = core.instructions;
  img.job(tcp(0xc6336401, 2000, TcpFlag.ACK), 0, 2e6, call);
  core.tracer = undefined;
  const by = Object.fromEntries(MEASURED.map((m, i) => [m.op, profile.totals[i]!]));

  it("counts every instruction of the job to one op, but the idle loop's branch", () => {
    const sum = profile.totals.reduce((a, t) => a + t.instructions, 0);
    expect(sum + profile.unattributed).toBe(core.instructions - n0);
    expect(profile.unattributed).toBeLessThanOrEqual(1);
    expect(call.path).toBe(0); // established
  });

  it("calls each op of an established frame once, and none of the new-flow or ARP ops", () => {
    for (const op of ["interruptEntry", "interruptExit", "descriptorRead", "headerParse", "flowHash", "flowLookup", "macRewrite", "countersUpdate", "cacheFlush", "handBack", "bufferManage"]) expect(by[op]!.calls, op).toBe(1);
    for (const op of ["flowInsert", "schedule", "arpProcess", "arpReply"]) expect(by[op]!.calls, op).toBe(0);
  });

  it("counts a straight-line op function's own instructions: its size / 4", () => {
    const size = (f: string) => img.machine.image.symbols.get(f)!.size / 4;
    expect(by.macRewrite!.instructions).toBe(size("mac_rewrite"));
    expect(by.handBack!.instructions).toBe(size("hand_back"));
  });
});
