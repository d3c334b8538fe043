/** Terminal summaries of run records: aligned, with a unit on every figure. */
import type { AcrossSearches } from "../scenarios/capacity-searches.ts";
import chalk from "chalk";
import type { RunRecord } from "../scenarios/registry.ts";
import { runSpeed, type TimedRecord } from "../scenarios/speed.ts";
import { boardLabel } from "../report/labels.ts";

/** A record's board, labelled with its CPU and timing models when they are not the defaults ("5A (isa)", "5A (tlm)", "5A (isa, tlm)"). */
const boardOf = (r: Record<string, unknown>): string => boardLabel(r);

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

/** A number at `path` with its 95 % half-width (`<path>Ci95`) when the record has one: "58.1 ± 0.4". */
function pm(r: RunRecord, path: string, digits: number, scale = 1): string {
  const x = field(r, path), h = field(r, `${path}Ci95`);
  const v = (x * scale).toFixed(digits);
  return typeof h === "number" && Number.isFinite(h) ? `${v} ± ${(h * scale).toFixed(digits)}` : v;
}

/** Replications behind a record: "3 runs" or "1 run". */
function runsOf(r: RunRecord): number {
  return ((r["replications"] as { n?: number } | undefined)?.n) ?? 1;
}

/** The limiting resource, or "none (busiest: X at Y %)" when nothing is busy enough and queueing to limit (board.ts isLimiting). */
function limitOf(r: RunRecord, path = "bottleneck"): string {
  const b = (path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], r)) as { resource: string; utilization: number; limiting?: boolean } | undefined;
  if (!b) return "-";
  const u = `${(100 * b.utilization).toFixed(1)} %`;
  return b.limiting === false ? `none (busiest: ${b.resource} at ${u})` : `${b.resource} (${u})`;
}

/** Health changes of a record, in words: "none", or "2 down, 1 up: s1 down at 3.2 ms, ...". */
function healthOf(r: RunRecord): string {
  const h = r["health"] as { serverDowns: number; serverUps: number; routerDowns: number; routerUps: number; events?: { atMs: number; name: string; change: string }[] } | undefined;
  if (!h) return "-";
  const n = h.serverDowns + h.serverUps + h.routerDowns + h.routerUps;
  if (n === 0) return "none";
  const ev = (h.events ?? []).slice(0, 3).map((e) => `${e.name} ${e.change} at ${e.atMs.toFixed(1)} ms`).join(", ");
  return `${n.toFixed(0)}: ${ev}${(h.events?.length ?? 0) > 3 ? ", ..." : ""}`;
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
    ["board", (r) => boardOf(r)],
    ["in Mb/s", (r) => pm(r, "delivered.inboundMbps", 1)],
    ["out Mb/s", (r) => pm(r, "delivered.outboundMbps", 1)],
    ["in kfps", (r) => pm(r, "delivered.inboundFps", 1, 1e-3)],
    ["out kfps", (r) => pm(r, "delivered.outboundFps", 1, 1e-3)],
    ["CPU %", (r) => pm(r, "cpu.utilization", 1, 100)],
    ["CPU/in frame", (r) => field(r, "cpu.interventionsPerInboundFrame").toFixed(2)],
    ["CPU/out frame", (r) => field(r, "cpu.interventionsPerOutboundFrame").toFixed(2)],
    ["cycles/job", (r) => pm(r, "cpu.cyclesPerIntervention", 0)],
    ["p99 in us", (r) => pm(r, "latencyUs.inbound.p99", 1)],
    ["p99 out us", (r) => pm(r, "latencyUs.outbound.p99", 1)],
    ["drops", (r) => Object.entries((r["frames"] as { dropped: Record<string, number> }).dropped).filter(([k]) => k !== "switch.consumed" && !k.endsWith("Ci95")).reduce((s, [, n]) => s + n, 0).toFixed(0)],
    ["health changes", (r) => healthOf(r)],
    ["bottleneck (util %)", (r) => limitOf(r)],
  ];
  const t = aligned(cols.map(([h]) => h), runs.map((r) => cols.map(([, f]) => f(r))), (i) => i === 0 || i >= cols.length - 2);
  const r0 = runs[0]!;
  console.log(chalk.bold(`${r0.scenario}`) + chalk.dim(`  seed ${r0.seed}, ${fmt(r0.simulatedSeconds * 1000, 1)} ms measured per board after ${fmt(((r0["warmupSeconds"] as number) ?? 0) * 1000, 1)} ms warm-up, load ${(r0 as { load?: number }).load ?? ""}, ${runsOf(r0)} replication${runsOf(r0) > 1 ? "s (mean ± 95 % interval)" : ""}`));
  console.log(chalk.bold(t.head));
  for (const l of t.rows) console.log(l);
  const wall = runs.reduce((s, r) => s + r.wallSeconds, 0);
  console.log(chalk.dim(`offered: ${field(r0, "offered.inboundMbps").toFixed(1)} Mb/s in, ${field(r0, "offered.outboundMbps").toFixed(1)} Mb/s out; ${fmt(wall, 2)} s wall in all`));
  printSpeed(runs, (r) => boardOf(r));
  printFlowTables(runs, (r) => boardOf(r));
  noteHealthChanges(runs, (r) => boardOf(r));
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

