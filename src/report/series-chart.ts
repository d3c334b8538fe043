/**
 * The report's "over time" figure of a run with a time series (`--series`; docs/results-format.md
 * "Series"): panels sharing one time axis (ms from the measurement window's start, the warm-up
 * before 0) for throughput each way, drops by cause, the deepest queue of each class, the busiest
 * resource of each class, the backlog, the flow table and the hosts up; on every panel, rules at
 * the warm-up's end, at the script's failures and recoveries (`failover`), and at each health
 * change the switch declared (`warmup.health.events`, `health.events`), labelled on the first.
 */
import type { TopLevelSpec } from "vega-lite";
import { seriesOf, type SeriesSection } from "../analysis/series-csv.ts";
import type { RunRecord } from "../scenarios/registry.ts";
import { DIRECTION_LABEL, resourceClass } from "./labels.ts";

type Row = Record<string, string | number>;

/** A queue's class in the figure (names as board.probes() gives them). */
export function queueClass(name: string): string {
  if (/\.p\d\.in$/.test(name)) return "ports, host to switch";
  if (/\.p\d\.out$/.test(name)) return "ports, switch to host";
  if (/\.buffer$/.test(name)) return "controller buffers";
  if (/\.cpu$/.test(name) && !/^pci/.test(name)) return "CPU job queue";
  if (/\.buffers$/.test(name)) return "CPU buffers (the CPU path's backlog)";
  if (name === "cpld") return "CPLD";
  return "fabric (PCI masters, arbiter, crossbar inputs)";
}

/** Per sample, the largest value of each class of columns. */
function classMax(cols: Record<string, number[]> | undefined, classOf: (name: string) => string, t: number[], scale = 1): Row[] {
  const by = new Map<string, number[]>();
  for (const [name, xs] of Object.entries(cols ?? {})) {
    const k = classOf(name);
    const m = by.get(k) ?? by.set(k, new Array<number>(t.length).fill(0)).get(k)!;
    xs.forEach((x, i) => (m[i] = Math.max(m[i]!, x)));
  }
  return [...by].flatMap(([k, m]) => m.map((v, i) => ({ ms: t[i]!, what: k, value: +(v * scale).toFixed(4) })));
}

/** The instants worth a rule: the warm-up's end, the script's failures and recoveries, the health changes the switch declared. */
export function seriesMarks(r: RunRecord): Row[] {
  const marks: Row[] = [{ ms: 0, what: "warm-up ends" }];
  const f = (r["failover"] ?? {}) as { failAtUs?: number; restoreAtUs?: number };
  if (f.failAtUs !== undefined) marks.push({ ms: f.failAtUs / 1000, what: "script: fails" });
  if (f.restoreAtUs !== undefined) marks.push({ ms: f.restoreAtUs / 1000, what: "script: recovers" });
  const events = [
    ...(((r["warmup"] as { health?: { events?: unknown } } | undefined)?.health?.events as { atMs: number; name: string; change: string }[] | undefined) ?? []),
    ...(((r["health"] as { events?: unknown } | undefined)?.events as { atMs: number; name: string; change: string }[] | undefined) ?? []),
  ];
  for (const e of events) marks.push({ ms: e.atMs, what: `${e.name} declared ${e.change}` });
  return marks;
}

interface Panel {
  title: string;
  axis: string;
  values: Row[];
  /** The legend's title (the series' `what`), or none for a single line. */
  legend?: string;
  step?: boolean;
}

