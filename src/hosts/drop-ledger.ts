/**
 * Where frames end: every frame a host or the switch creates is received by a host, consumed by
 * the switch, dropped with a cause at a place (client, router, link, switch, server), or still in
 * flight. The ledger counts host-side drops by "place.cause"; the board reports its own.
 */
export class DropLedger {
  private readonly counts = new Map<string, number>();
  total = 0;

  /** Counts one frame dropped (the caller frees it). `what` is "place.cause", a constant string. */
  drop(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
    this.total++;
  }

  /** Frames a host could not even create (the pool was empty): not frames, so not in `total`. */
  readonly notCreated = new Map<string, number>();
  notSent(what: string): void {
    this.notCreated.set(what, (this.notCreated.get(what) ?? 0) + 1);
  }

  read(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}
