/**
 * The parameter study's chart (`flowsim study --report`): a chosen result (`--plot`, a dotted field
 * of the records; default: the CPU's utilisation for runs, the capacity in Mb/s for searches)
 * against a chosen varied parameter (`--against`; default: the first numeric one), a line per
 * combination of the other varied parameters (and board), with the result's 95 % interval where
 * replications give one.
 */
import type { TopLevelSpec } from "vega-lite";
import type { RunRecord } from "../scenarios/registry.ts";
import { boardLabel } from "./labels.ts";

export interface StudyPlot {
  /** The result on the y axis: a dotted field path. */
  y?: string;
  /** The varied parameter on the x axis. */
  x?: string;
}

const get = (r: RunRecord, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], r);

/** The chart's title, caption and spec, or a reason there is none. */
export function studyChart(runs: RunRecord[], plot: StudyPlot = {}): { title: string; caption: string; spec: TopLevelSpec } | string | undefined {
  const studied = runs.filter((r) => typeof r["study"] === "object" && r["study"] !== null);
  if (studied.length === 0) return undefined;
  const params = Object.keys(studied[0]!["study"] as object);
  const numeric = (p: string) => studied.every((r) => typeof (r["study"] as Record<string, unknown>)[p] === "number");
  const x = plot.x ?? params.find(numeric);
  if (x === undefined) return "study chart: no numeric parameter to plot against (--against)";
  if (!params.includes(x)) return `study chart: --against ${x} is not a varied parameter (${params.join(", ")})`;
  const y = plot.y ?? (studied[0]!["saturation"] ? "saturation.deliveredMbps" : "cpu.utilization");
  const rows = studied.map((r) => {
    const s = r["study"] as Record<string, unknown>;
    const v = get(r, y), half = get(r, `${y}Ci95`);
    const others = params.filter((p) => p !== x).map((p) => `${p}=${String(s[p])}`).join(" ");
    const board = boardLabel(r, String(r["board"] ?? "").split(" ")[0]);
    return { x: s[x] as number, y: v as number, lo: (v as number) - ((half as number) ?? 0), hi: (v as number) + ((half as number) ?? 0), series: `${board}${others ? ` ${others}` : ""}` };
  });
  if (rows.some((r) => typeof r.y !== "number" || !Number.isFinite(r.y))) return `study chart: --plot ${y} is not a number in every record (see flowsim results FILE --list-fields)`;
  const enc = { x: { field: "x", type: "quantitative", title: x, scale: { zero: false } }, color: { field: "series", type: "nominal", title: "board and other parameters", legend: { labelLimit: 0, titleLimit: 0 } } } as const;
  return {
    title: `Study: ${y} against ${x}`,
    caption: `${y} for each value of ${x}, a line per board and combination of the other varied parameters; bars: 95 % intervals where replications give them.`,
    spec: {
      width: 480, height: 280, data: { values: rows },
      layer: [
        { mark: { type: "line", point: true }, encoding: { ...enc, y: { field: "y", type: "quantitative", title: y }, order: { field: "x" } } },
        { mark: { type: "errorbar", ticks: true }, encoding: { ...enc, y: { field: "lo", type: "quantitative", title: y }, y2: { field: "hi" } } },
      ],
    } as TopLevelSpec,
  };
}
