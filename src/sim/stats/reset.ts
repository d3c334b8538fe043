/**
 * Statistics restart helpers (`Simulator.resetStats`, the end of a run's warm-up): counters go to
 * zero; state is left alone.
 */

/** Sets every number in a record of counters to 0 (in place: readers keep their reference). */
export function zeroCounts(counts: Record<string, number>): void {
  for (const k of Object.keys(counts)) counts[k] = 0;
}

/** Empties a map of counters by name. */
export function clearCounts(counts: Map<string, number>): void {
  counts.clear();
}
