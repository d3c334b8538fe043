/**
 * Live read-outs of a component for time series (`SeriesRecorder`, docs/results-format.md
 * "Series"): built once when a run sets its sampler up, then read at every sample without
 * allocating and without changing anything (no settling of deferred work, no histogram reads).
 */
import type { Tick } from "../time.ts";

/** A resource's busy time (ps) since its statistics last restarted: its utilisation over an interval is the difference over the interval's length. */
export interface BusyProbe {
  readonly name: string;
  busyPs(now: Tick): number;
}

/** A queue's depth now, in its items (frames, transactions, transfers, jobs). */
export interface DepthProbe {
  readonly name: string;
  depth(): number;
}

export interface Probes {
  busy: BusyProbe[];
  queues: DepthProbe[];
}
