/**
 * A PCI bus driven by random masters, for the tests that a simulation technique (deferred
 * completions, lazy arbitration) changes nothing: chains of deferrable bursts (each completion
 * queues the next on the same master, as GalNet's data bursts do), chains whose every burst is
 * seen (as bursts written into the CPU's memory as they land are), chains that start mid-run in the
 * middle of others, one-off submissions from other
 * events on the bus clock's edges (so that they tie with ends of data and of turnaround at every
 * priority), shallow queues (a queue fills while a completion waits) and a reader mid-run. Returns
 * the log of everything the owners see, with times.
 */
import { PciBus, setDeferredCompletions, setLazyArbitration } from "../../src/hw/pci/bus.ts";
import { PciTransaction } from "../../src/hw/pci/transaction.ts";
import { Priority } from "../../src/sim/priority.ts";
import { Simulator } from "../../src/sim/simulator.ts";

export interface Chain {
  master: number;
  bursts: number;
  bytes: number;
  /** Bus cycle whose edge the chain starts on, from an event at `priority` (so it starts in the middle of other chains); absent: at time 0, before the run. */
  start?: number;
  priority?: number;
  /** Each burst's completion is seen (logged, like a burst written into memory as it lands): no burst is deferrable. */
  visible?: boolean;
}

export interface OneOff {
  master: number;
  cycle: number;
  priority: number;
  bytes: number;
}

/** How the bus runs: every end of data and turnaround an event, deferred completions, or lazy arbitration. */
export type BusMode = "events" | "deferred" | "lazy";

export function runBusLog(chains: Chain[], oneOffs: OneOff[], masters: number, depth: number, mode: BusMode, arbiter: "round-robin" | "fixed-priority" = "round-robin"): string[] {
  setDeferredCompletions(mode === "deferred");
  setLazyArbitration(mode === "lazy");
  const sim = new Simulator({ seed: 1 });
  const bus = new PciBus(sim, "pci", { arbiter });
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
      else log.push(`${sim.now} chain${ci} ${left > 1 ? `burst ${c.bursts - left}` : "last burst"} ${seen}`);
      if (--left > 0) {
        x.deferrable = left > 1 && !c.visible; // the contract: deferrable only if the completion queues the next on this master
        submit(c.master, x);
      }
    });
    t.target = tgt;
    t.bytes = c.bytes;
    t.deferrable = c.bursts > 1 && !c.visible;
    if (c.start === undefined) submit(c.master, t);
    else {
      sim.schedule(sim.event(`chain${ci}`, () => {
        log.push(`${sim.now} chain${ci} starts (queue ${ms[c.master]!.queue.size})`);
        submit(c.master, t);
      }, c.priority ?? Priority.Default), bus.clock.edge(c.start));
    }
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
  // a bounded run: lazy arbitration queues no event for the last end of turnaround, so a run to
  // the last event would end one bus clock earlier than with events (bus.ts, "Lazy arbitration")
  sim.run(bus.clock.edge(20_000));
  log.push(`end ${sim.now} events ${sim.eventsProcessed} ${JSON.stringify(bus.read(sim.now))}`, JSON.stringify(bursts));
  return log;
}
