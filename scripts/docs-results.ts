/**
 * `npm run docs:results`: regenerates docs/results.md and its charts (docs/results/,
 * docs/results/saturate/, docs/results/controllers/) from recorded runs, on two worker threads:
 *   - the main comparison (`compare`: mixed workload, seed 1, capacity by the quick search);
 *   - the capacity search (`saturate`, inbound-heavy, the full search) with its bound's terms;
 *   - the controllers study (capacity against 1-12 GT-48002s, mixed workload, quick search).
 * The numbers come out of the models; the prose around them says what they show.
 */
import { writeFileSync } from "node:fs";
import { loadBoard } from "../src/hw/boards/load.ts";
import { PRESET_NAMES } from "../src/hw/boards/presets.ts";
import { runPoints } from "../src/parallel/pool.ts";
import type { Point } from "../src/parallel/points.ts";
import { writeReport } from "../src/report/html-report.ts";
import { DEFAULT_CONTROLLER_COUNTS, withControllers } from "../src/scenarios/controllers-study.ts";
import type { RunRecord } from "../src/scenarios/registry.ts";
import { QUICK_SEARCH, SATURATE_DEFAULTS } from "../src/scenarios/saturate.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";
import { MS } from "../src/sim/time.ts";

const WORKERS = 2;
const g = (r: Record<string, unknown>, p: string): number => p.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], r) as number;
const pm = (r: Record<string, unknown>, p: string, d: number, scale = 1) => {
  const h = g(r, `${p}Ci95`);
  return `${(g(r, p) * scale).toFixed(d)}${typeof h === "number" ? ` ± ${(h * scale).toFixed(d)}` : ""}`;
};
const spec = (name: string) => {
  const b = loadBoard(name);
  if (!b.ok) throw new Error(b.error);
  return b.board;
};
const runOptions = (w: WorkloadName, scenario: string) => ({ inboundBpsPerRouter: WORKLOADS[w].inboundBpsPerRouter, outboundBpsPerServer: WORKLOADS[w].outboundBpsPerServer, scenario });
const strip = (runs: RunRecord[]) => runs.map((r) => ({ ...r, wallSeconds: 0 }));

const t0 = performance.now();
const compare = await runPoints(PRESET_NAMES.map((name, index) => ({
  kind: "compare", index, spec: spec(name), workload: "mixed",
  options: { seed: 1, load: 1, durationPs: 20 * MS, replications: 3, run: runOptions("mixed", "compare-boards"), capacity: { ...QUICK_SEARCH, seed: 1, run: runOptions("mixed", "compare-boards") } },
})) as Point[], WORKERS);
const t1 = performance.now();
await writeReport("docs/results", strip(compare), "flowsim compare --seed 1");
const sat = await runPoints(PRESET_NAMES.map((name, index) => ({ kind: "saturate", index, spec: spec(name), workload: "inbound-heavy", options: { ...SATURATE_DEFAULTS, seed: 1, run: runOptions("inbound-heavy", "saturate") } })) as Point[], WORKERS);
const t2 = performance.now();
await writeReport("docs/results/saturate", strip(sat), "flowsim saturate --workload inbound-heavy --seed 1");
const points: Point[] = [];
for (const p of PRESET_NAMES) for (const n of DEFAULT_CONTROLLER_COUNTS) {
  if (p === "5F" && n < 2) continue;
  points.push({ kind: "saturate", index: points.length, spec: withControllers(p, n), workload: "mixed", options: { ...QUICK_SEARCH, seed: 1, run: runOptions("mixed", "controllers") }, extra: { topology: p, controllers: n } });
}
const scale = await runPoints(points, WORKERS);
const t3 = performance.now();
await writeReport("docs/results/controllers", strip(scale), "flowsim controllers --seed 1");

