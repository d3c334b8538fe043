/**
 * The `hosts` scenario: each board with the hosts of Fig 2 (clients behind four routers, four
 * servers with a service model) exchanging request/response flows of web (TCP), DNS- and
 * RADIUS-like UDP, ESP and IP-in-IP, or replaying a pcap; see docs/hosts.md. Options: a hosts
 * configuration file (`--hosts`), a capture to replay (`--replay`), per-flow CSV (`--flows`).
 */
import { loadBoard } from "../hw/boards/load.ts";
import { HostsInputError, loadHostsConfig, type HostsInput } from "../hosts/config.ts";
import { MS } from "../sim/time.ts";
import { BoardLoadError } from "./compare-boards.ts";
import { runHosts } from "./hosts-run.ts";
import { traceOptions, type RunOptions, type RunRecord, type ScenarioInfo } from "./registry.ts";

export const PRESETS = ["5A", "5B", "5C", "5D", "5E", "5F"];

export function hostsRecords(o: RunOptions): RunRecord[] {
  let hosts: HostsInput = {};
  if (o.hostsFile) {
    const c = loadHostsConfig(o.hostsFile);
    if (!c.ok) throw new HostsInputError(c.error);
    hosts = c.value;
  }
  if (o.replay) hosts = { ...hosts, arrivals: { kind: "none" }, replay: { file: o.replay, timeScale: 1 } };
  const names = o.boards ?? PRESETS;
  return names.map((name) => {
    const b = loadBoard(name, o.timing);
    if (!b.ok) throw new BoardLoadError(b.error);
    const csv = o.flowsCsv ? (names.length > 1 ? o.flowsCsv.replace(/(\.csv)?$/, `.${b.board.name}.csv`) : o.flowsCsv) : undefined;
    return runHosts(b.board, {
      seed: o.seed, durationPs: o.durationPs, load: o.load, scenario: "hosts", hosts,
      ...traceOptions(o, b.board.name, names.length), ...(csv ? { flowsCsv: csv } : {}),
    });
  });
}

export const hostsScenario: ScenarioInfo = {
  name: "hosts",
  description: "clients, routers and servers of Fig 2 with TCP, UDP, ESP, IP-in-IP and ping request/response flows on each board (--hosts <file>, --replay <pcap>, --flows <csv>)",
  defaultDurationPs: 200 * MS,
  run: hostsRecords,
};
