/** A board run's script hooks (#19 item 2): health changes as they are declared, periodic samples, the script's own fields in the record. */
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../src/hw/boards/load.ts";
import { runBoard, type HealthChange } from "../../src/scenarios/board-run.ts";
import { MS } from "../../src/sim/time.ts";

describe("script hooks", () => {
  it("onHealth sees s1 declared down within the detection bound after its host fails; every samples each ms of the window; finish adds fields", () => {
    const b = loadBoard("5A");
    if (!b.ok) throw new Error(b.error);
    const changes: HealthChange[] = [], samples: number[] = [];
    const interval = 1 * MS, timeout = 1 * MS, failAt = 3 * MS;
    const rec = runBoard(b.board, {
      seed: 1, durationPs: 12 * MS, warmupPs: 2 * MS, load: 0.5, healthIntervalPs: interval, healthTimeoutPs: timeout,
      script: (c) => {
        c.at(failAt, () => (c.workload.serverDown[1] = true));
        c.onHealth((e) => changes.push(e));
        c.every(1 * MS, (t) => samples.push(t));
      },
      finish: (c) => (c.report["mine"] = { changes: changes.length, samples: samples.length }),
    });
    const down = changes.filter((e) => e.name === "s1" && e.change === "down");
    expect(down).toHaveLength(1);
    expect(down[0]!.kind).toBe("server");
    // health monitoring's bound (docs/firmware.md): fall (3) intervals and a timeout after the failure
    expect(down[0]!.atPs).toBeGreaterThan(failAt);
    expect(down[0]!.atPs).toBeLessThanOrEqual(failAt + 3 * interval + timeout);
    expect(changes.filter((e) => e.name !== "s1")).toEqual([]);
    expect(samples).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * MS));
    expect(rec["mine"]).toEqual({ changes: 1, samples: 12 });
  });
});