type Cap = { loadInterval: [number, number]; ofBound: number; bound: { resource: string; load: number }; bottleneck: { resource: string; utilization: number } };
const compareRows = compare.map((r) => {
  const c = r["capacity"] as Cap;
  return `| ${String(r["board"])} | ${pm(r, "capacity.delivered.inboundMbps", 1)} | ${pm(r, "capacity.delivered.outboundMbps", 1)} | ${c.loadInterval[0].toFixed(2)}-${c.loadInterval[1].toFixed(2)} | ${c.bottleneck.resource} (${(100 * c.bottleneck.utilization).toFixed(0)} %) | ${(100 * c.ofBound).toFixed(0)} % | ${g(r, "cpu.interventionsPerInboundFrame").toFixed(2)} | ${g(r, "cpu.interventionsPerOutboundFrame").toFixed(2)} | ${g(r, "cpu.interventionsPerInboundFrame") > 0 ? pm(r, "cpu.cyclesPerIntervention", 0) : "-"} | ${pm(r, "cpu.utilization", 1, 100)} |`;
});
type Sat = { loadInterval: [number, number]; ofBound: number; boundLoad: number; boundResource: string; boundTerms: { resource: string; load: number; formula: string }[] };
const satRows = sat.map((r) => {
  const s = r["saturation"] as Sat, bn = r["bottleneck"] as { resource: string; utilization: number };
  return `| ${String(r["board"])} | ${s.loadInterval[0].toFixed(3)}-${s.loadInterval[1].toFixed(3)} | ${pm(r, "delivered.inboundMbps", 1)} | ${pm(r, "delivered.outboundMbps", 1)} | ${s.boundLoad.toFixed(3)} | ${(100 * s.ofBound).toFixed(0)} % | ${s.boundResource} | ${bn.resource} (${(100 * bn.utilization).toFixed(1)} %) |`;
});
const terms = sat.map((r) => {
  const s = r["saturation"] as Sat;
  return `- **${String(r["board"])}**: ` + s.boundTerms.slice(0, 3).map((t) => `${t.resource} saturates at ${t.load.toFixed(3)} (${t.formula})`).join("; then ");
});
const scaleRows = scale.map((r) => {
  const s = r["saturation"] as { loadInterval: [number, number] }, bn = r["bottleneck"] as { resource: string; utilization: number };
  const total = g(r, "delivered.inboundMbps") + g(r, "delivered.outboundMbps"), half = (g(r, "delivered.inboundMbpsCi95") ?? 0) + (g(r, "delivered.outboundMbpsCi95") ?? 0);
  return `| ${String(r["topology"])} | ${String(r["controllers"])} | ${total.toFixed(0)} ± ${half.toFixed(0)} | ${s.loadInterval[0].toFixed(2)}-${s.loadInterval[1].toFixed(2)} | ${bn.resource} (${(100 * bn.utilization).toFixed(0)} %) |`;
});
// The patent's claims, checked against the capacity search (not assumed): 5A < 5B < 5C < 5D in
// performance; 5E and 5F relieve the CPU of inbound frames.
const satOf = (b: string) => sat.find((r) => r["board"] === b)!;
const bracket = (b: string) => (satOf(b)["saturation"] as Sat).loadInterval;
const order = ([a, b]: [string, string]) => {
  const [alo, ahi] = bracket(a), [blo, bhi] = bracket(b);
  const verdict = blo > ahi ? "holds" : bhi < alo ? "reversed" : "not distinguished (the capacity brackets overlap)";
  return `| ${a} < ${b} | ${alo.toFixed(3)}-${ahi.toFixed(3)} | ${blo.toFixed(3)}-${bhi.toFixed(3)} | ${verdict} |`;
};
const pairs: [string, string][] = [["5A", "5B"], ["5B", "5C"], ["5C", "5D"]];
const relief = ["5A", "5E", "5F"].map((b) => `| ${b} | ${pm(satOf(b), "cpu.interventionsPerInboundFrame", 2)} | ${pm(satOf(b), "cpu.utilization", 1, 100)} | ${(satOf(b)["saturation"] as Sat).loadInterval[0].toFixed(3)} |`);
const bnOf = (b: string) => (satOf(b)["bottleneck"] as { resource: string }).resource;
const whyNot = [
  order(["5A", "5B"]).includes("holds") ? "" : `5A < 5B does not hold: 5B's on-board PCI bus runs at the GT-64010's 33 MHz (docs/hardware.md, item 1), the same clock and width as 5A's backplane PCI, and both are limited by ${bnOf("5A") === bnOf("5B") ? bnOf("5A") : `${bnOf("5A")} and ${bnOf("5B")}`}; the patent's gain for 5B rests on a faster bus than its parts have (the labelled variant 5B-66 shows what a 66 MHz bus buys: docs/hardware.md, "What each change did").`,
  ...pairs.slice(1).filter((p) => !order(p).includes("holds")).map(([a, b]) => `${a} < ${b} is not reproduced: ${a} is limited by ${bnOf(a)}, ${b} by ${bnOf(b)} (the bound's terms above say why).`),
  `5E and 5F ${g(satOf("5E"), "cpu.interventionsPerInboundFrame") < 0.5 && g(satOf("5F"), "cpu.interventionsPerInboundFrame") < 0.5 ? "do relieve the CPU" : "relieve the CPU less than the patent says"}: only the frames that miss the translators' flow tables (a new flow, or one evicted) reach it.`,
].filter((x) => x !== "").join("\n\n");
const best5D = Math.max(...scale.filter((r) => r["topology"] === "5D").map((r) => g(r, "delivered.inboundMbps") + g(r, "delivered.outboundMbps")));
const mins = (a: number, b: number) => ((b - a) / 60000).toFixed(1);

