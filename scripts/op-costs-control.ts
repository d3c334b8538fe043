/**
 * The control plane's ops measured on the instruction-level R4700 (issue 17, item 3): healthProbe,
 * timerTick, balanceRound, addressRewrite, checksumUpdate, camLookup and camWrite, from their C
 * (firmware/c/switch/probe.c, probetimer.c, balance.c, nat.c, cam.c; image firmware/build/control.elf)
 * run on the stand-alone machine (control-host.ts) many times with varied inputs under OpProfile
 * (op-profile.ts: each instruction to the innermost op function on the call stack). scripts/op-costs.ts
 * takes its rows for these ops from here. docs/hardware.md "The op table, measured".
 *
 * The inputs (seeded, deterministic):
 *   - probes: 32 targets, 8 of each kind (ARP, ICMP echo, TCP SYN, load query), timeouts of 1 to 3
 *     intervals, rounds of one probe to each; 85 % answered in the round they were sent, the ports'
 *     counts moving now and then (voided and excused probes); each target's deadline judged when its
 *     timer comes due (timerTick). The healthProbe row is the four kinds' mean (the op table has one
 *     count for every kind; `variants` gives each kind's).
 *   - balanceRound: 4 clusters of 8 servers (scripts/op-costs.ts's stream has 8), random counters;
 *     every eligible server has reported a load in half the rounds (by load: a DIVU and 24
 *     fraction bits by shift and subtract), not in the other half (by flows: no division).
 *   - NAT: random TCP and UDP packets, either address rewritten (nat.ts `rewrite`: one addressRewrite,
 *     one or two checksumUpdates; `nat_rewrite`'s own glue counts to addressRewrite).
 *   - CAM: random keys looked up (hit or miss), written and cleared.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { OpProfile, type OpFunctions } from "../src/hw/cpu/isa/op-profile.ts";
import { CAM_CMD_CLEAR, CAM_CMD_WRITE, ControlImage, MAX_PORTS, PROBE_KINDS, type HostOwServer } from "../src/hw/cpu/isa/control-host.ts";
import { writeTcp, writeUdp } from "../src/net/write.ts";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
export const CONTROL_IMAGE_FILE = resolve(ROOT, "firmware/build/control.elf");

/** The control plane's ops: the functions that are each (the first: whose entries are its calls) and the files they are in. */
export const CONTROL_OPS: readonly (OpFunctions & { files: string })[] = [
  { op: "healthProbe", functions: ["probe_send"], files: "firmware/c/switch/probe.c" },
  { op: "timerTick", functions: ["probe_expire"], files: "firmware/c/switch/probetimer.c" },
  { op: "balanceRound", functions: ["balance_round"], files: "firmware/c/switch/balance.c" },
  { op: "addressRewrite", functions: ["nat_address_rewrite", "nat_rewrite"], files: "firmware/c/switch/nat.c (`nat_rewrite`: the rewrite's glue)" },
  { op: "checksumUpdate", functions: ["nat_checksum_update"], files: "firmware/c/switch/nat.c" },
  { op: "camLookup", functions: ["cam_lookup"], files: "firmware/c/switch/cam.c" },
  { op: "camWrite", functions: ["cam_write"], files: "firmware/c/switch/cam.c" },
];

export interface ControlOpRow {
  op: string;
  functions: readonly string[];
  files: string;
  calls: number;
  instructionsPerCall: number;
  /** loads and stores (cached and uncached) per call */
  accessesPerCall: number;
  /** the stand-alone machine's pipeline cycles per call (its fixed-latency memory and device port: fixed-latency.ts) */
  cyclesPerCall: number;
}

export interface ControlMeasurement {
  rows: ControlOpRow[];
  /** per op, per input class (probe kind, balance path, CAM hit / miss / write / clear): calls and instructions per call, from each call's own count */
  variants: Record<string, Record<string, { calls: number; instructionsPerCall: number }>>;
  /** instructions outside every op (the entry shims cam_lookup_at / cam_write_at, probe_answer) */
  unattributed: number;
}

export interface ControlOptions {
  /** probe rounds, balance rounds, NAT packets, CAM operations */
  rounds: number;
  seed: number;
}

