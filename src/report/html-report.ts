/**
 * `--report DIR`: an HTML page with SVG charts, rendered in Node by Vega-Lite and Vega (no
 * browser, no network): throughput per board (or against offered load for a sweep), latency
 * distribution functions per board and direction, utilisation of every resource, and, when a run
 * has one, a failover timeline and its time series over the warm-up and the window. Every chart
 * carries its title with units; legends name each direction (router to server, server to router);
 * labels are never truncated. A provenance block says which flowsim made the results (version,
 * commit, command). The page is one self-contained file (`DIR/index.html`), the raw results
 * beside it (`DIR/results.json`).
 */
import { mkdirSync } from "node:fs";
import { writeFileAtomic } from "../sim/output-file.ts";
import { join } from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { RunRecord } from "../scenarios/registry.ts";
import { boardLabel, DIRECTION_LABEL, resourceClass } from "./labels.ts";
import { provenanceOf } from "./provenance.ts";
import { seriesSpec } from "./series-chart.ts";
import { studyChart, type StudyPlot } from "./study-chart.ts";

type Row = Record<string, string | number>;

async function svg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

const get = (r: RunRecord, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], r);
/** A run's label: its board with its models when not the defaults ("5A (tlm)"), and its firmware if named. */
const label = (r: RunRecord) => boardLabel(r, String(r["board"] ?? r.scenario)) + (r["firmware"] ? ` ${String(r["firmware"])}` : "");

