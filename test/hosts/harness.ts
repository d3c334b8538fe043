import { loadBoard } from "../../src/hw/boards/load.ts";
import type { HostsInput } from "../../src/hosts/config.ts";
import { runHosts, type HostsRunOptions } from "../../src/scenarios/hosts-run.ts";

export const MS = 1e9;

/** Quicker timers for short runs: 20 ms RTO, 50 ms response timeout, 2 ms datagram timeout. */
export const FAST: HostsInput["transport"] = { rtoUs: 20_000, responseTimeoutUs: 50_000, datagramTimeoutUs: 2000, maxRetries: 4 };

export type HostsRecord = ReturnType<typeof runHosts> & { hosts: any; frames: any };

export function hostsRun(board: string, hosts: HostsInput, o: Partial<HostsRunOptions> = {}): HostsRecord {
  const b = loadBoard(board);
  if (!b.ok) throw new Error(b.error);
  return runHosts(b.board, { seed: 1, durationPs: 20 * MS, ...o, hosts }) as HostsRecord;
}

/** Outcome counts of all kinds summed. */
export function outcomes(r: HostsRecord): { started: number; completed: number; timeout: number; reset: number; inProgress: number } {
  const o = { started: 0, completed: 0, timeout: 0, reset: 0, inProgress: 0 };
  for (const k of Object.values(r.hosts.flows.byKind) as any[]) for (const f of Object.keys(o) as (keyof typeof o)[]) o[f] += k[f];
  return o;
}
