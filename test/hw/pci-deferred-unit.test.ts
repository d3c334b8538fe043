/**
 * Deferred completions at the bus itself, against the same bus with them off: random masters with
 * chains of deferrable bursts (each completion queues the next on the same master, as GalNet's
 * data bursts do), one-off submissions from other events on the bus clock's edges (so that they
 * tie with ends of data at every priority), and shallow queues (so that a queue fills while a
 * completion is deferred and the bus must fall back to the event). The log of everything the
 * owners see, with times, must be identical.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { PciBus, setDeferredCompletions } from "../../src/hw/pci/bus.ts";
import { PciTransaction } from "../../src/hw/pci/transaction.ts";
import { Priority } from "../../src/sim/priority.ts";
import { Simulator } from "../../src/sim/simulator.ts";

interface Chain {
  master: number;
  bursts: number;
  bytes: number;
}

interface OneOff {
  master: number;
  cycle: number;
  priority: number;
  bytes: number;
}

function run(chains: Chain[], oneOffs: OneOff[], masters: number, depth: number, deferred: boolean): string[] {
  setDeferredCompletions(deferred);
  const sim = new Simulator({ seed: 1 });
  const bus = new PciBus(sim, "pci");
  const tgt = bus.addTarget("t");
  const ms = Array.from({ length: masters }, (_, i) => bus.addMaster(`m${i}`, { queueDepth: depth }));
  const log: string[] = [];
  const waiting: PciTransaction[][] = ms.map(() => []);
  // a refused submission waits for the master's onRetry, in order
  const submit = (mi: number, t: PciTransaction) => {
    if (waiting[mi]!.length > 0 || !ms[mi]!.trySubmit(t)) waiting[mi]!.push(t);
  };
  ms.forEach((m, mi) => {
    m.onRetry = () => {
      log.push(`${sim.now} retry m${mi}`);
      while (waiting[mi]!.length > 0 && m.trySubmit(waiting[mi]![0]!)) waiting[mi]!.shift();
    };
    m.backlogged = () => waiting[mi]!.length > 0;
  });
  // what deferrable completions see, by chain and burst (not in the log: the contract is that such a
  // completion only queues the next burst, so where in the run's sequence its code runs is free)
  const bursts: string[][] = chains.map(() => []);
  chains.forEach((c, ci) => {
    let left = c.bursts;
    const t = new PciTransaction((x) => {
      const seen = `done at ${x.doneAt} (bus.now ${bus.now}) queued ${x.queuedAt} granted ${x.grantedAt}`;
      if (x.deferrable) bursts[ci]!.push(seen);
      else log.push(`${sim.now} chain${ci} last burst ${seen}`);
      if (--left > 0) {
        x.deferrable = left > 1; // the contract: deferrable only if the completion queues the next on this master
        submit(c.master, x);
      }
    });
    t.target = tgt;
    t.bytes = c.bytes;
    t.deferrable = c.bursts > 1;
    submit(c.master, t);
  });
  for (const [k, o] of oneOffs.entries()) {
    const t = new PciTransaction((x) => log.push(`${sim.now} oneoff${k} done at ${x.doneAt} queued ${x.queuedAt} granted ${x.grantedAt}`));
    t.target = tgt;
    t.bytes = o.bytes;
    sim.schedule(sim.event(`oneoff${k}`, () => {
      log.push(`${sim.now} oneoff${k} submitted (queue ${ms[o.master]!.queue.size})`);
      submit(o.master, t);
    }, o.priority), bus.clock.edge(o.cycle));
  }
  // a reader in the middle of the run, and the end
  sim.schedule(sim.event("reader", () => log.push(`${sim.now} read ${JSON.stringify(bus.read(sim.now))}`), Priority.Default), bus.clock.edge(150));
  sim.run();
  log.push(`end ${sim.now} events ${sim.eventsProcessed} ${JSON.stringify(bus.read(sim.now))}`, JSON.stringify(bursts));
  return log;
}

describe("deferred PCI completions at the bus", () => {
  afterAll(() => setDeferredCompletions(true));
  it("give the same log as end-of-data events: ties at every priority, full queues, mid-run reads", () => {
    const priorities = [Priority.State, Priority.Deliver, Priority.Default, Priority.Arbitrate, Priority.Cpu];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ master: fc.nat(2), bursts: fc.integer({ min: 1, max: 12 }), bytes: fc.constantFrom(4, 32, 20) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ master: fc.nat(2), cycle: fc.integer({ min: 0, max: 300 }), priority: fc.constantFrom(...priorities), bytes: fc.constantFrom(4, 32, 64) }), { maxLength: 12 }),
        (masters, depth, chains, oneOffs) => {
          const cs = chains.map((c) => ({ ...c, master: c.master % masters }));
          const os = oneOffs.map((o) => ({ ...o, master: o.master % masters }));
          expect(run(cs, os, masters, depth, true)).toEqual(run(cs, os, masters, depth, false));
        },
      ),
      { numRuns: 300 },
    );
  });
});