writeFileSync("docs/results.md", `# Results

Recorded with \`npm run docs:results\` (which runs the commands below on two worker threads); the
numbers come out of the models. Node 20, seed 1; every figure with its 95 % interval over
replications (docs/results-format.md).

## The main comparison (\`npm start\`)

\`npm run sim -- compare --seed 1\` (${mins(t0, t1)} min here): for the mixed workload (4 routers x 15
Mb/s inbound, 4 servers x 60 Mb/s outbound at load 1, IMIX; TCP 80 %, UDP 15 %, ESP 5 %; 1,000
open flows of 10 inbound frames on average), each board's capacity (the highest load carried in
steady state: loss at most 0.1 %, no growing backlog, no health change; the quick search's 4 %
bracket), what limits it and how close it comes to the analytic bound, and what the CPU pays at
the reference load 1 (20 ms after 20 ms of warm-up, 3 replications).

| board | capacity in Mb/s | out Mb/s | load | limited by | of bound | CPU per in frame | CPU per out frame | cycles per intervention | CPU % at load 1 |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${compareRows.join("\n")}

${compare.every((r) => /\.p\d\.(in|out)$/.test((r["capacity"] as Cap).bottleneck.resource)) ? "With this workload every board carries its ports' line rate: most bytes flow server to client, and outbound frames need no CPU on any board, which is the patent's point. What the topologies differ in is what carrying it costs:" : "What limits each board is in the table; what carrying the traffic costs differs too:"} every inbound frame is one intervention on 5A-5D and none on 5E/5F, and the cycles per
intervention fall from 5A to 5D as the interconnect and the memories get faster.

![throughput](results/chart1.svg)

![capacity](results/chart${(await import("node:fs")).readdirSync("docs/results").filter((f) => /^chart\d+\.svg$/.test(f)).length}.svg)

## Capacity and its bound (\`saturate\`)

\`npm run sim -- saturate --workload inbound-heavy --seed 1\` (${mins(t1, t2)} min here): with most bytes
inbound (4 routers x 40 Mb/s in, 4 servers x 10 Mb/s out), the capacity search (2 % bracket,
50 ms windows confirmed with 150 ms, 2-5 replications per load, 5 at the confirmation) beside the
analytic bound (src/scenarios/bound.ts: every resource's utilisation from the board's parameters
and the CPU costs per path the model measures in isolation).

| board | capacity (load) | in Mb/s | out Mb/s | bound (load) | of bound | bound by | simulated bottleneck |
| --- | --- | --- | --- | --- | --- | --- | --- |
${satRows.join("\n")}

The bound's first terms, each resource with the load at which it saturates:

${terms.join("\n")}

The capacity lands below the bound by what the bound leaves out: queueing near saturation (a
window must not see its backlog grow), contention (a register read waits for a busy bus, a line
fill for a burst being written), and the flows' granularity on the server ports.

![capacity and bound](results/saturate/chart${(await import("node:fs")).readdirSync("docs/results/saturate").filter((f) => /^chart\d+\.svg$/.test(f)).length}.svg)

## The patent's claims, checked

The patent orders its figures 5A < 5B < 5C < 5D in performance and has 5E and 5F relieve the CPU
of inbound frames. Checked here from the capacity search above (inbound-heavy, where the boards
differ), not assumed; a claim holds when the later board's capacity bracket lies wholly above the
earlier one's.

| claim | earlier board's capacity (load) | later board's | verdict |
| --- | --- | --- | --- |
${pairs.map(order).join("\n")}

| board | CPU interventions per inbound frame | CPU % at capacity | capacity (load) |
| --- | --- | --- | --- |
${relief.join("\n")}

${whyNot}
## Capacity against the number of controllers (\`controllers\`)

\`npm run sim -- controllers --seed 1\` (${mins(t2, t3)} min here): each topology with 1 to 12 GT-48002s
(routers on the first half of the ports, servers on the second, the mixed workload per port).

| topology | GT-48002s | capacity Mb/s | load | limited by |
| --- | --- | --- | --- | --- |
${scaleRows.join("\n")}

5D's best here is ${best5D.toFixed(0)} Mb/s: ${best5D > 1000 ? "the patent's \"transfer rates in excess of 1Gbps\" for Fig 5D holds" : "short of the patent's \"in excess of 1Gbps\" for Fig 5D"} once it has enough ports.

![controllers](results/controllers/chart${(await import("node:fs")).readdirSync("docs/results/controllers").filter((f) => /^chart\d+\.svg$/.test(f)).length}.svg)
`);
console.log(`wrote docs/results.md and its charts in ${((performance.now() - t0) / 60000).toFixed(1)} min`);
