/**
 * Deferred completions (src/hw/pci/bus.ts) are a simulation technique: the same runs with them
 * on and off must give byte-identical records, pcaps included, on every PCI board, from light
 * load to overload (contention, full master queues, latency-timer cuts).
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadBoard } from "../../src/hw/boards/load.ts";
import { setDeferredCompletions } from "../../src/hw/pci/bus.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { WORKLOADS } from "../../src/scenarios/workloads.ts";
import { MS } from "../../src/sim/time.ts";

function run(board: string, load: number, workload: keyof typeof WORKLOADS, deferred: boolean): { record: string; pcap: string } {
  setDeferredCompletions(deferred);
  const b = loadBoard(board);
  if (!b.ok) throw new Error(b.error);
  const dir = mkdtempSync(join(tmpdir(), "flowsim-defer-"));
  let fabric = "";
  const r = runBoard(b.board, {
    seed: 3, durationPs: 8 * MS, load, ...WORKLOADS[workload], pcapDir: dir,
    // the bus's own statistics too (grant waits per master, transactions, queue high water), read at the end
    script: (ctx) => ctx.at(8 * MS, () => (fabric = JSON.stringify(ctx.board.fabric.read(ctx.sim.now)))),
  });
  const h = createHash("sha256");
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return { record: JSON.stringify({ ...r, wallSeconds: undefined }) + fabric, pcap: h.digest("hex") };
}

describe("deferred PCI completions change nothing", () => {
  afterAll(() => setDeferredCompletions(true));
  for (const board of ["5A", "5B", "5C", "5E"]) {
    for (const [load, workload] of [[1, "mixed"], [3, "inbound-heavy"], [3, "outbound-heavy"]] as const) {
      it(`${board} at load ${load} ${workload}: same record (events included) and same pcaps`, () => {
        const on = run(board, load, workload, true);
        const off = run(board, load, workload, false);
        expect(on.record).toBe(off.record);
        expect(on.pcap).toBe(off.pcap);
      });
    }
  }
});
