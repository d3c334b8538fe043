/**
 * `--report DIR`: an HTML page with SVG charts, rendered in Node by Vega-Lite and Vega (no
 * browser, no network): throughput per board (or against offered load for a sweep), latency
 * distribution functions per board and direction, utilisation of every resource, and, when a run
 * has one, a failover timeline. The page is one self-contained file (`DIR/index.html`), the raw
 * results beside it (`DIR/results.json`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { RunRecord } from "../scenarios/registry.ts";

type Row = Record<string, string | number>;

async function svg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

const get = (r: RunRecord, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], r);
const label = (r: RunRecord) => String(r["board"] ?? r.scenario) + (r["firmware"] ? ` ${String(r["firmware"])}` : "");

export interface Chart {
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/** The charts a set of runs supports. */
export function chartsFor(runs: RunRecord[]): Chart[] {
  const charts: Chart[] = [];
  const boardRuns = runs.filter((r) => get(r, "delivered.inboundMbps") !== undefined);
  if (boardRuns.length === 0) return charts;
  const isSweep = boardRuns.some((r) => r.scenario === "sweep");
  if (isSweep) {
    const num = (r: RunRecord, p: string) => (get(r, p) as number | undefined) ?? 0;
    const values: Row[] = boardRuns.map((r) => {
      const delivered = num(r, "delivered.inboundMbps") + num(r, "delivered.outboundMbps");
      const half = num(r, "delivered.inboundMbpsCi95") + num(r, "delivered.outboundMbpsCi95"); // both from the same replications: at most the sum
      const health = ["serverDowns", "serverUps", "routerDowns", "routerUps"].reduce((s, k) => s + num(r, `health.${k}`), 0);
      return { board: label(r), offered: num(r, "offered.inboundMbps") + num(r, "offered.outboundMbps"), delivered, lo: delivered - half, hi: delivered + half, health: +health.toFixed(2) };
    });
    const enc = { x: { field: "offered", type: "quantitative", title: "offered (Mb/s)" }, color: { field: "board", type: "nominal" } } as const;
    charts.push({
      title: "Throughput against offered load", caption: "Delivered against offered frame bits (Mb/s), both directions together, a line per board; bars: 95 % intervals over replications; red triangles: runs with health changes (false or real failovers).",
      spec: {
        width: 480, height: 280, data: { values },
        layer: [
          { mark: { type: "line", point: true }, encoding: { ...enc, y: { field: "delivered", type: "quantitative", title: "delivered (Mb/s)" }, order: { field: "offered" } } },
          { mark: { type: "errorbar", ticks: true }, encoding: { ...enc, y: { field: "lo", type: "quantitative", title: "delivered (Mb/s)" }, y2: { field: "hi" } } },
          { transform: [{ filter: "datum.health > 0" }], mark: { type: "point", shape: "triangle-up", size: 120, filled: true, color: "#d62728" }, encoding: { x: enc.x, y: { field: "delivered", type: "quantitative" }, tooltip: [{ field: "board" }, { field: "health", title: "health changes" }] } },
        ],
      } as TopLevelSpec,
    });
  } else {
    const row = (r: RunRecord, direction: "inbound" | "outbound") => {
      const mbps = get(r, `delivered.${direction}Mbps`) as number, h = (get(r, `delivered.${direction}MbpsCi95`) as number | undefined) ?? 0;
      return { board: label(r), direction, mbps, lo: mbps - h, hi: mbps + h };
    };
    const values: Row[] = boardRuns.flatMap((r) => [row(r, "inbound"), row(r, "outbound")]);
    const enc = { x: { field: "board", type: "nominal" }, xOffset: { field: "direction" } } as const;
    charts.push({
      title: "Throughput per board", caption: "Delivered frame bits per direction (Mb/s) at the run's load, with 95 % intervals over replications where there are several.",
      spec: {
        width: 480, height: 260, data: { values },
        layer: [
          { mark: "bar", encoding: { ...enc, y: { field: "mbps", type: "quantitative", title: "delivered (Mb/s)" }, color: { field: "direction", type: "nominal", title: "direction" } } },
          { mark: { type: "errorbar", ticks: true }, encoding: { ...enc, y: { field: "lo", type: "quantitative", title: "delivered (Mb/s)" }, y2: { field: "hi" } } },
        ],
      } as TopLevelSpec,
    });
  }
  const cdf: Row[] = [];
  for (const r of boardRuns) {
    for (const dir of ["inbound", "outbound"]) {
      const pts = (get(r, `latencyUs.${dir}.cdf`) as [number, number][] | undefined) ?? [];
      for (const [us, f] of pts) cdf.push({ board: label(r), direction: dir, us: Math.max(us, 0.001), fraction: f, series: `${label(r)} ${dir}` });
    }
  }
  if (cdf.length > 0) {
    charts.push({
      title: "Latency distribution", caption: "Fraction of frames delivered within a latency (us, log scale), from creation at the host to delivery.",
      spec: { width: 480, height: 280, data: { values: cdf }, mark: { type: "line", point: true }, encoding: { x: { field: "us", type: "quantitative", scale: { type: "log" }, title: "latency (us)" }, y: { field: "fraction", type: "quantitative" }, color: { field: "board", type: "nominal" }, strokeDash: { field: "direction", type: "nominal" }, detail: { field: "series" } } },
    });
  }
  // utilisation by class of resource: the busiest member of each class, per board
  const classOf = (name: string): string =>
    /\.p\d\.in$/.test(name) ? "ports, host to switch" : /\.p\d\.out$/.test(name) ? "ports, switch to host" : /\.buffer$/.test(name) ? "controller buffer memory"
      : /\.cpu$/.test(name) ? "CPU" : /\.dram$/.test(name) ? "CPU DRAM" : name === "fsram" ? "fast SRAM" : "fabric (PCI, arbiter, crossbar)";
  const util: Row[] = [];
  for (const r of boardRuns) {
    const best = new Map<string, number>();
    for (const [name, v] of Object.entries((get(r, "resources") as Record<string, { utilization: number }>) ?? {})) {
      const k = classOf(name);
      best.set(k, Math.max(best.get(k) ?? 0, v.utilization));
    }
    for (const [resource, utilization] of best) util.push({ board: label(r), resource, utilization: +utilization.toFixed(3) });
  }
  charts.push({
    title: "Utilisation per resource", caption: "Busy time over elapsed time; each cell is the busiest resource of that class on the board.",
    spec: {
      width: 420, height: { step: 26 }, data: { values: util },
      layer: [
        { mark: "rect", encoding: { x: { field: "board", type: "nominal" }, y: { field: "resource", type: "nominal" }, color: { field: "utilization", type: "quantitative", scale: { domain: [0, 1] } } } },
        { mark: { type: "text", fontSize: 10 }, encoding: { x: { field: "board", type: "nominal" }, y: { field: "resource", type: "nominal" }, text: { field: "utilization", type: "quantitative", format: ".0%" } } },
      ],
    } as TopLevelSpec,
  });
  const tl = boardRuns.find((r) => r["timeline"]);
  if (tl) {
    const t = tl["timeline"] as { bucketUs: number; inboundFramesPerServer: Record<string, number[]> };
    const values: Row[] = Object.entries(t.inboundFramesPerServer).flatMap(([server, xs]) => xs.map((n, i) => ({ server, ms: ((i + 1) * t.bucketUs) / 1000, frames: n })));
    // the instants: the scripted failure and restore, and every health change the switch declared
    const f = (tl["failover"] ?? {}) as { failAtUs?: number; restoreAtUs?: number };
    const marks: Row[] = [];
    if (f.failAtUs !== undefined) marks.push({ ms: f.failAtUs / 1000, what: "fails" });
    if (f.restoreAtUs !== undefined) marks.push({ ms: f.restoreAtUs / 1000, what: "recovers" });
    for (const e of ((get(tl, "health.events") as { atMs: number; name: string; change: string }[] | undefined) ?? [])) if (e.atMs >= 0) marks.push({ ms: e.atMs, what: `${e.name} declared ${e.change}` });
    charts.push({
      title: `Failover timeline (${tl.scenario}, ${label(tl)})`, caption: `Inbound frames each server received per ${t.bucketUs.toFixed(0)} us, from the start of the measurement window; rules: when the server fails and recovers (the script), and when the switch declares it down and up (detection).`,
      spec: {
        width: 520, height: 260,
        layer: [
          { data: { values }, mark: "line", encoding: { x: { field: "ms", type: "quantitative", title: "simulated time (ms)" }, y: { field: "frames", type: "quantitative" }, color: { field: "server", type: "nominal" } } },
          { data: { values: marks }, mark: { type: "rule", strokeDash: [4, 3], color: "#555" }, encoding: { x: { field: "ms", type: "quantitative" } } },
          { data: { values: marks }, mark: { type: "text", angle: 270, align: "left", dx: 4, dy: -4, fontSize: 9, color: "#333" }, encoding: { x: { field: "ms", type: "quantitative" }, y: { value: 250 }, text: { field: "what" } } },
        ],
      } as TopLevelSpec,
    });
  }
  const scale = runs.filter((r) => r["controllers"] !== undefined && r["saturation"]);
  if (scale.length > 0) charts.push(scaleChart(scale));
  const sat = runs.filter((r) => (r["saturation"] || r["capacity"]) && r["controllers"] === undefined);
  if (sat.length > 0) charts.push(capacityChart(sat));
  return charts;
}

