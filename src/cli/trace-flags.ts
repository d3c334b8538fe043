/**
 * The trace flags of `run` and `compare` (docs/cli.md "Traces"), in one place: their
 * declaration, their parsing, and the check of every output path before a run starts, so a
 * path that cannot be written (a missing parent that cannot be made, /proc/x, a read-only
 * directory, a directory given as a file) is one line and exit 2, not a lost run.
 */
import type { Command } from "commander";
import { PcapReplay } from "../hosts/replay.ts";
import { CaptureEpoch, DEFAULT_START_TIME } from "../net/capture-epoch.ts";
import type { RunRecord } from "../scenarios/registry.ts";
import type { TimeWindow, TraceSettings, TraceTargets } from "../scenarios/traces.ts";
import { parseDuration } from "../sim/time.ts";
import { ensureWritableDir, ensureWritableFile, TraceOutputError } from "../sim/trace/sink.ts";
import { UsageError } from "./errors.ts";

export interface TraceFlags {
  pcap?: string;
  pcapFormat?: string;
  pcapPorts?: string;
  pcapWindow?: string;
  vcd?: string;
  vcdWindow?: string;
  vcdSignals?: string;
  startTime?: string;
  execTrace?: string;
  execTraceJob?: string;
}

/** Adds the trace flags to a command. */
export function traceFlags(c: Command): Command {
  return c
    .option("--pcap <dir>", "capture every switch port, both ways, into DIR/<board>.pcapng (Wireshark)")
    .option("--pcap-format <f>", "pcapng (default: one file, an interface per port) or pcap (two files per port)")
    .option("--pcap-ports <list>", "capture only these ports: numbers or host names, e.g. 0,1,s2")
    .option("--pcap-window <from:to>", "capture only this span of simulated time, e.g. 5ms:10ms (either end may be left out)")
    .option("--vcd <file>", "write the fabric's signals (PCI pins, arbiter, crossbar) as VCD (GTKWave); with several boards the board's name goes before .vcd")
    .option("--vcd-window <from:to>", "write only this span of simulated time to the VCD, e.g. 1ms:2ms")
    .option("--vcd-signals <globs>", "write only signals whose path matches, e.g. 'pci.*,*.REQ#'")
    .option("--exec-trace <file>", "with --cpu-model isa: one CPU frame job, instruction by instruction (PC, disassembly, cycles, stalls), then its replay through the board's caches and memories (each cache outcome and stall); with several boards the board's name goes before .txt")
    .option("--exec-trace-job <n>", "which frame job of the measurement window --exec-trace traces (default 1, the first)")
    .option("--start-time <when>", `the wall-clock time of simulated time 0 in captures: ISO 8601 or now (default ${DEFAULT_START_TIME}, for reproducible files)`);
}

function parseWindow(flag: string, v: string): TimeWindow {
  const m = /^([^:]*):([^:]*)$/.exec(v.trim());
  if (!m) throw new UsageError(`${flag}: expected FROM:TO in simulated time, e.g. 5ms:10ms, got "${v}"`);
  const end = (s: string, dflt: number) => {
    if (s.trim() === "" || s.trim() === "0") return s.trim() === "" ? dflt : 0;
    const d = parseDuration(s);
    if (typeof d === "string") throw new UsageError(`${flag}: ${d}`);
    return d;
  };
  const w = { fromPs: end(m[1]!, 0), toPs: end(m[2]!, Infinity) };
  if (!(w.toPs > w.fromPs)) throw new UsageError(`${flag}: the window's end must come after its start, got "${v}"`);
  return w;
}

/** The trace targets of a run from its flags, every path checked; undefined members when not asked for. */
export function traceTargets(o: TraceFlags): TraceTargets {
  const needs = (flag: string, given: unknown, base: string | undefined, baseFlag: string) => {
    if (given !== undefined && base === undefined) throw new UsageError(`${flag} applies only with ${baseFlag}`);
  };
  needs("--pcap-format", o.pcapFormat, o.pcap, "--pcap");
  needs("--pcap-ports", o.pcapPorts, o.pcap, "--pcap");
  needs("--pcap-window", o.pcapWindow, o.pcap, "--pcap");
  needs("--start-time", o.startTime, o.pcap ?? o.vcd, "--pcap or --vcd");
  needs("--vcd-window", o.vcdWindow, o.vcd, "--vcd");
  needs("--vcd-signals", o.vcdSignals, o.vcd, "--vcd");
  needs("--exec-trace-job", o.execTraceJob, o.execTrace, "--exec-trace");
  const t: TraceSettings = {};
  if (o.pcapFormat !== undefined) {
    if (o.pcapFormat !== "pcapng" && o.pcapFormat !== "pcap") throw new UsageError(`--pcap-format: expected pcapng or pcap, got "${o.pcapFormat}"`);
    t.pcapFormat = o.pcapFormat;
  }
  if (o.pcapPorts !== undefined) {
    const list = o.pcapPorts.split(",").map((s) => s.trim()).filter(Boolean);
    const bad = list.find((s) => !/^(\d+|[A-Za-z][\w.-]*)$/.test(s));
    if (list.length === 0 || bad !== undefined) throw new UsageError(`--pcap-ports: expected port numbers or host names separated by commas, e.g. 0,1,s2, got "${o.pcapPorts}"`);
    t.pcapPorts = list;
  }
  if (o.pcapWindow !== undefined) t.pcapWindow = parseWindow("--pcap-window", o.pcapWindow);
  if (o.vcdWindow !== undefined) t.vcdWindow = parseWindow("--vcd-window", o.vcdWindow);
  if (o.vcdSignals !== undefined) {
    const list = o.vcdSignals.split(",").map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) throw new UsageError(`--vcd-signals: expected signal paths or glob patterns separated by commas, e.g. 'pci.*,*.REQ#'`);
    t.vcdSignals = list;
  }
  if (o.execTraceJob !== undefined) {
    const n = Number(o.execTraceJob);
    if (!Number.isInteger(n) || n < 1 || n > 1e9) throw new UsageError(`--exec-trace-job: expected a whole number from 1 (the window's first frame job), got "${o.execTraceJob}"`);
    t.execTraceJob = n;
  }
  if (o.startTime !== undefined) {
    const e = CaptureEpoch.parse(o.startTime);
    if (typeof e === "string") throw new UsageError(`--start-time: ${e}`);
    t.startTime = e;
  }
  try {
    if (o.pcap !== undefined) ensureWritableDir("--pcap", o.pcap);
    if (o.vcd !== undefined) ensureWritableFile("--vcd", o.vcd);
    if (o.execTrace !== undefined) ensureWritableFile("--exec-trace", o.execTrace);
  } catch (e) {
    throw e instanceof TraceOutputError ? new UsageError(e.message) : e;
  }
  return { ...(o.pcap !== undefined ? { pcapDir: o.pcap } : {}), ...(o.vcd !== undefined ? { vcdPath: o.vcd } : {}), ...(o.execTrace !== undefined ? { execTracePath: o.execTrace } : {}), ...(Object.keys(t).length ? { trace: t } : {}) };
}

/** Lines the run's records carry for the terminal, not only the JSON: what a replay did with each record. */
export function traceNotes(records: RunRecord[]): string[] {
  const lines: string[] = [];
  for (const r of records) {
    const rp = (r["hosts"] as { replay?: Parameters<typeof PcapReplay.summary>[0] } | undefined)?.replay;
    if (rp) lines.push(`${records.length > 1 ? `${String(r["board"])}: ` : ""}${PcapReplay.summary(rp)}`);
  }
  return lines;
}
