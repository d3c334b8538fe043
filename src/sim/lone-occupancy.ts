/**
 * Occupancy charged on an otherwise empty processor-sharing resource, kept beside its server rather
 * than as a server job (issue 18 part 3; used by the transaction-level PCI bus and memories,
 * src/hw/pci/tlm-bus.ts and src/hw/gt64010/tlm-memory.ts). Alone, a job is served at the full rate,
 * so its end is known and needs no completion event; when something else is about to share the
 * resource, the owner takes what is left (`take`) and hands it to its server as the job it would
 * have been. One owner at a time (a class or requester id, -1: none).
 */
import type { TimeSource } from "./clock.ts";

export class LoneOccupancy {
  /** Whose occupancy (the owner's id, -1: none; may be stale until `active` clears it). */
  owner = -1;
  /** When it ends (ps, absolute). */
  until = 0;
  /** Its grant (clocks), for the others' round-robin estimates once it is a server job. */
  grant = 0;
  /** Busy time (ps) counted here since the statistics restarted, its part still ahead included. */
  busyPs = 0;

  constructor(private readonly time: TimeSource) {}

  /** Whether occupancy is still going (an ended one is cleared). */
  active(): boolean {
    if (this.owner < 0) return false;
    if (this.until > this.time.now) return true;
    this.owner = -1;
    return false;
  }

  /** Whether `owner`'s occupancy is still going. */
  activeFor(owner: number): boolean {
    return owner === this.owner && this.active();
  }

  /** Adds `ps` of `owner`'s occupancy: from now (plus `startPs`, an idle resource's start) if none is going, else after it. */
  add(owner: number, ps: number, grant: number, startPs = 0): void {
    if (!this.active()) {
      this.owner = owner;
      this.until = this.time.now;
      this.grant = grant;
      ps += startPs;
    }
    this.until += ps;
    this.busyPs += ps;
  }

  /** Ends it now (read `owner` and `grant` first): the ps left of it (0: none going), which the server counts from now. */
  take(): number {
    if (!this.active()) return 0;
    const left = this.until - this.time.now;
    this.busyPs -= left;
    this.owner = -1;
    return left;
  }

  /** The part of its busy time still ahead of `now` (ps). */
  ahead(now: number): number {
    return this.owner >= 0 && this.until > now ? this.until - now : 0;
  }

  /** The statistics restart at `now`: only what is still ahead counts. */
  restart(now: number): void {
    this.busyPs = this.active() ? this.until - now : 0;
  }
}
