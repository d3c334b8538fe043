/**
 * A cluster's servers and how a new flow picks one (Fig 4B stage 435; docs/firmware.md
 * "Scheduling"): the patent's optimal-workload routine, round robin, smooth weighted round
 * robin, (weighted) least connections as IPVS counts them, and weighted Maglev. Per-frame code
 * (`choose`) reads typed arrays and plain fields only; the periodic routine (`balanceRound`) and
 * table rebuilds run on the control plane.
 */
import type { Actor } from "xstate";
import type { SwitchConfig } from "./config.ts";
import type { DropCause } from "./drop-causes.ts";
import type { availabilityMachine } from "./machines.ts";
import { maglevTable } from "./maglev.ts";
import type { ProbeTarget } from "./probes.ts";

export type ServerState = "up" | "down";
export type AvailabilityRole = "primary" | "secondary-operational" | "secondary-failed";

export interface Server {
  name: string;
  mac: number;
  port: number;
  weight: number;
  state: ServerState;
  /** Taken out for good by removeServer: never probed, counted or chosen again. */
  removed: boolean;
  draining: boolean;
  role: AvailabilityRole;
  /**
   * Incremented when the server fails: flow entries carry the generation they were made in, and
   * an entry of an older generation is ended on its next packet (the flow is re-dispatched),
   * even if the server is back by then.
   */
  gen: number;
  /** Flows in the table, as IPVS counts them: established (active) and SYN-only or closing (inactive). */
  active: number;
  inactive: number;
  load: number; // last measured workload (optimal-workload policy)
  loadReported: boolean; // a load agent has answered (else the workload is the flows it holds)
  changedAt: number; // when its health state last changed (ps)
  stats: { packets: number; bytes: number; flows: number };
  target?: ProbeTarget;
  availability?: Actor<typeof availabilityMachine>;
}

export interface Cluster {
  index: number;
  name: string;
  vip: number;
  vmac: number;
  mode: "balance" | "availability";
  policy: SwitchConfig["clusters"][number]["policy"];
  ipsecByClient: boolean;
  servers: Server[];
  maglev: Int16Array;
  rr: number;
  wrrCredit: Float64Array;
  /** Optimal workload: each server's workload at the last round, flows given it since, and one flow's share of workload. */
  owBase: Float64Array;
  owGiven: Float64Array;
  owUnit: number;
  stats: { packets: number; bytes: number; flows: number; drops: number };
  dropsByCause: Partial<Record<DropCause, number>>;
}

/** IPVS's connection count: an established flow weighs 256 inactive ones (ip_vs_lc's overhead). */
function connections(s: Server): number {
  return s.active * 256 + s.inactive;
}

export function eligible(s: Server): boolean {
  return !s.removed && s.state === "up" && !s.draining && s.weight > 0;
}

/** Rebuilds the cluster's Maglev table over its servers that may take new flows. */
export function rebuildMaglev(cl: Cluster, size: number): void {
  const backends = cl.servers.map((s) => ({ name: s.name, weight: eligible(s) ? s.weight : 0 }));
  cl.maglev = maglevTable(backends, size, cl.maglev);
}

/** Grows the per-server arrays after a server was added. */
export function resizeCluster(cl: Cluster): void {
  const n = cl.servers.length, grow = (a: Float64Array) => Float64Array.from({ length: n }, (_, i) => a[i] ?? 0);
  cl.wrrCredit = grow(cl.wrrCredit);
  cl.owBase = grow(cl.owBase);
  cl.owGiven = grow(cl.owGiven);
}

/** Picks the server for a new flow by the cluster's policy; -1 when none may take it. */
export function choose(cl: Cluster, hash: number): number {
  const ss = cl.servers, n = ss.length;
  switch (cl.policy) {
    case "consistent-hash":
      return cl.maglev[hash % cl.maglev.length]!;
    case "round-robin":
      for (let i = 0; i < n; i++) {
        const k = (cl.rr + i) % n;
        if (eligible(ss[k]!)) {
          cl.rr = (k + 1) % n;
          return k;
        }
      }
      return -1;
    case "weighted-round-robin": {
      // smooth weighted round robin (nginx): add weights, take the largest credit, subtract the total
      let total = 0, best = -1;
      for (let i = 0; i < n; i++) {
        if (!eligible(ss[i]!)) continue;
        cl.wrrCredit[i]! += ss[i]!.weight;
        total += ss[i]!.weight;
        if (best < 0 || cl.wrrCredit[i]! > cl.wrrCredit[best]!) best = i;
      }
      if (best >= 0) cl.wrrCredit[best]! -= total;
      return best;
    }
    case "least-connections":
    case "weighted-least-connections": {
      const weighted = cl.policy === "weighted-least-connections";
      let best = -1, bestScore = Infinity;
      for (let i = 0; i < n; i++) {
        const s = ss[i]!;
        if (!eligible(s)) continue;
        const score = weighted ? connections(s) / s.weight : connections(s);
        if (score < bestScore) (best = i), (bestScore = score);
      }
      return best;
    }
    case "optimal-workload": {
      // the server whose workload per weight, after taking this flow, is lowest: the round's
      // measurement plus the flows given since, each adding one flow's share of workload
      let best = -1, bestScore = Infinity;
      for (let i = 0; i < n; i++) {
        const s = ss[i]!;
        if (!eligible(s)) continue;
        const score = (cl.owBase[i]! + (cl.owGiven[i]! + 1) * cl.owUnit) / s.weight;
        if (score < bestScore) (best = i), (bestScore = score);
      }
      if (best >= 0) cl.owGiven[best]!++;
      return best;
    }
  }
}

/**
 * The patent's load-balancing routine (Fig 4B stage 435, the related "Dynamic load balancer"
 * application), run every balancePeriodPs: measures each server's workload, the load figure its
 * load agent reported when every eligible server has reported one (and not all zero), else the
 * flows it holds (IPVS's count), and one flow's share of it (total load over total flows; one
 * flow when counting flows). New flows until the next round go where the workload after taking
 * them is lowest per weight, so a round's flows spread as the measurement says instead of all
 * going to the one server that was optimal at the round.
 */
export function balanceRound(cl: Cluster): void {
  let reported = true, loadSum = 0, flowSum = 0, n = 0;
  for (const s of cl.servers) {
    if (!eligible(s)) continue;
    n++;
    reported &&= s.loadReported;
    loadSum += s.load;
    flowSum += connections(s) / 256;
  }
  const byLoad = reported && n > 0 && loadSum > 0;
  cl.owUnit = byLoad ? (flowSum > 0 ? loadSum / flowSum : loadSum / n) : 1;
  cl.servers.forEach((s, i) => {
    cl.owBase[i] = byLoad ? s.load : connections(s) / 256;
    cl.owGiven[i] = 0;
  });
}
