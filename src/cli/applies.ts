/**
 * Flags that do not apply: a flag given on the command line to a command or scenario that would
 * ignore it is refused in one line (exit 2), not silently dropped. Only flags typed by the user
 * count (commander's value source "cli"), not defaults.
 */
import type { Command } from "commander";
import { UsageError } from "./errors.ts";

/** The `run` flags each built-in scenario takes; a user's scenario file gets every flag. */
const BOARD_SCENARIOS = ["compare-boards", "saturate", "router-pool", "server-failover", "availability-cluster", "router-failover", "vs-nat", "asymmetric-web", "ipsec-and-udp", "multi-cluster"];
const RUN_FLAGS: Record<string, readonly string[]> = {
  "demo-link": [],
  hosts: ["board", "boards", "hosts", "replay", "flows", "cpu-model", "timing"],
  ...Object.fromEntries(BOARD_SCENARIOS.map((s) => [s, ["board", "boards", "workload", "cpu-model", "timing"]])),
};
/** The `run` flags only some scenarios take (the others, --seed, --duration, traces..., every scenario takes). */
const SCENARIO_SPECIFIC = ["board", "boards", "workload", "hosts", "replay", "flows", "cpu-model", "timing"];

/** commander's attribute name of a flag: --max-replications -> maxReplications. */
const attr = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Refuses the first of `flags` (without --) given on the command line of `cmd`, saying what it does not apply to. */
export function refuseFlags(cmd: Command, flags: readonly string[], to: string): void {
  for (const f of flags) if (cmd.getOptionValueSource(attr(f)) === "cli") throw new UsageError(`--${f} does not apply to ${to}`);
}

/** `run <scenario>`: refuses the scenario-specific flags a built-in scenario does not take. */
export function refuseRunFlags(cmd: Command, scenario: string): void {
  const takes = RUN_FLAGS[scenario];
  if (!takes) return; // a user's scenario file: its run() sees every option
  const what = scenario === "demo-link" ? "demo-link (one link, no board)" : scenario === "hosts" ? "the hosts scenario" : `${scenario} (a board scenario; --hosts, --replay and --flows are the hosts scenario's)`;
  refuseFlags(cmd, SCENARIO_SPECIFIC.filter((f) => !takes.includes(f)), what);
}