export interface Chart {
  /** The chart's title, with its units; drawn in the chart too. */
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/** The charts a set of runs supports. */
export function chartsFor(runs: RunRecord[], plot?: StudyPlot, notes: string[] = []): Chart[] {
  const charts: Chart[] = [];
  const study = studyChart(runs, plot);
  if (typeof study === "string") notes.push(study);
  else if (study) charts.push(study);
  const boardRuns = runs.filter((r) => get(r, "delivered.inboundMbps") !== undefined);
  if (boardRuns.length === 0) return charts;
  const isSweep = boardRuns.some((r) => r.scenario === "sweep");
  if (isSweep) {
    const num = (r: RunRecord, p: string) => (get(r, p) as number | undefined) ?? 0;
    const values: Row[] = boardRuns.flatMap((r) => (["inbound", "outbound"] as const).map((d) => {
      const delivered = num(r, `delivered.${d}Mbps`), half = num(r, `delivered.${d}MbpsCi95`);
      const health = ["serverDowns", "serverUps", "routerDowns", "routerUps"].reduce((s, k) => s + num(r, `health.${k}`), 0);
      return { board: label(r), direction: DIRECTION_LABEL[d], series: `${label(r)} ${d}`, offered: num(r, `offered.${d}Mbps`), delivered, lo: delivered - half, hi: delivered + half, health: +health.toFixed(2) };
    }));
    const enc = { x: { field: "offered", type: "quantitative", title: "offered (Mb/s)" }, color: { field: "board", type: "nominal" } } as const;
    charts.push({
      title: "Throughput against offered load (Mb/s)", caption: "Delivered against offered frame bits (Mb/s) in each direction (solid: inbound, router to server; dashed: outbound, server to router), a line per board and direction; bars: 95 % intervals over replications; red triangles: runs with health changes (false or real failovers).",
      spec: {
        width: 480, height: 280, data: { values },
        layer: [
          { mark: { type: "line", point: true }, encoding: { ...enc, y: { field: "delivered", type: "quantitative", title: "delivered (Mb/s)" }, strokeDash: { field: "direction", type: "nominal", title: "direction", legend: DASH_LEGEND }, detail: { field: "series" }, order: { field: "offered" } } },
          { mark: { type: "errorbar", ticks: true }, encoding: { ...enc, y: { field: "lo", type: "quantitative", title: "delivered (Mb/s)" }, y2: { field: "hi" } } },
          { transform: [{ filter: "datum.health > 0" }], mark: { type: "point", shape: "triangle-up", size: 120, filled: true, color: "#d62728" }, encoding: { x: enc.x, y: { field: "delivered", type: "quantitative" }, tooltip: [{ field: "board" }, { field: "health", title: "health changes" }] } },
        ],
      } as TopLevelSpec,
    });
  } else {
    const row = (r: RunRecord, direction: "inbound" | "outbound") => {
      const mbps = get(r, `delivered.${direction}Mbps`) as number, h = (get(r, `delivered.${direction}MbpsCi95`) as number | undefined) ?? 0;
      return { board: label(r), direction: DIRECTION_LABEL[direction], mbps, lo: mbps - h, hi: mbps + h };
    };
    const values: Row[] = boardRuns.flatMap((r) => [row(r, "inbound"), row(r, "outbound")]);
    const enc = { x: { field: "board", type: "nominal" }, xOffset: { field: "direction" } } as const;
    charts.push({
      title: "Throughput per board (Mb/s)", caption: "Delivered frame bits per direction (Mb/s) at the run's load, with 95 % intervals over replications where there are several.",
      spec: {
        width: 480, height: 260, data: { values },
        layer: [
          { mark: "bar", encoding: { ...enc, y: { field: "mbps", type: "quantitative", title: "delivered (Mb/s)" }, color: { field: "direction", type: "nominal", title: "direction", legend: { labelLimit: 0 } } } },
          { mark: { type: "errorbar", ticks: true }, encoding: { ...enc, y: { field: "lo", type: "quantitative", title: "delivered (Mb/s)" }, y2: { field: "hi" } } },
        ],
      } as TopLevelSpec,
    });
  }
  const cdf: Row[] = [];
  for (const r of boardRuns) {
    for (const dir of ["inbound", "outbound"]) {
      const pts = (get(r, `latencyUs.${dir}.cdf`) as [number, number][] | undefined) ?? [];
      for (const [us, f] of pts) cdf.push({ board: label(r), direction: DIRECTION_LABEL[dir as "inbound" | "outbound"], us: Math.max(us, 0.001), fraction: f, series: `${label(r)} ${dir}` });
    }
  }
  if (cdf.length > 0) {
    charts.push({
      title: "Latency distribution (µs; fraction of frames)", caption: "Fraction of frames delivered within a latency (µs, log scale), from creation at the host to delivery; solid: inbound (router to server), dashed: outbound (server to router).",
      spec: { width: 480, height: 280, data: { values: cdf }, mark: { type: "line", point: true }, encoding: { x: { field: "us", type: "quantitative", scale: { type: "log" }, title: "latency (µs)" }, y: { field: "fraction", type: "quantitative", title: "fraction of frames (0-1)" }, color: { field: "board", type: "nominal" }, strokeDash: { field: "direction", type: "nominal", title: "direction", legend: DASH_LEGEND }, detail: { field: "series" } } },
    });
  }
  // utilisation by class of resource: the busiest member of each class, per board
  const util: Row[] = [];
  for (const r of boardRuns) {
    const best = new Map<string, number>();
    for (const [name, v] of Object.entries((get(r, "resources") as Record<string, { utilization: number }>) ?? {})) {
      const k = resourceClass(name);
      best.set(k, Math.max(best.get(k) ?? 0, v.utilization));
    }
    for (const [resource, utilization] of best) util.push({ board: label(r), resource, utilization: +utilization.toFixed(3) });
  }
  charts.push({
    title: "Utilisation per resource (% of time busy)", caption: "Busy time over elapsed time; each cell is the busiest resource of that class on the board.",
    spec: {
      width: 420, height: { step: 26 }, data: { values: util },
      layer: [
        { mark: "rect", encoding: { x: { field: "board", type: "nominal" }, y: { field: "resource", type: "nominal", title: "resource class", axis: { labelLimit: 0 } }, color: { field: "utilization", type: "quantitative", title: "busy share", scale: { domain: [0, 1] }, legend: { format: ".0%" } } } },
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
      title: `Failover timeline (${tl.scenario}, ${label(tl)}; inbound frames per ${t.bucketUs.toFixed(0)} µs)`, caption: `Inbound frames each server received per ${t.bucketUs.toFixed(0)} us, from the start of the measurement window; rules: when the server fails and recovers (the script), and when the switch declares it down and up (detection).`,
      spec: {
        width: 520, height: 260,
        layer: [
          { data: { values }, mark: "line", encoding: { x: { field: "ms", type: "quantitative", title: "simulated time from the window's start (ms)" }, y: { field: "frames", type: "quantitative", title: "inbound frames per bucket" }, color: { field: "server", type: "nominal" } } },
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
  // each run's time series, the first MAX_SERIES_FIGURES of them
  const withSeries = boardRuns.filter((r) => r["series"] !== undefined);
  for (const r of withSeries.slice(0, MAX_SERIES_FIGURES)) {
    const title = `Over time: ${r.scenario}, ${label(r)}, load ${String(r["load"])} (ms from the window's start)`;
    const spec = seriesSpec(r, title);
    if (spec) charts.push({ title, caption: `Sampled every ${String((r["series"] as { intervalMs: number }).intervalMs)} ms over the warm-up (before 0) and the window; each panel names its unit. Dashed rules: the warm-up's end, the script's failures and recoveries, and the health changes the switch declared.${withSeries.length > MAX_SERIES_FIGURES && r === withSeries[MAX_SERIES_FIGURES - 1] ? ` (${withSeries.length - MAX_SERIES_FIGURES} more runs have series: see results.json.)` : ""}`, spec });
  }
  // every chart draws its title, units included
  for (const c of charts) (c.spec as { title?: unknown }).title ??= { text: c.title, anchor: "start" };
  return charts;
}

/** Runs whose time series get a figure of their own (the rest are in results.json). */
export const MAX_SERIES_FIGURES = 6;

/** A legend of line styles (solid, dashed) drawn as strokes, so its entries differ as the lines do. */
const DASH_LEGEND = { symbolType: "stroke", symbolStrokeWidth: 2, symbolSize: 300, labelLimit: 0, encode: { symbols: { update: { stroke: { value: "#444" } } } } } as const;

/** Each board's capacity (its confirmed bracket, as a load factor) beside its analytic bound, labelled with the bound's binding resource. */
function capacityChart(runs: RunRecord[]): Chart {
  const values: Row[] = runs.map((r) => {
    const s = (r["saturation"] ?? r["capacity"]) as { loadInterval: [number, number]; boundLoad?: number; boundResource?: string; bound?: { load: number; resource: string } };
    const boundLoad = s.boundLoad ?? s.bound!.load, resource = s.boundResource ?? s.bound!.resource;
    const bn = (r["saturation"] ? r["bottleneck"] : get(r, "capacity.bottleneck")) as { resource: string } | undefined;
    return { board: label(r), lo: s.loadInterval[0], hi: s.loadInterval[1], bound: boundLoad, label: `bound: ${resource}; simulated: ${bn?.resource ?? "?"}` };
  });
  return {
    title: "Capacity and its bound (load factor)", caption: "Each board's capacity as a load factor of the workload (the bar spans the confirmed bracket: its left end passed, its right end failed) and the analytic bound (tick), labelled with the bound's binding resource and the simulated bottleneck.",
    spec: {
      width: 480, height: { step: 34 }, data: { values },
      layer: [
        { mark: { type: "bar", height: 14 }, encoding: { y: { field: "board", type: "nominal", axis: { labelLimit: 0 } }, x: { field: "lo", type: "quantitative", title: "load factor", scale: { zero: true } }, x2: { field: "hi" } } },
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
    title: "Capacity against the number of controllers (Mb/s)", caption: "Each topology's capacity (delivered frame bits, both directions, Mb/s) as its GT-48002 count grows, with 95 % intervals; the dashed line is the 1 Gb/s the patent claims Fig 5D exceeds.",
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
export async function writeReport(dir: string, runs: RunRecord[], command: string, plot?: StudyPlot): Promise<{ path: string; charts: number; notes: string[] }> {
  mkdirSync(dir, { recursive: true });
  const notes: string[] = [];
  const charts = chartsFor(runs, plot, notes);
  const figures: string[] = [];
  let n = 0;
  for (const c of charts) {
    const s = await svg(c.spec);
    writeFileAtomic(join(dir, `chart${++n}.svg`), s); // each chart also on its own, for docs
    figures.push(`<figure class="chart" aria-label="${esc(c.title)}">${s}<figcaption>${esc(c.caption)}</figcaption></figure>`);
  }
  const rows = runs.map((r) => `<tr><td>${esc(r.scenario)}</td><td>${esc(label(r))}</td><td>${r.seed}</td><td>${(r.simulatedSeconds * 1000).toFixed(2)} ms</td></tr>`).join("");
  const provenance = provenanceOf(runs, command).map((p) => `<dl class="provenance">${Object.entries(p).map(([k, v]) => `<dt>${esc(k)}</dt><dd><code>${esc(v)}</code></dd>`).join("")}</dl>`).join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>flowsim report</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}figure{margin:1.5em 0}figure svg{max-width:none}table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd}dl.provenance{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:0 0 1em}dl.provenance dt{font-weight:bold}dl.provenance dd{margin:0;overflow-wrap:anywhere}</style>
</head><body>
<h1>flowsim report</h1>
<section id="provenance"><h2>Provenance</h2>
${provenance}
<p>Raw results: <a href="results.json">results.json</a>.</p></section>
<table><tr><th>scenario</th><th>board</th><th>seed</th><th>simulated</th></tr>${rows}</table>
${figures.join("\n")}
</body></html>
`;
  const path = join(dir, "index.html");
  writeFileAtomic(join(dir, "results.json"), JSON.stringify({ schema: 1, runs }, null, 2) + "\n");
  writeFileAtomic(path, html); // the page last: it links results.json and the charts
  return { path, charts: charts.length, notes };
}
