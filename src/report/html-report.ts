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
    const values: Row[] = boardRuns.flatMap((r) => [
      { board: label(r), offered: (get(r, "offered.inboundMbps") as number) + (get(r, "offered.outboundMbps") as number), delivered: (get(r, "delivered.inboundMbps") as number) + (get(r, "delivered.outboundMbps") as number) },
    ]);
    charts.push({
      title: "Throughput against offered load", caption: "Delivered against offered frame bits (Mb/s), both directions together.",
      spec: { width: 480, height: 280, data: { values }, mark: { type: "line", point: true }, encoding: { x: { field: "offered", type: "quantitative", title: "offered (Mb/s)" }, y: { field: "delivered", type: "quantitative", title: "delivered (Mb/s)" }, color: { field: "board", type: "nominal" } } },
    });
  } else {
    const values: Row[] = boardRuns.flatMap((r) => [
      { board: label(r), direction: "inbound", mbps: get(r, "delivered.inboundMbps") as number },
      { board: label(r), direction: "outbound", mbps: get(r, "delivered.outboundMbps") as number },
    ]);
    charts.push({
      title: "Throughput per board", caption: "Delivered frame bits per direction (Mb/s).",
      spec: { width: 480, height: 260, data: { values }, mark: "bar", encoding: { x: { field: "board", type: "nominal" }, xOffset: { field: "direction" }, y: { field: "mbps", type: "quantitative", title: "delivered (Mb/s)" }, color: { field: "direction", type: "nominal" } } },
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
    charts.push({
      title: `Failover timeline (${tl.scenario}, ${label(tl)})`, caption: `Inbound frames each server received per ${t.bucketUs.toFixed(0)} us.`,
      spec: { width: 520, height: 260, data: { values }, mark: "line", encoding: { x: { field: "ms", type: "quantitative", title: "simulated time (ms)" }, y: { field: "frames", type: "quantitative" }, color: { field: "server", type: "nominal" } } },
    });
  }
  return charts;
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
