/**
 * Exactness of the simulation techniques (issue 18 part 1's acceptance): the same board runs with
 * every PCI end of data and of turnaround an event, with deferred completions, and with lazy
 * arbitration (src/hw/pci/bus.ts) must give byte-identical run records (event counts included),
 * bus statistics and pcaps, on every preset and Fig 5D with twelve GT-48002s, three workloads,
 * loads 1 and 3, two seeds. `npm run bench -- exactness` runs that whole matrix (84 settings, three
 * runs each); `npm test` runs a pairwise covering subset of it (test/hw/pci-techniques.test.ts:
 * every board with both loads and both seeds, every workload with both loads and both seeds).
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setDeferredCompletions, setLazyArbitration } from "../src/hw/pci/bus.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";
import { MS } from "../src/sim/time.ts";
import { benchBoard, TLM_BOARDS } from "./tlm-vs-cycle.ts";

/** How the bus runs: every end of data and turnaround an event (the reference), deferred completions, or lazy arbitration (the default). */
export const TECHNIQUES = ["events", "deferred", "lazy"] as const;
export type Technique = (typeof TECHNIQUES)[number];

export function setTechnique(t: Technique): void {
  setDeferredCompletions(t === "deferred");
  setLazyArbitration(t === "lazy");
}

/** The default: what a run uses when no test has switched. */
export function resetTechnique(): void {
  setDeferredCompletions(true);
  setLazyArbitration(true);
}

export interface Setting {
  board: string;
  workload: WorkloadName;
  load: number;
  seed: number;
}

/** The whole acceptance matrix: boards x workloads x loads 1 and 3 x seeds 1 and 2. */
export function fullMatrix(boards: readonly string[] = TLM_BOARDS): Setting[] {
  const out: Setting[] = [];
  for (const board of boards) for (const workload of Object.keys(WORKLOADS) as WorkloadName[]) for (const load of [1, 3]) for (const seed of [1, 2]) out.push({ board, workload, load, seed });
  return out;
}

/**
 * A pairwise covering subset of the matrix: one setting per board and workload, whose load and
 * seed alternate so that every (board, load), (board, seed), (workload, load), (workload, seed)
 * and (load, seed) pair occurs.
 */
export function pairwiseMatrix(boards: readonly string[] = TLM_BOARDS): Setting[] {
  const ws = Object.keys(WORKLOADS) as WorkloadName[];
  return boards.flatMap((board, b) => ws.map((workload, w) => ({ board, workload, load: [1, 3][(b + w) % 2]!, seed: [1, 2][(b + Math.ceil(w / 2)) % 2]! })));
}

/** One run of a setting with a technique: its record (wall time left out) with the bus's own statistics, and a hash of its pcaps. */
export function techniqueRun(s: Setting, t: Technique, durationPs = 8 * MS): { record: string; pcap: string } {
  setTechnique(t);
  const b = benchBoard(s.board);
  if (!b.ok) throw new Error(b.error);
  const dir = mkdtempSync(join(tmpdir(), "flowsim-exact-"));
  try {
    let fabric = "";
    const r = runBoard(b.spec, {
      seed: s.seed, durationPs, load: s.load, ...WORKLOADS[s.workload], pcapDir: dir,
      // the bus's own statistics too (grant waits per master, transactions, queue high water), read at the end
      script: (ctx) => ctx.at(durationPs, () => (fabric = JSON.stringify(ctx.board.fabric.read(ctx.sim.now)))),
    });
    const h = createHash("sha256");
    for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
    return { record: JSON.stringify({ ...r, wallSeconds: undefined }) + fabric, pcap: h.digest("hex") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every technique against the event-by-event reference on one setting: the techniques that differ (record or pcap). */
export function differences(s: Setting, durationPs?: number): string[] {
  const ref = techniqueRun(s, "events", durationPs);
  const bad: string[] = [];
  for (const t of TECHNIQUES.slice(1)) {
    const x = techniqueRun(s, t, durationPs);
    if (x.record !== ref.record) bad.push(`${t}: record`);
    if (x.pcap !== ref.pcap) bad.push(`${t}: pcap`);
  }
  resetTechnique();
  return bad;
}

/** `npm run bench -- exactness`: the whole matrix, a line per setting, and a verdict. */
export function exactnessBench(o: { boards?: string[]; json: boolean }): boolean {
  const t0 = performance.now();
  const settings = fullMatrix(o.boards);
  let failed = 0;
  for (const s of settings) {
    const bad = differences(s);
    if (bad.length) failed++;
    const name = `${s.board} ${s.workload} load ${s.load} seed ${s.seed}`;
    if (o.json) console.log(JSON.stringify({ ...s, identical: bad.length === 0, differences: bad }));
    else console.log(`${name.padEnd(36)} ${bad.length ? `DIFFERS (${bad.join(", ")})` : "identical"}`);
  }
  const wall = (performance.now() - t0) / 1000;
  const summary = { settings: settings.length, techniques: TECHNIQUES.slice(1), identical: settings.length - failed, wallSeconds: +wall.toFixed(1), passes: failed === 0 };
  if (o.json) console.log(JSON.stringify(summary));
  else console.log(`exactness: ${summary.identical} of ${settings.length} settings byte-identical in every technique (${TECHNIQUES.slice(1).join(", ")} against every event), ${wall.toFixed(0)} s: ${failed ? "FAILS" : "passes"}`);
  return failed === 0;
}
