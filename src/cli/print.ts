/** Terminal summaries of run records: aligned, with a unit on every figure. */
import chalk from "chalk";
import type { RunRecord } from "../scenarios/registry.ts";
import { runSpeed, type TimedRecord } from "../scenarios/speed.ts";

const fmt = (x: number, digits = 2) => (Number.isInteger(x) ? x.toLocaleString("en-US") : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function rows(obj: unknown, prefix = ""): [string, string][] {
  if (obj === null || typeof obj !== "object") return [[prefix, typeof obj === "number" ? fmt(obj) : String(obj)]];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) out.push(...rows(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

/** A number in a record by dotted path ("delivered.inboundMbps"). */
function field(r: RunRecord, path: string): number {
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], r) as number;
}

/** A header and rows as column-aligned lines, two spaces apart: columns where `left(i)` padded to the right, the others to the left. */
function aligned(head: string[], rows: string[][], left: (i: number) => boolean): { head: string; rows: string[] } {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => (left(i) ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ");
  return { head: line(head), rows: rows.map(line) };
}

/** Prints a record as `key  value` lines; keys carry their unit (…Mbps, …Us, …Fps). */
export function printRun(r: RunRecord): void {
  console.log(chalk.bold(`${r.scenario}`) + chalk.dim(`  seed ${r.seed}, ${fmt(r.simulatedSeconds * 1000, 3)} ms simulated in ${fmt(r.wallSeconds, 3)} s`));
  const { scenario: _s, seed: _d, simulatedSeconds: _t, wallSeconds: _w, ...rest } = r;
  const lines = rows(rest);
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`  ${k.padEnd(width)}  ${chalk.cyan(v.padStart(14))}`);
}

/** One aligned table, a row per board run, units in the headers. */
export function printBoardTable(runs: RunRecord[]): void {
  const cols: [string, (r: RunRecord) => string][] = [
    ["board", (r) => String(r["board"])],
    ["in Mb/s", (r) => field(r, "delivered.inboundMbps").toFixed(1)],
    ["out Mb/s", (r) => field(r, "delivered.outboundMbps").toFixed(1)],
    ["in kfps", (r) => (field(r, "delivered.inboundFps") / 1e3).toFixed(1)],
    ["out kfps", (r) => (field(r, "delivered.outboundFps") / 1e3).toFixed(1)],
    ["CPU %", (r) => (100 * field(r, "cpu.utilization")).toFixed(1)],
    ["CPU/in frame", (r) => field(r, "cpu.interventionsPerInboundFrame").toFixed(2)],
    ["CPU/out frame", (r) => field(r, "cpu.interventionsPerOutboundFrame").toFixed(2)],
    ["cycles/job", (r) => field(r, "cpu.cyclesPerIntervention").toFixed(0)],
    ["p99 in us", (r) => field(r, "latencyUs.inbound.p99").toFixed(1)],
    ["p99 out us", (r) => field(r, "latencyUs.outbound.p99").toFixed(1)],
    ["drops", (r) => String(Object.entries((r["frames"] as { dropped: Record<string, number> }).dropped).filter(([k]) => k !== "switch.consumed").reduce((s, [, n]) => s + n, 0))],
    ["bottleneck (util %)", (r) => `${(r["bottleneck"] as { resource: string }).resource} (${(100 * field(r, "bottleneck.utilization")).toFixed(1)})`],
  ];
  const t = aligned(cols.map(([h]) => h), runs.map((r) => cols.map(([, f]) => f(r))), (i) => i === 0 || i === cols.length - 1);
  const r0 = runs[0]!;
  console.log(chalk.bold(`${r0.scenario}`) + chalk.dim(`  seed ${r0.seed}, ${fmt(r0.simulatedSeconds * 1000, 1)} ms simulated per board, load ${(r0 as { load?: number }).load ?? ""}`));
  console.log(chalk.bold(t.head));
  for (const l of t.rows) console.log(l);
  const wall = runs.reduce((s, r) => s + r.wallSeconds, 0);
  console.log(chalk.dim(`offered: ${field(r0, "offered.inboundMbps").toFixed(1)} Mb/s in, ${field(r0, "offered.outboundMbps").toFixed(1)} Mb/s out; ${fmt(wall, 2)} s wall in all`));
  printSpeed(runs, (r) => String(r["board"]));
  noteHealthChanges(runs, (r) => String(r["board"]));
}

/**
 * How fast each run simulated (OMNeT++'s P, E and R, and frames per wall second), a line per run,
 * under a table. Wall time includes building the board (src/scenarios/speed.ts).
 */
export function printSpeed(runs: RunRecord[], label: (r: RunRecord) => string): void {
  if (!runs.every((r) => typeof r["events"] === "number" && typeof (r["frames"] as { injected?: unknown } | undefined)?.injected === "number")) return;
  const rows = runs.map((r) => {
    const s = runSpeed(r as unknown as TimedRecord);
    return [label(r), Math.round(s.framesPerWallSecond).toLocaleString("en-US"), (s.eventsPerWallSecond / 1e6).toFixed(2), (s.eventsPerSimulatedSecond / 1e6).toFixed(2), s.simulatedSecondsPerWallSecond.toFixed(3)];
  });
  const t = aligned(["speed", "frames/wall s", "P M events/wall s", "E M events/sim s", "R sim s/wall s"], rows, (i) => i === 0);
  console.log(chalk.dim(t.head));
  for (const l of t.rows) console.log(chalk.dim(l));
  console.log(chalk.dim("(wall time includes building each board, and the first run warms the JIT; npm run bench -- system measures 100 ms after a warm-up)"));
}

/** A line naming the runs in which health monitoring declared servers or routers down (their results include failovers). */
export function noteHealthChanges(runs: RunRecord[], label: (r: RunRecord) => string): void {
  const hit = runs.filter((r) => {
    const h = r["health"] as { serverDowns: number; routerDowns: number } | undefined;
    return h !== undefined && h.serverDowns + h.routerDowns > 0;
  });
  if (hit.length === 0) return;
  const what = hit.map((r) => {
    const h = r["health"] as { serverDowns: number; routerDowns: number };
    return `${label(r)} (${h.serverDowns} server, ${h.routerDowns} router)`;
  });
  console.log(chalk.yellow(`health checks declared servers or routers down in: ${what.join(", ")}; probes went unanswered within the timeout, so these results include failovers (health.* in the JSON)`));
}

/** The hosts table: per board, what the clients and servers saw. */
export function printHostsTable(runs: RunRecord[]): void {
  type K = { started: number; completed: number; timeout: number; reset: number; completionUs: { count: number; p50: number; p99: number } };
  const kinds = (r: RunRecord) => Object.values((r["hosts"] as { flows: { byKind: Record<string, K> } }).flows.byKind);
  const sum = (r: RunRecord, f: (k: K) => number) => kinds(r).reduce((s, k) => s + f(k), 0);
  const web = (r: RunRecord) => (r["hosts"] as { flows: { byKind: Record<string, K> } }).flows.byKind["web"];
  const cols: [string, (r: RunRecord) => string][] = [
    ["board", (r) => String(r["board"])],
    ["in Mb/s", (r) => field(r, "delivered.inboundMbps").toFixed(1)],
    ["out Mb/s", (r) => field(r, "delivered.outboundMbps").toFixed(1)],
    ["flows", (r) => String(sum(r, (k) => k.started))],
    ["done %", (r) => ((100 * sum(r, (k) => k.completed)) / Math.max(1, sum(r, (k) => k.started))).toFixed(1)],
    ["timeouts", (r) => String(sum(r, (k) => k.timeout))],
    ["resets", (r) => String(sum(r, (k) => k.reset))],
    ["web p50 ms", (r) => (web(r) ? (web(r)!.completionUs.p50 / 1000).toFixed(2) : "-")],
    ["web p99 ms", (r) => (web(r) ? (web(r)!.completionUs.p99 / 1000).toFixed(2) : "-")],
    ["p99 in us", (r) => field(r, "hosts.latencyUs.inbound.p99").toFixed(0)],
    ["p99 out us", (r) => field(r, "hosts.latencyUs.outbound.p99").toFixed(0)],
    ["CPU %", (r) => (100 * field(r, "cpu.utilization")).toFixed(1)],
    ["drops", (r) => String(field(r, "frames.droppedTotal"))],
    ["bottleneck (util %)", (r) => `${(r["bottleneck"] as { resource: string }).resource} (${(100 * field(r, "bottleneck.utilization")).toFixed(1)})`],
  ];
  const t = aligned(cols.map(([h]) => h), runs.map((r) => cols.map(([, f]) => f(r))), (i) => i === 0 || i === cols.length - 1);
  const r0 = runs[0]!;
  console.log(chalk.bold(`${r0.scenario}`) + chalk.dim(`  seed ${r0.seed}, ${fmt(r0.simulatedSeconds * 1000, 1)} ms simulated per board`));
  console.log(chalk.bold(t.head));
  for (const l of t.rows) console.log(l);
  const wall = runs.reduce((s, r) => s + r.wallSeconds, 0);
  console.log(chalk.dim(`offered: ${field(r0, "offered.inboundMbps").toFixed(1)} Mb/s in, ${field(r0, "offered.outboundMbps").toFixed(1)} Mb/s out; ${fmt(wall, 2)} s wall in all`));
  printSpeed(runs, (r) => String(r["board"]));
  noteHealthChanges(runs, (r) => String(r["board"]));
}

/** The saturation table: simulated saturation beside the analytic bound. */
export function printSaturationTable(runs: RunRecord[]): void {
  type Sat = { load: number; offeredMbps: number; deliveredMbps: number; boundMbps: number; boundResource: string };
  const rows = runs.map((r) => {
    const s = r["saturation"] as Sat, b = r["bottleneck"] as { resource: string; utilization: number };
    return [String(r["board"]), s.load.toFixed(3), s.offeredMbps.toFixed(1), s.deliveredMbps.toFixed(1), s.boundMbps.toFixed(1), `${((100 * s.deliveredMbps) / s.boundMbps).toFixed(0)} %`, s.boundResource, `${b.resource} (${(100 * b.utilization).toFixed(1)})`];
  });
  const head = ["board", "load", "offered Mb/s", "delivered Mb/s", "bound Mb/s", "of bound", "bound by", "simulated bottleneck (util %)"];
  const t = aligned(head, rows, (i) => i === 0 || i >= 6);
  console.log(chalk.bold(`saturate`) + chalk.dim(`  workload ${String(runs[0]!["workload"])}, seed ${runs[0]!.seed}, ${fmt(runs[0]!.simulatedSeconds * 1000, 1)} ms per probe; drops < 0.1 %`));
  console.log(chalk.bold(t.head));
  for (const l of t.rows) console.log(l);
}

/** The sweep table: one row per offered load. */
export function printSweepTable(runs: RunRecord[]): void {
  const head = ["load", "offered Mb/s", "delivered Mb/s", "drops %", "p99 in us", "p99 out us", "CPU %", "bottleneck (util %)"];
  const rows = runs.map((r) => [
    String(r["load"]), (field(r, "offered.inboundMbps") + field(r, "offered.outboundMbps")).toFixed(1), (field(r, "delivered.inboundMbps") + field(r, "delivered.outboundMbps")).toFixed(1),
    (100 * (r["dropRate"] as number)).toFixed(2), field(r, "latencyUs.inbound.p99").toFixed(1), field(r, "latencyUs.outbound.p99").toFixed(1), (100 * field(r, "cpu.utilization")).toFixed(1),
    `${(r["bottleneck"] as { resource: string }).resource} (${(100 * field(r, "bottleneck.utilization")).toFixed(1)})`,
  ]);
  const t = aligned(head, rows, (i) => i === head.length - 1);
  console.log(chalk.bold(`sweep`) + chalk.dim(`  board ${String(runs[0]!["board"])}, workload ${String(runs[0]!["workload"])}, seed ${runs[0]!.seed}, ${fmt(runs[0]!.simulatedSeconds * 1000, 1)} ms per load`));
  console.log(chalk.bold(t.head));
  for (const l of t.rows) console.log(l);
  printSpeed(runs, (r) => `load ${String(r["load"])}`);
  noteHealthChanges(runs, (r) => `load ${String(r["load"])}`);
}
