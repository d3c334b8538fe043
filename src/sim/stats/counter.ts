/** A monotonic event or byte count (gem5 `Stats::Scalar`). Read as a plain number. */
export class Counter {
  value = 0;
  inc(n = 1): void {
    this.value += n;
  }
  read(): number {
    return this.value;
  }
}
