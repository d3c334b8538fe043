/**
 * An example user scenario: run it with
 *   npm run sim -- run examples/custom-failover.ts --boards 5C --duration 20ms
 * A scenario file default-exports a ScenarioInfo: a name, a description, a default duration and a
 * `run(options)` returning run records. This one fails two servers one after the other on a board
 * with the round-robin policy and reports what the firmware saw.
 */
import { loadBoard } from "../src/hw/boards/load.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import type { ScenarioInfo } from "../src/scenarios/registry.ts";
import { MS } from "../src/sim/time.ts";

const scenario: ScenarioInfo = {
  name: "custom-failover",
  description: "two servers fail one after the other under round robin",
  defaultDurationPs: 20 * MS,
  run: (o) =>
    (o.boards ?? ["5A"]).map((name) => {
      const b = loadBoard(name);
      if (!b.ok) throw new Error(b.error);
      return runBoard(b.board, {
        seed: o.seed, durationPs: o.durationPs, load: o.load, scenario: "custom-failover", policy: "round-robin",
        healthIntervalPs: 1_000_000_000, healthTimeoutPs: 1_000_000_000,
        script: (c) => {
          c.at(o.durationPs * 0.2, () => (c.workload.serverDown[0] = true));
          c.at(o.durationPs * 0.4, () => (c.workload.serverDown[1] = true));
        },
        finish: (c) => {
          c.report["servers"] = Object.fromEntries(Object.entries(c.fw.read().clusters["web"]!.servers).map(([k, v]) => [k, { state: v.state, changedAtUs: v.changedAtUs, packets: v.packets }]));
        },
      });
    }),
};

export default scenario;
