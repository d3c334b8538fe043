/**
 * Deferred completions and lazy arbitration (src/hw/pci/bus.ts) are simulation techniques: the
 * same runs with every end of data and of turnaround an event must give byte-identical records
 * (event counts included), bus statistics and pcaps, on every preset, from light load to overload
 * (contention, full master queues, latency-timer cuts).
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadBoard } from "../../src/hw/boards/load.ts";
import { setDeferredCompletions, setLazyArbitration } from "../../src/hw/pci/bus.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { WORKLOADS } from "../../src/scenarios/workloads.ts";
import { MS } from "../../src/sim/time.ts";
import type { BusMode } from "./pci-bus-log.ts";

function run(board: string, load: number, workload: keyof typeof WORKLOADS, mode: BusMode): { record: string; pcap: string } {
  setDeferredCompletions(mode === "deferred");
  setLazyArbitration(mode === "lazy");
  const b = loadBoard(board);
  if (!b.ok) throw new Error(b.error);
  const dir = mkdtempSync(join(tmpdir(), "flowsim-pci-"));
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

describe("deferred PCI completions and lazy arbitration change nothing", () => {
  afterAll(() => {
    setDeferredCompletions(true);
    setLazyArbitration(true);
  });
  for (const board of ["5A", "5B", "5C", "5D", "5E", "5F"]) {
    for (const [load, workload] of [[1, "mixed"], [3, "inbound-heavy"], [3, "outbound-heavy"]] as const) {
      it(`${board} at load ${load} ${workload}: same record (events included) and same pcaps`, () => {
        const events = run(board, load, workload, "events");
        for (const mode of ["deferred", "lazy"] as const) {
          const other = run(board, load, workload, mode);
          expect(other.record, mode).toBe(events.record);
          expect(other.pcap, mode).toBe(events.pcap);
        }
      });
    }
  }
});