function panels(s: SeriesSection): Panel[] {
  const t = s.tMs;
  const g = (name: string) => s[name] as Record<string, number[]> | undefined;
  const out: Panel[] = [];
  const delivered = g("delivered") ?? {};
  out.push({
    title: "Throughput delivered (Mb/s)", axis: "Mb/s", legend: "direction",
    values: (["inbound", "outbound"] as const).flatMap((d) => (delivered[`${d}Mbps`] ?? []).map((v, i) => ({ ms: t[i]!, what: DIRECTION_LABEL[d], value: v }))),
  });
  const drops = Object.entries(g("dropped") ?? {}).filter(([k, xs]) => k !== "switch.consumed" && xs.some((x) => x > 0));
  if (drops.length > 0) out.push({ title: `Drops (frames per ${s.intervalMs} ms, by cause)`, axis: "frames", legend: "cause", values: drops.flatMap(([k, xs]) => xs.map((v, i) => ({ ms: t[i]!, what: k, value: v }))) });
  out.push({ title: "Queue depths (deepest queue of each class, items)", axis: "items", legend: "queue class", values: classMax(g("queues"), queueClass, t).filter((r) => r["what"] !== "CPU buffers (the CPU path's backlog)") });
  out.push({ title: "Utilisation (busiest resource of each class, %)", axis: "%", legend: "resource class", values: classMax(g("utilization"), resourceClass, t, 100) });
  const cpuBacklog = classMax(g("queues"), queueClass, t).filter((r) => r["what"] === "CPU buffers (the CPU path's backlog)").map((r) => ({ ...r, what: "CPU path (frames in CPU buffers)" }));
  const data = (g("backlog")?.["dataFrames"] ?? []).map((v, i) => ({ ms: t[i]!, what: "data frames inside the switch and hosts' queues", value: v }));
  out.push({ title: "Backlog (frames)", axis: "frames", legend: "backlog", values: [...data, ...cpuBacklog] });
  const flows = g("flows")?.["live"];
  if (flows) out.push({ title: "Flow table (live entries)", axis: "entries", values: flows.map((v, i) => ({ ms: t[i]!, what: "flows", value: v })) });
  const health = g("health");
  if (health) {
    const up = (kind: RegExp, what: string) => t.map((ms, i) => ({ ms, what, value: Object.entries(health).filter(([n]) => kind.test(n)).reduce((a, [, xs]) => a + (xs[i] ?? 0), 0) }));
    out.push({ title: "Health (hosts up)", axis: "hosts up", legend: "hosts", step: true, values: [...up(/^s/, "servers up"), ...up(/^r/, "routers up")] });
  }
  return out;
}

/** The figure of one run: its panels stacked on one time axis, with the marks. */
export function seriesSpec(r: RunRecord, title: string): TopLevelSpec | undefined {
  const s = seriesOf(r);
  if (!s || s.tMs.length === 0) return undefined;
  const marks = seriesMarks(r);
  const domain = [Math.min(s.tMs[0]! - s.intervalMs, ...marks.map((m) => m["ms"] as number)), s.tMs.at(-1)!];
  const x = { field: "ms", type: "quantitative", title: null, scale: { domain, nice: false } } as const;
  const xLast = { ...x, title: "simulated time from the window's start (ms; the warm-up before 0)" };
  const rules = (labelled: boolean) => [
    { data: { values: marks }, mark: { type: "rule", strokeDash: [4, 3], color: "#555" }, encoding: { x: { field: "ms", type: "quantitative" }, tooltip: [{ field: "what" }, { field: "ms", title: "ms" }] } },
    ...(labelled ? [{ data: { values: marks }, mark: { type: "text", angle: 270, align: "right", baseline: "bottom", dx: -2, dy: -2, y: 0, fontSize: 9, color: "#333" }, encoding: { x: { field: "ms", type: "quantitative" }, text: { field: "what" } } }] : []),
  ];
  return {
    title: { text: title, anchor: "start" },
    vconcat: panels(s).map((p, k, all) => ({
      width: 560, height: 90, title: { text: p.title, anchor: "start", fontSize: 11 },
      layer: [
        {
          data: { values: p.values },
          // a state (health) holds from the sample that first sees it: a change shows at or after its instant, never before
          mark: { type: "line", interpolate: p.step ? "step-after" : "linear", strokeWidth: 1.5 },
          encoding: {
            x: k === all.length - 1 ? xLast : x, y: { field: "value", type: "quantitative", title: p.axis },
            ...(p.legend ? { color: { field: "what", type: "nominal", title: p.legend, legend: { labelLimit: 0, orient: "right" } } } : {}),
          },
        },
        ...rules(k === 0),
      ],
    })),
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    spacing: 18,
  } as unknown as TopLevelSpec;
}
