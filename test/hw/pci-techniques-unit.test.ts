/**
 * Deferred completions and lazy arbitration at the bus itself, each against the same bus with
 * every end of data and of turnaround an event (test/hw/pci-bus-log.ts): ties at every priority,
 * full queues, latency-timer cuts, mid-run reads, both arbiters, chains of up to 24 bursts with
 * submissions in the middle of them (one-offs, and chains that start then). The logs must be identical.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { setDeferredCompletions, setLazyArbitration } from "../../src/hw/pci/bus.ts";
import { Priority } from "../../src/sim/priority.ts";
import { runBusLog, type BusMode } from "./pci-bus-log.ts";

describe("PCI simulation techniques at the bus", () => {
  afterAll(() => {
    setDeferredCompletions(true);
    setLazyArbitration(true);
  });
  const priorities = [Priority.State, Priority.Deliver, Priority.Default, Priority.Arbitrate, Priority.Cpu];
  for (const mode of ["deferred", "lazy"] as BusMode[]) {
    it(`${mode}: the same log as events: ties at every priority, full queues, cuts, mid-run reads`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.constantFrom("round-robin", "fixed-priority"),
          // 256-byte bursts run past the 32-clock latency timer: cut when others wait
          // chains at time 0, or starting on a later edge from an event at any priority (mid-chain for the others), some seen burst by burst
          fc.array(
            fc.record(
              { master: fc.nat(2), bursts: fc.integer({ min: 1, max: 24 }), bytes: fc.constantFrom(4, 32, 20, 256), start: fc.integer({ min: 1, max: 400 }), priority: fc.constantFrom(...priorities), visible: fc.boolean() },
              { requiredKeys: ["master", "bursts", "bytes"] },
            ),
            { minLength: 1, maxLength: 4 },
          ),
          fc.array(fc.record({ master: fc.nat(2), cycle: fc.integer({ min: 0, max: 500 }), priority: fc.constantFrom(...priorities), bytes: fc.constantFrom(4, 32, 64, 256) }), { maxLength: 12 }),
          (masters, depth, arbiter, chains, oneOffs) => {
            const cs = chains.map((c) => ({ ...c, master: c.master % masters }));
            const os = oneOffs.map((o) => ({ ...o, master: o.master % masters }));
            expect(runBusLog(cs, os, masters, depth, mode, arbiter)).toEqual(runBusLog(cs, os, masters, depth, "events", arbiter));
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
