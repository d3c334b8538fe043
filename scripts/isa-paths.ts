/**
 * `npm run isa:paths [-- options]`: what the switch's per-frame decision costs on the
 * instruction-level R4700, per path, measured by running the C path (firmware/build/switchpath.elf,
 * through src/hw/cpu/isa/switch-host.ts) on a stream of TCP connections: each opens with a SYN
 * (the new-flow path), sends `--segments` segments (the established path) and closes with a FIN;
 * every 50th frame is the router's ARP request for the virtual IP (the ARP path: proxy ARP).
 * Connections overlap at random (seeded), so the flow table holds up to `--concurrent` flows and
 * the caches see the table's real addresses. Prints, per path: frames, instructions, cycles, CPI
 * and I-/D-cache misses per frame, over the frames after the warm-up (the caches and table warm),
 * and the very first frame (everything cold).
 *
 * What one frame covers: main() of switchpath.c, the decision alone (from the parse to the MAC
 * rewrite, and the counters); with `--job`, the whole per-frame job (switch-host.ts `job`: the
 * frame in a CPU buffer raises Int0; the interrupt's entry, the descriptor read, the decision, the
 * counters, the write-back of the rewritten line, the hand-back, the buffer's return, the exit),
 * its device registers answering at the fixed latency `--device-read-cycles` (an assumption).
 * Memory: a fixed latency per line fill and write-back (`--read-cycles`, `--write-cycles`).
 *
 *   npm run isa:paths
 *   npm run isa:paths -- --concurrent 4000 --policy least-connections
 *
 * Bad input gets one line naming the problem and exit code 2.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { DEFAULT_FLOW_TABLE_SIZE, SwitchConfigSchema, POLICIES } from "../src/firmware/config.ts";
import { FlowSwitch } from "../src/firmware/flow-switch.ts";
import { FW_PATHS } from "../src/firmware/paths.ts";
import { SwitchImage, type SwitchCall } from "../src/hw/cpu/isa/switch-host.ts";
import { STALL_CAUSES } from "../src/hw/cpu/isa/timing.ts";
import { ROUTER_IP, ROUTER_MAC, tcpStream, VIP, VMAC } from "./tcp-stream.ts";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${v}"`);
  return n;
}

interface Options {
  connections: number;
  concurrent: number;
  segments: number;
  servers: number;
  policy: string;
  table: number;
  readCycles: number;
  writeCycles: number;
  deviceReadCycles: number;
  job?: boolean;
  seed: number;
}

function measure(o: Options): string {
  const elf = readFileSync(new URL("../firmware/build/switchpath.elf", import.meta.url));
  const cfg = SwitchConfigSchema.parse({
    clusters: [{ name: "web", vip: VIP, vmac: VMAC, policy: o.policy, servers: Array.from({ length: o.servers }, (_, i) => ({ name: `s${i}`, mac: 0x020000000200 + i, port: 4 + i, weight: 1 + (i % 3) })) }],
    routerPools: [{ name: "pool", routers: [{ name: "r0", ip: ROUTER_IP, mac: ROUTER_MAC, port: 0 }] }],
    flowTableSize: o.table, // the Maglev table: config.ts's default size (65,537)
  });
  // the TypeScript firmware builds the cluster state (Maglev table included) the host writes
  const fw = new FlowSwitch(cfg);
  const img = new SwitchImage(elf, { latency: { readCycles: o.readCycles, writeCycles: o.writeCycles, deviceReadCycles: o.deviceReadCycles, deviceWriteCycles: 0 } });
  img.configure(fw.config, fw.clusters, fw.routers.map((r) => ({ ...r, assigned: 0 })));
  if (o.job) img.startInterrupts();
  let now = 1e6;
  const call = {} as SwitchCall;
  const sums = FW_PATHS.map(() => ({ frames: 0, instructions: 0, cycles: 0, iMisses: 0, dMisses: 0, stalls: new Float64Array(STALL_CAUSES.length) }));
  const core = img.machine.core, before = new Float64Array(STALL_CAUSES.length);
  const warmup = Math.floor(o.connections / 10);
  let first: SwitchCall | undefined, firstPath = "";
  const wrong: string[] = [];
  for (const { bytes, started } of tcpStream(o)) {
    now += 1e6; // 1 us between frames
    before.set(core.stalls);
    if (o.job) img.job(bytes, 0, now, call);
    else img.frame(bytes, 0, now, call);
    if (call.verdict < 0) wrong.push(`a frame was ${call.verdict === -1 ? "dropped" : "not handled"}`);
    if (!first) (first = { ...call }), (firstPath = FW_PATHS[call.path]!);
    if (started <= warmup) continue;
    const t = sums[call.path]!;
    t.frames++;
    t.instructions += call.instructions;
    t.cycles += call.cycles;
    t.iMisses += call.iMisses;
    t.dMisses += call.dMisses;
    for (let k = 0; k < before.length; k++) t.stalls[k]! += core.stalls[k]! - before[k]!;
  }
  if (wrong.length) throw new Error(wrong[0]);
  const f1 = (v: number) => v.toFixed(1), f2 = (v: number) => v.toFixed(2);
  const lines = [
    `switchpath.elf, ${o.job ? `the whole per-frame job (device reads ${o.deviceReadCycles} cycles, writes posted)` : "the decision alone"}, ${o.policy}, ${o.servers} servers, Maglev table ${fw.clusters[0]!.maglev.length}, flow table ${o.table} flows (${img.table()[0]} live at the end), ${o.connections} connections of SYN + ${o.segments} segments + FIN, up to ${o.concurrent} open at once; line fill ${o.readCycles} cycles, write-back ${o.writeCycles}`,
    `per frame, after the first ${warmup} connections (caches and table warm):`,
    `| path | frames | instructions | cycles | CPI | I-cache misses | D-cache misses | stall cycles by cause |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
  ];
  sums.forEach((t, i) => {
    if (t.frames) lines.push(`| ${FW_PATHS[i]} | ${t.frames} | ${f1(t.instructions / t.frames)} | ${f1(t.cycles / t.frames)} | ${f2(t.cycles / t.instructions)} | ${f2(t.iMisses / t.frames)} | ${f2(t.dMisses / t.frames)} | ${STALL_CAUSES.map((n, k) => [n, t.stalls[k]! / t.frames] as const).filter(([, v]) => v > 0).map(([n, v]) => `${n} ${f1(v)}`).join(", ")} |`);
  });
  lines.push(`the first frame (${firstPath}, caches cold): ${first!.instructions} instructions, ${first!.cycles} cycles, ${first!.iMisses} I-cache and ${first!.dMisses} D-cache misses`);
  return lines.join("\n");
}

const program = new Command("isa:paths")
  .description("measure the C per-frame path (switchpath.elf) per path on the instruction-level R4700")
  .option("--connections <n>", "TCP connections in the stream", positiveInt, 4000)
  .option("--concurrent <n>", "connections open at once at most", positiveInt, 1000)
  .option("--segments <n>", "segments per connection between its SYN and its FIN", positiveInt, 8)
  .option("--servers <n>", "servers in the cluster (at most 16)", positiveInt, 8)
  .option("--policy <name>", `scheduling policy (${POLICIES.filter((p) => p !== "optimal-workload").join(", ")})`, "round-robin")
  .option("--table <n>", `flow-table capacity in flows (at most ${DEFAULT_FLOW_TABLE_SIZE}, config.ts's default)`, positiveInt, DEFAULT_FLOW_TABLE_SIZE)
  .option("--read-cycles <n>", "line fill latency in CPU cycles", positiveInt, 26)
  .option("--write-cycles <n>", "dirty line write-back latency in CPU cycles", positiveInt, 26)
  .option("--job", "measure the whole per-frame job (interrupt to return), not the decision alone")
  .option("--device-read-cycles <n>", "--job: an uncached device register read, in CPU cycles (assumption)", positiveInt, 100)
  .option("--seed <n>", "seed of the connections' interleaving", positiveInt, 1)
  .showHelpAfterError(false)
  .exitOverride()
  .configureOutput({ outputError: () => {} })
  .action((o: Options) => {
    if (!(POLICIES as readonly string[]).includes(o.policy) || o.policy === "optimal-workload") throw new InvalidArgumentError(`--policy: "${o.policy}" is not one the C path ports`);
    if (o.servers > 16) throw new InvalidArgumentError(`--servers: at most 16, got ${o.servers}`);
    process.stdout.write(measure(o) + "\n");
  });

try {
  program.parse(process.argv);
} catch (e) {
  if (e instanceof CommanderError && (e.code === "commander.helpDisplayed" || e.code === "commander.version")) process.exit(0);
  const msg = e instanceof Error ? e.message.replace(/^error: /, "") : String(e);
  if (e instanceof CommanderError || e instanceof InvalidArgumentError || e instanceof RangeError) {
    process.stderr.write(`isa:paths: ${msg.split("\n")[0]}\n`);
    process.exit(2);
  }
  throw e;
}
