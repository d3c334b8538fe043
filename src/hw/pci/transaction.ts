/** A PCI transaction as a master queues it. Owners preallocate these and reuse them. */
export type PciCommand = "write" | "read";

export class PciTransaction {
  command: PciCommand = "write";
  /** Target id (from PciBus.addTarget). */
  target = 0;
  /** Bytes to move; a latency-timer cut leaves the rest in `remaining` and re-queues it. */
  bytes = 4;
  remaining = 0;
  /** Owner-defined. */
  tag = 0;
  queuedAt = 0;
  grantedAt = 0;
  doneAt = 0;
  /** Tenures this transaction took (more than 1 when the latency timer cut it). */
  tenures = 0;
  /**
   * The owner's completion only queues its next transaction on the same master (a GalNet data
   * burst): the bus may run it when something could first see it instead of at the end of the
   * data phase (PciBus, "deferred completions"). Results are identical either way.
   */
  deferrable = false;
  constructor(public onComplete: (t: PciTransaction) => void = () => {}) {}
}