/** Each board's capacity (its confirmed bracket, as a load factor) beside its analytic bound, labelled with the bound's binding resource. */
function capacityChart(runs: RunRecord[]): Chart {
  const values: Row[] = runs.map((r) => {
    const s = (r["saturation"] ?? r["capacity"]) as { loadInterval: [number, number]; boundLoad?: number; boundResource?: string; bound?: { load: number; resource: string } };
    const boundLoad = s.boundLoad ?? s.bound!.load, resource = s.boundResource ?? s.bound!.resource;
    const bn = (r["saturation"] ? r["bottleneck"] : get(r, "capacity.bottleneck")) as { resource: string } | undefined;
    return { board: label(r), lo: s.loadInterval[0], hi: s.loadInterval[1], bound: boundLoad, label: `bound: ${resource}; simulated: ${bn?.resource ?? "?"}` };
  });
  return {
    title: "Capacity and its bound", caption: "Each board's capacity as a load factor of the workload (the bar spans the confirmed bracket: its left end passed, its right end failed) and the analytic bound (tick), labelled with the bound's binding resource and the simulated bottleneck.",
    spec: {
      width: 480, height: { step: 34 }, data: { values },
      layer: [
        { mark: { type: "bar", height: 14 }, encoding: { y: { field: "board", type: "nominal" }, x: { field: "lo", type: "quantitative", title: "load factor", scale: { zero: true } }, x2: { field: "hi" } } },
        { mark: { type: "tick", thickness: 3, color: "#d62728" }, encoding: { y: { field: "board", type: "nominal" }, x: { field: "bound", type: "quantitative" } } },
        { mark: { type: "text", align: "left", dx: 6, dy: -11, fontSize: 9 }, encoding: { y: { field: "board", type: "nominal" }, x: { field: "hi", type: "quantitative" }, text: { field: "label" } } },
      ],
    } as TopLevelSpec,
  };
}

