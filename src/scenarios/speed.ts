/**
 * How fast a run simulated, in OMNeT++'s terms: P, events per wall second; E, events per simulated
 * second; R, simulated seconds per wall second; and simulated frames per wall second. Computed
 * from a run record's own fields (`events`, `simulatedSeconds`, `wallSeconds`, `frames.injected`),
 * so the JSON keeps everything deterministic but `wallSeconds`. Wall time is the whole run:
 * building the board, simulating and reading the results, so runs of a few milliseconds show
 * mostly their setup (`npm run bench -- system` measures 100 ms after a warm-up).
 */
export interface RunSpeed {
  framesPerWallSecond: number;
  /** P */
  eventsPerWallSecond: number;
  /** E */
  eventsPerSimulatedSecond: number;
  /** R */
  simulatedSecondsPerWallSecond: number;
}

export interface TimedRecord {
  events: number;
  simulatedSeconds: number;
  wallSeconds: number;
  frames: { injected: number };
}

export function runSpeed(r: TimedRecord): RunSpeed {
  const per = (x: number, s: number) => (s > 0 ? x / s : 0);
  return {
    framesPerWallSecond: per(r.frames.injected, r.wallSeconds),
    eventsPerWallSecond: per(r.events, r.wallSeconds),
    eventsPerSimulatedSecond: per(r.events, r.simulatedSeconds),
    simulatedSecondsPerWallSecond: per(r.simulatedSeconds, r.wallSeconds),
  };
}
