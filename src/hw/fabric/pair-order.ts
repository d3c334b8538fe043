/**
 * Frame order per (source, destination) pair across a fabric that can complete transfers out of
 * order (GalNet interleaving on PCI: a short frame's END_OF_PACKET can overtake a long one's). A
 * bridge must not reorder frames between a pair of stations (IEEE 802.1D §6.3.3; assumption in
 * docs/hardware.md: the destination device hands frames to its port in the order their
 * BUFFER_REQUESTs were issued), so a transfer that completes early waits for those before it.
 */
export interface Ordered {
  /** Order among transfers from the same source to the same destination (from `issue`). */
  seq: number;
}

export class PairOrder<X extends Ordered> {
  private n = 0;
  private issued = new Int32Array(0);
  private delivered = new Int32Array(0);
  private held: X[][] = [];
  /** Transfers that completed before an earlier one of their pair and waited for it. */
  heldForOrder = 0;

  /** Sizes the tables for `endpoints` endpoints (when one is added; nothing is in flight then). */
  resize(endpoints: number): void {
    this.n = endpoints;
    this.issued = new Int32Array(endpoints * endpoints);
    this.delivered = new Int32Array(endpoints * endpoints);
    this.held = Array.from({ length: endpoints * endpoints }, () => []);
  }

  /** Numbers a new transfer from `src` to `dst`. */
  issue(x: X, src: number, dst: number): void {
    x.seq = this.issued[src * this.n + dst]!++;
  }

  /** Transfer `x` from `src` to `dst` completed: `deliver` it, and any held ones now in order, in order; or hold it. */
  complete(x: X, src: number, dst: number, deliver: (x: X) => void): void {
    const pair = src * this.n + dst;
    if (x.seq !== this.delivered[pair]) {
      this.heldForOrder++;
      this.held[pair]!.push(x);
      return;
    }
    this.delivered[pair]!++;
    deliver(x);
    const held = this.held[pair]!;
    for (let k = 0; k < held.length; ) {
      const y = held[k]!;
      if (y.seq === this.delivered[pair]) {
        held[k] = held[held.length - 1]!;
        held.pop();
        this.delivered[pair]!++;
        deliver(y);
        k = 0;
      } else k++;
    }
  }
}