/** mulberry32: a small seeded generator (no Math.random: the figures are reproducible). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const INTERVAL = 1_000_000_000;

export function measureControl(opts: Partial<ControlOptions> = {}, elf: Uint8Array = readFileSync(CONTROL_IMAGE_FILE)): ControlMeasurement {
  const { rounds = 200, seed = 1 } = opts;
  const r = rng(seed), int = (n: number) => Math.floor(r() * n), u32 = () => Math.floor(r() * 2 ** 32);
  const img = new ControlImage(elf);
  const table = [{ op: "interruptEntry", functions: [] }, { op: "interruptExit", functions: [] }, ...CONTROL_OPS.map((o) => ({ op: o.op, functions: o.functions, primary: o.primary }))];
  const profile = new OpProfile(img.machine.image, table, "interruptEntry", "interruptExit", "__exception_return");
  const variants: ControlMeasurement["variants"] = {};
  const note = (op: string, v: string, instructions: number, on: boolean) => {
    if (!on) return;
    const o = (variants[op] ??= {}), x = (o[v] ??= { calls: 0, instructionsPerCall: 0 });
    x.instructionsPerCall = (x.instructionsPerCall * x.calls + instructions) / (x.calls + 1);
    x.calls++;
  };
  const core = img.machine.core;
  img.devices.logging = false;
  const warm = Math.floor(rounds / 10);
  const profiling = (k: number) => {
    core.tracer = k >= warm ? profile : undefined;
    return k >= warm;
  };

  // ---------- probes ----------
  const TARGETS = 32;
  img.probeSetup(0x0a00_00fe);
  img.txFree();
  const received = new Float64Array(MAX_PORTS), lost = new Float64Array(MAX_PORTS);
  for (let i = 0; i < TARGETS; i++) {
    const timeoutPs = (1 + int(3)) * INTERVAL - 123_457;
    img.writeTarget(i, { kind: PROBE_KINDS[i % 4]!, mac: 0x0200_0000_0000 + u32(), ip: u32(), fromMac: 0x0200_00ff_0001, port: i % MAX_PORTS, l4Port: 80, timeoutPs, rise: 2, fall: 3, ringLength: Math.ceil(timeoutPs / INTERVAL) + 1 + 4 });
  }
  for (let k = 0; k < rounds; k++) {
    const now = (k + 1) * INTERVAL, on = profiling(k);
    for (let i = 0; i < TARGETS; i++) {
      for (let st = img.readTarget(i); st.timerArmed && st.timerPs < now; st = img.readTarget(i)) {
        const c = img.probeExpire(i, st.timerPs);
        note("timerTick", "deadline", c.instructions, on);
      }
    }
    for (let i = 0; i < TARGETS; i++) {
      const c = img.probeSend(i, now);
      note("healthProbe", PROBE_KINDS[i % 4]!, c.instructions, on);
      img.txFree();
      if (r() < 0.85) {
        const tokens = img.readTarget(i).tokens;
        img.probeAnswer(i, i % 4 === 0 ? -1 : tokens[tokens.length - 1]!);
      }
      if (r() < 0.05) received[i]!++;
      if (r() < 0.02) lost[i]!++;
      img.portStats(i, received[i]!, lost[i]!);
    }
  }

  // ---------- balanceRound ----------
  for (let k = 0; k < rounds; k++) {
    const byLoad = k % 2 === 0;
    const servers: HostOwServer[] = Array.from({ length: 8 }, () => ({ loadMilli: int(200_000), active: int(5000), inactive: int(500), weight: 1 + int(3), up: r() < 0.9, removed: false, draining: r() < 0.05, reported: byLoad || r() < 0.5 }));
    const c = k % 4;
    img.writeOwCluster(c, servers);
    const on = profiling(k);
    const x = img.call("balance_round", [c]);
    note("balanceRound", img.readOwCluster(c).byLoad ? "by load" : "by flows", x.instructions, on);
  }

  // ---------- NAT ----------
  const f = new Uint8Array(128);
  for (let k = 0; k < rounds; k++) {
    const tcp = k % 2 === 0, payload = int(40);
    f.fill(0);
    if (tcp) writeTcp(f, 2, 4, u32(), u32(), 1024 + int(60000), 80, u32(), u32(), 0x18, 8192, payload, int(65536));
    else writeUdp(f, 2, 4, u32(), u32(), 1024 + int(60000), 53, payload, int(65536));
    const ipLen = (f[16]! << 8) | f[17]!;
    img.writeNatPacket(f.subarray(14, 14 + ipLen));
    const on = profiling(k);
    const x = img.call("nat_rewrite", [k % 4 < 2 ? 16 : 12, u32(), tcp ? 36 : 26, tcp ? 0 : 1]);
    note("nat_rewrite (one addressRewrite, two checksumUpdates)", tcp ? "TCP" : "UDP", x.instructions, on);
  }

  // ---------- CAM ----------
  for (let k = 0; k < 64; k++) img.writeCamKey(k, [6, u32(), u32(), u32()]);
  for (let k = 0; k < rounds; k++) {
    const on = profiling(k), key = int(64);
    const a = img.call("cam_lookup_at", [key]);
    note("camLookup", a.value >= 0 ? "hit" : "miss", a.instructions, on);
    const cmd = a.value >= 0 && r() < 0.5 ? CAM_CMD_CLEAR : CAM_CMD_WRITE;
    const w = img.call("cam_write_at", [key, a.value >= 0 ? a.value : int(65536), cmd]);
    note("camWrite", cmd === CAM_CMD_WRITE ? "write" : "clear", w.instructions, on);
  }
  core.tracer = undefined;

  const rows = CONTROL_OPS.map((o) => {
    const t = profile.totals[table.findIndex((x) => x.op === o.op)]!;
    if (t.calls === 0) throw new Error(`op ${o.op}: ${o.functions[0]} was never called`);
    return { op: o.op, functions: o.functions, files: o.files, calls: t.calls, instructionsPerCall: t.instructions / t.calls, accessesPerCall: t.accesses / t.calls, cyclesPerCall: t.cycles / t.calls };
  });
  return { rows, variants, unattributed: profile.unattributed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const m = measureControl();
  console.log("| op | C calls | instructions a call | loads and stores a call | cycles a call |\n| --- | --- | --- | --- | --- |");
  for (const x of m.rows) console.log(`| ${x.op} | ${x.calls} | ${x.instructionsPerCall.toFixed(1)} | ${x.accessesPerCall.toFixed(2)} | ${x.cyclesPerCall.toFixed(1)} |`);
  for (const [op, v] of Object.entries(m.variants)) console.log(`${op}: ${Object.entries(v).map(([k, x]) => `${k} ${x.instructionsPerCall.toFixed(1)} (${x.calls} calls)`).join(", ")}`);
}