/**
 * The firmware's flow table per run, under a table: occupancy at the end and its high water, new
 * entries, entries reclaimed on expiry, new flows refused because the table was full, and new flows
 * placed by the consistent hash instead of the policy (runs without a flow table are left out).
 * Then a line naming the runs in which the table was full.
 */
export function printFlowTables(runs: RunRecord[], label: (r: RunRecord) => string): void {
  type Ft = { occupancy: number; highWater: number; capacity: number; inserts: number; expired: number; fullRejects: number; fullEpisodes: number; fallbacks: number };
  const withTable = runs.filter((r) => typeof (r["flowTable"] as Ft | undefined)?.capacity === "number");
  if (withTable.length === 0) return;
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  const rows = withTable.map((r) => {
    const f = r["flowTable"] as Ft;
    return [label(r), `${(100 * f.occupancy).toFixed(1)} %`, `${n(f.highWater)} of ${n(f.capacity)}`, n(f.inserts), n(f.expired), n(f.fullRejects), n(f.fallbacks)];
  });
  const t = aligned(["flow table", "occupancy", "high water", "inserts", "expired", "full rejects", "hash fallbacks"], rows, (i) => i === 0);
  console.log(chalk.dim(t.head));
  for (const l of t.rows) console.log(chalk.dim(l));
  const full = withTable.filter((r) => (r["flowTable"] as Ft).fullEpisodes > 0);
  if (full.length === 0) return;
  const what = full.map((r) => `${label(r)} (${n((r["flowTable"] as Ft).fullRejects)} new flows refused)`);
  console.log(chalk.yellow(`the flow table was full in: ${what.join(", ")}; those flows were placed by the consistent hash instead of the policy (flowTable.* and notes in the JSON)`));
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
    ["board", (r) => boardOf(r)],
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
  printSpeed(runs, (r) => boardOf(r));
  printFlowTables(runs, (r) => boardOf(r));
  noteHealthChanges(runs, (r) => boardOf(r));
}