/** The scale study: capacity (both directions) against the number of GT-48002s, a line per topology, with 1 Gb/s marked. */
function scaleChart(runs: RunRecord[]): Chart {
  const num = (r: RunRecord, p: string) => (get(r, p) as number | undefined) ?? 0;
  const values: Row[] = runs.map((r) => {
    const mbps = num(r, "delivered.inboundMbps") + num(r, "delivered.outboundMbps"), half = num(r, "delivered.inboundMbpsCi95") + num(r, "delivered.outboundMbpsCi95");
    return { topology: String(r["topology"]), controllers: r["controllers"] as number, mbps, lo: mbps - half, hi: mbps + half, limit: String(get(r, "bottleneck.resource")) };
  });
  const enc = { x: { field: "controllers", type: "quantitative", title: "GT-48002 controllers (two ports each)" }, color: { field: "topology", type: "nominal" } } as const;
  return {
    title: "Capacity against the number of controllers", caption: "Each topology's capacity (delivered frame bits, both directions, Mb/s) as its GT-48002 count grows, with 95 % intervals; the dashed line is the 1 Gb/s the patent claims Fig 5D exceeds.",
    spec: {
      width: 480, height: 300,
      layer: [
        { data: { values }, mark: { type: "line", point: true }, encoding: { ...enc, y: { field: "mbps", type: "quantitative", title: "capacity (Mb/s)" }, order: { field: "controllers" }, tooltip: [{ field: "topology" }, { field: "controllers" }, { field: "mbps", format: ".1f" }, { field: "limit", title: "limited by" }] } },
        { data: { values }, mark: { type: "errorbar", ticks: true }, encoding: { ...enc, y: { field: "lo", type: "quantitative", title: "capacity (Mb/s)" }, y2: { field: "hi" } } },
        { data: { values: [{ y: 1000 }] }, mark: { type: "rule", strokeDash: [6, 4], color: "#888" }, encoding: { y: { field: "y", type: "quantitative" } } },
      ],
    } as TopLevelSpec,
  };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** Writes DIR/index.html and DIR/results.json; returns the page's path and the number of charts. */
export async function writeReport(dir: string, runs: RunRecord[], command: string): Promise<{ path: string; charts: number }> {
  mkdirSync(dir, { recursive: true });
  const charts = chartsFor(runs);
  const figures: string[] = [];
  let n = 0;
  for (const c of charts) {
    const s = await svg(c.spec);
    writeFileSync(join(dir, `chart${++n}.svg`), s); // each chart also on its own, for docs
    figures.push(`<figure class="chart"><figcaption><b>${esc(c.title)}</b> ${esc(c.caption)}</figcaption>${s}</figure>`);
  }
  const rows = runs.map((r) => `<tr><td>${esc(r.scenario)}</td><td>${esc(label(r))}</td><td>${r.seed}</td><td>${(r.simulatedSeconds * 1000).toFixed(2)} ms</td></tr>`).join("");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>flowsim report</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}figure{margin:1.5em 0}table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd}</style>
</head><body>
<h1>flowsim report</h1>
<p>Command: <code>${esc(command)}</code>. Raw results: <a href="results.json">results.json</a>.</p>
<table><tr><th>scenario</th><th>board</th><th>seed</th><th>simulated</th></tr>${rows}</table>
${figures.join("\n")}
</body></html>
`;
  const path = join(dir, "index.html");
  writeFileSync(path, html);
  writeFileSync(join(dir, "results.json"), JSON.stringify({ schema: 1, runs }, null, 2) + "\n");
  return { path, charts: charts.length };
}
