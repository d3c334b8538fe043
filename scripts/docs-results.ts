/**
 * `npm run docs:results`: regenerates docs/results.md and its charts (docs/results/) from a
 * recorded run of compare-boards (20 ms per board, seed 1) and of saturate (inbound-heavy).
 */
import { writeFileSync } from "node:fs";
import { loadBoard } from "../src/hw/boards/load.ts";
import { PRESET_NAMES } from "../src/hw/boards/presets.ts";
import { writeReport } from "../src/report/html-report.ts";
import { compareBoards } from "../src/scenarios/compare-boards.ts";
import { saturate } from "../src/scenarios/saturate.ts";
import { MS } from "../src/sim/time.ts";

const runs = compareBoards({ seed: 1, durationPs: 20 * MS, load: 1 });
await writeReport("docs/results", runs.map((r) => ({ ...r, wallSeconds: 0 })), "flowsim compare --duration 20ms --seed 1");
const g = (r: Record<string, unknown>, p: string) => p.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], r) as number;
const rows = runs.map((r) =>
  `| ${String(r["board"])} | ${g(r, "delivered.inboundMbps").toFixed(1)} | ${g(r, "delivered.outboundMbps").toFixed(1)} | ${(100 * g(r, "cpu.utilization")).toFixed(1)} | ${g(r, "cpu.interventionsPerInboundFrame").toFixed(2)} | ${g(r, "cpu.interventionsPerOutboundFrame").toFixed(2)} | ${g(r, "latencyUs.inbound.p99").toFixed(0)} | ${g(r, "latencyUs.outbound.p99").toFixed(0)} | ${(r["bottleneck"] as { resource: string }).resource} (${(100 * g(r, "bottleneck.utilization")).toFixed(0)} %) |`);
const sat = PRESET_NAMES.map((name) => {
  const b = loadBoard(name);
  if (!b.ok) throw new Error(b.error);
  const s = saturate(b.board, "inbound-heavy", 1, 10 * MS)["saturation"] as { load: number; deliveredMbps: number; boundMbps: number; boundResource: string };
  return `| ${name} | ${s.load.toFixed(3)} | ${s.deliveredMbps.toFixed(1)} | ${s.boundMbps.toFixed(1)} | ${s.boundResource} |`;
});
writeFileSync("docs/results.md", `# Results

Recorded with \`npm run docs:results\` (which runs the commands below); the numbers come out of
the models. Node 20, seed 1.

## Board comparison

\`npm run sim -- compare --duration 20ms --seed 1 --report docs/results\`: the mixed workload
(4 routers x 15 Mb/s inbound, 4 servers x 60 Mb/s outbound, IMIX; TCP 80 %, UDP 15 %, ESP 5 %)
on the six boards.

| board | in Mb/s | out Mb/s | CPU % | CPU per in frame | CPU per out frame | p99 in (us) | p99 out (us) | bottleneck |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

![throughput](results/chart1.svg)

![latency](results/chart2.svg)

![utilisation](results/chart3.svg)

## Saturation

\`npm run sim -- saturate --workload inbound-heavy --duration 10ms\`: the highest load factor with
under 0.1 % of data frames dropped, found by search, beside the analytic bound
(src/scenarios/bound.ts: ports at line rate; the CPU's fast path from the op table and the DRAM
timing; PCI from the GalNet formula; the arbiter from its access time).

| board | load | delivered Mb/s | bound Mb/s | bound by |
| --- | --- | --- | --- | --- |
${sat.join("\n")}

The simulated saturation stays below the bound: the bound ignores queueing, the control plane
(health probes and their answers share the CPU) and the CPU's PCI stalls beyond one register read.
`);
console.log("wrote docs/results.md and docs/results/");