/** The saturation table: each board's capacity (its bracket and figures with intervals) beside the analytic bound, then the bound's terms, binding first. */
export function printSaturationTable(runs: RunRecord[]): void {
  type ConfirmWarmupRecord = { relaxations: number; resource: string; rho: number; serviceUs: number; tauMs: number | null; clamped: "search" | "window" | null };
  type Sat = { load: number; loadInterval: [number, number]; boundMbps: number; boundResource: string; boundLoad: number; ofBound: number; bottleneckMatchesBound: boolean; confirmed: boolean; controlPlaneFailureLoad: number | null; runs: number; boundTerms: { resource: string; kind: string; load: number; formula: string }[]; criterion: { windowMs: number; confirmWindowMs: number; goalWidth: number; replications: number; maxReplications: number; warmupMs?: number; confirmWarmupMs?: number; confirmWarmup?: ConfirmWarmupRecord | null } };
  const rows = runs.map((r) => {
    const s = r["saturation"] as Sat;
    return [
      boardOf(r), `${s.loadInterval[0].toFixed(3)}-${s.loadInterval[1].toFixed(3)}`, pm(r, "delivered.inboundMbps", 1), pm(r, "delivered.outboundMbps", 1),
      s.boundMbps.toFixed(1), `${(100 * s.ofBound).toFixed(0)} %`, s.boundResource, limitOf(r) + (s.bottleneckMatchesBound ? "" : " *"),
      (s.confirmed ? "" : "unconfirmed ") + (s.controlPlaneFailureLoad !== null ? `control plane failed at ${s.controlPlaneFailureLoad.toFixed(3)}` : ""), String(s.runs),
    ];
  });
  const head = ["board", "capacity (load)", "in Mb/s", "out Mb/s", "bound Mb/s", "of bound", "bound by", "simulated bottleneck (util)", "notes", "runs"];
  const t = aligned(head, rows, (i) => i === 0 || (i >= 6 && i <= 8));
  const c = (runs[0]!["saturation"] as Sat).criterion;
  // the confirmation's warm-up is each board's own (k relaxation times of its busiest resource at the lower end, docs/methods.md §6)
  const warm = runs.map((r) => {
    const x = (r["saturation"] as Sat).criterion;
    const w = x.confirmWarmup;
    const why = w ? ` (${w.tauMs === null ? "τ unbounded" : `${w.relaxations} x τ ${w.tauMs.toFixed(1)} ms`}: ${w.resource} ${(100 * w.rho).toFixed(1)} % busy, S ${w.serviceUs.toFixed(1)} us${w.clamped ? `; clamped to the ${w.clamped === "window" ? "window" : "search's warm-up"}` : ""})` : "";
    return `${boardOf(r)} ${x.confirmWarmupMs ?? x.warmupMs ?? "-"} ms${why}`;
  });
  const k = runs.map((r) => (r["saturation"] as Sat).criterion.confirmWarmup?.relaxations).find((x) => x !== undefined);
  console.log(chalk.bold(`saturate`) + chalk.dim(`  workload ${String(runs[0]!["workload"])}, seed ${runs[0]!.seed}: loss <= 0.1 %, no growing backlog, no health change; ${c.windowMs} ms windows after ${c.warmupMs ?? "the"} ms warm-up, confirmed with ${c.confirmWindowMs} ms after ${k ? `${k} relaxation times τ = S / (1 - √ρ)² of the busiest resource at each end's load, within ${c.warmupMs ?? "the search's warm-up"}-${c.confirmWindowMs} ms` : "the same warm-up"}; ${c.replications}-${c.maxReplications} replications per load; bracket within ${(100 * c.goalWidth).toFixed(0)} %`));
  if (k) console.log(chalk.dim(`confirmation warm-up: ${warm.join("; ")}`));
  console.log(chalk.bold(t.head));
  for (const l of t.rows) console.log(l);
  if (rows.some((r) => r[7]!.endsWith("*"))) console.log(chalk.yellow("* the simulated bottleneck is not the resource the bound finds binding"));
  // over independent searches (--searches): the capacity's mean with its interval, and each search's lower end
  for (const r of runs) {
    const x = (r["saturation"] as { searches?: AcrossSearches }).searches;
    if (!x) continue;
    const seeds = `seeds ${x.seeds[0]}-${x.seeds[x.seeds.length - 1]}`;
    const unconfirmed = x.confirmed.filter((c) => !c).length;
    console.log(`${boardOf(r)} over ${x.n} searches (${seeds}): capacity ${x.mean.toFixed(3)}${x.n > 1 ? ` ± ${x.halfWidth.toFixed(3)} (± ${(100 * x.relativeHalfWidth).toFixed(1)} %, 95 %)` : ""}; lower ends ${x.brackets.map((b) => b[0].toFixed(3)).join(", ")}${unconfirmed ? chalk.yellow(`; ${unconfirmed} not confirmed`) : ""}`);
  }
  for (const r of runs) {
    const s = r["saturation"] as Sat;
    console.log(chalk.dim(`${boardOf(r)} bound, each resource's saturation load, the binding one first:`));
    for (const term of s.boundTerms.slice(0, 4)) console.log(chalk.dim(`  ${term.load.toFixed(3)}  ${term.resource.padEnd(20)} ${term.formula}`));
  }
}

/** The main table: per board, its capacity with what limits it and the bound, and what it pays at the reference load. */
export function printCompareTable(runs: RunRecord[]): void {
  type Cap = { load: number; loadInterval: [number, number]; ofBound: number; bound: { resource: string; kind: string; load: number }; bottleneckMatchesBound: boolean; controlPlaneFailureLoad: number | null; criterion: { goalWidth: number } };
  const cap = (r: RunRecord) => r["capacity"] as Cap | undefined;
  const cols: [string, (r: RunRecord) => string][] = [
    ["board", (r) => boardOf(r)],
    ["capacity in Mb/s", (r) => (cap(r) ? pm(r, "capacity.delivered.inboundMbps", 1) : "-")],
    ["out Mb/s", (r) => (cap(r) ? pm(r, "capacity.delivered.outboundMbps", 1) : "-")],
    ["in kfps", (r) => (cap(r) ? pm(r, "capacity.delivered.inboundFps", 1, 1e-3) : "-")],
    ["out kfps", (r) => (cap(r) ? pm(r, "capacity.delivered.outboundFps", 1, 1e-3) : "-")],
    ["load", (r) => (cap(r) ? `${cap(r)!.loadInterval[0].toFixed(2)}-${cap(r)!.loadInterval[1].toFixed(2)}` : "-")],
    ["limited by (util)", (r) => (cap(r) ? limitOf(r, "capacity.bottleneck") : "-")],
    ["of bound", (r) => (cap(r) ? `${(100 * cap(r)!.ofBound).toFixed(0)} %` : "-")],
    ["CPU/in frame", (r) => field(r, "cpu.interventionsPerInboundFrame").toFixed(2)],
    ["CPU/out frame", (r) => field(r, "cpu.interventionsPerOutboundFrame").toFixed(2)],
    ["cycles/intervention", (r) => (field(r, "cpu.interventionsPerInboundFrame") + field(r, "cpu.interventionsPerOutboundFrame") > 0 ? pm(r, "cpu.cyclesPerIntervention", 0) : "-")],
    ["CPU %", (r) => pm(r, "cpu.utilization", 1, 100)],
    ["fabric %", (r) => fabricOf(r)],
    ["health", (r) => healthOf(r)],
  ];
  const t = aligned(cols.map(([h]) => h), runs.map((r) => cols.map(([, f]) => f(r))), (i) => i === 0 || i === 6 || i === cols.length - 1);
  const r0 = runs[0]!;
  const c0 = cap(r0);
  console.log(chalk.bold("compare") + chalk.dim(`  workload ${String(r0["workload"])}, seed ${r0.seed}; capacity: the highest load carried in steady state (loss <= 0.1 %, no growing backlog, no health change)${c0 ? `, bracketed within ${(100 * c0.criterion.goalWidth).toFixed(0)} %` : ""}; CPU and fabric at the reference load ${String(r0["load"])} (${fmt(r0.simulatedSeconds * 1000, 1)} ms after ${fmt(((r0["warmupSeconds"] as number) ?? 0) * 1000, 1)} ms warm-up, ${runsOf(r0)} replication${runsOf(r0) > 1 ? "s" : ""}); ± 95 % intervals`));
  console.log(chalk.bold(t.head));
  for (const l of t.rows) console.log(l);
  const wall = runs.reduce((s, r) => s + r.wallSeconds, 0);
  console.log(chalk.dim(`offered at the reference load: ${field(r0, "offered.inboundMbps").toFixed(1)} Mb/s in, ${field(r0, "offered.outboundMbps").toFixed(1)} Mb/s out; ${fmt(wall, 1)} s of runs at the reference load`));
  printSpeed(runs, (r) => boardOf(r));
  printFlowTables(runs, (r) => boardOf(r));
  noteHealthChanges(runs, (r) => boardOf(r));
}

/** The fabric's utilisation at the reference load (PCI, arbiter or crossbar). */
function fabricOf(r: RunRecord): string {
  const res = r["resources"] as Record<string, Record<string, number>> | undefined;
  const name = res && ["pci", "pci.onboard", "bma", "crossbar"].find((n) => n in res);
  if (!name) return "-";
  const x = res[name]!, h = x["utilizationCi95"];
  return `${(100 * x["utilization"]!).toFixed(1)}${h !== undefined ? ` ± ${(100 * h).toFixed(1)}` : ""} (${name})`;
}

/** The sweep table: one row per offered load. */
export function printSweepTable(runs: RunRecord[]): void {
  const head = ["board", "load", "offered Mb/s", "in Mb/s", "out Mb/s", "loss %", "backlog trend", "p99 in us", "p99 out us", "CPU %", "health changes", "bottleneck (util)"];
  const rows = runs.map((r) => [
    boardOf(r), String(r["load"]), (field(r, "offered.inboundMbps") + field(r, "offered.outboundMbps")).toFixed(1), pm(r, "delivered.inboundMbps", 1), pm(r, "delivered.outboundMbps", 1),
    pm(r, "data.lossRatio", 3, 100), pm(r, "backlog.growth", 0), pm(r, "latencyUs.inbound.p99", 1), pm(r, "latencyUs.outbound.p99", 1), pm(r, "cpu.utilization", 1, 100), healthOf(r), limitOf(r),
  ]);
  const t = aligned(head, rows, (i) => i === 0 || i >= head.length - 2);
  const r0 = runs[0]!;
  console.log(chalk.bold(`sweep`) + chalk.dim(`  workload ${String(r0["workload"])}, seed ${r0.seed}, ${fmt(r0.simulatedSeconds * 1000, 1)} ms per load after ${fmt(((r0["warmupSeconds"] as number) ?? 0) * 1000, 1)} ms warm-up, ${runsOf(r0)} replication${runsOf(r0) > 1 ? "s (mean ± 95 % interval)" : ""}`));
  console.log(chalk.bold(t.head));
  for (const l of t.rows) console.log(l);
  printSpeed(runs, (r) => `${boardOf(r)} load ${String(r["load"])}`);
  printFlowTables(runs, (r) => `${boardOf(r)} load ${String(r["load"])}`);
  noteHealthChanges(runs, (r) => `${boardOf(r)} load ${String(r["load"])}`);
}

/** The scale study: per topology and controller count, the capacity (delivered Mb/s, both ways) and what limits it. */
export function printControllersTable(runs: RunRecord[]): void {
  type Sat = { loadInterval: [number, number]; ofBound: number; boundResource: string };
  const rows = runs.map((r) => {
    const s = r["saturation"] as Sat;
    const total = field(r, "delivered.inboundMbps") + field(r, "delivered.outboundMbps");
    const half = (field(r, "delivered.inboundMbpsCi95") || 0) + (field(r, "delivered.outboundMbpsCi95") || 0);
    return [boardLabel(r, String(r["topology"])), String(r["controllers"]), String(2 * (r["controllers"] as number)), `${total.toFixed(1)} ± ${half.toFixed(1)}`, pm(r, "delivered.inboundMbps", 1), pm(r, "delivered.outboundMbps", 1), `${s.loadInterval[0].toFixed(2)}-${s.loadInterval[1].toFixed(2)}`, limitOf(r), `${(100 * s.ofBound).toFixed(0)} % of ${s.boundResource}`];
  });
  const head = ["topology", "GT-48002s", "ports", "capacity Mb/s", "in Mb/s", "out Mb/s", "load", "limited by (util)", "of bound"];
  const t = aligned(head, rows, (i) => i === 0 || i >= 7);
  console.log(chalk.bold("controllers") + chalk.dim(`  workload ${String(runs[0]!["workload"])} per router and server port, seed ${runs[0]!.seed}: each topology's capacity against its GT-48002 count; ± 95 % intervals`));
  console.log(chalk.bold(t.head));
  for (const l of t.rows) console.log(l);
}
