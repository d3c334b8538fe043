/**
 * Kernel against ns-3, side by side in one run: builds the project's own ns-3 hold program
 * (bench/ns3/hold.cc) against Debian's libns3-dev (apt-get install -y libns3-dev) and runs both on the same P and event
 * counts, alternately, several times. Prints each engine's median events/s and flowsim's ratio. Skips ns-3 with a message where
 * its headers are not installed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { holdModel, type HoldResult } from "./hold-model.ts";
import type { QueueKind } from "../src/sim/simulator.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** The project's own ns-3 program (bench/ns3/hold.cc), built with g++ against Debian's libns3-dev. */
const NS3_SOURCE = join(here, "ns3", "hold.cc");
export const NS3_BUILD = (out: string) => ["g++", "-O2", "-std=c++17", NS3_SOURCE, "-o", out, "-lns3-core"];

function buildNs3(): string | string[] {
  if (!existsSync("/usr/include/ns3/core-module.h")) return "ns-3 not installed (apt-get install -y libns3-dev)";
  const bin = join(mkdtempSync(join(tmpdir(), "flowsim-ns3-")), "ns3-hold");
  const [cc, ...args] = NS3_BUILD(bin);
  const r = spawnSync(cc!, args, { encoding: "utf8" });
  if (r.error) return `ns-3 peer failed to build: ${r.error.message}`;
  if (r.status !== 0) return `ns-3 peer failed to build: ${(r.stderr || r.stdout).trim().split("\n")[0]}`;
  return [bin];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

/**
 * Runs the two engines alternately, `reps` times each per P, and reports each one's median: this
 * machine's speed drifts by tens of per cent within minutes, and alternation exposes both engines
 * to the same drift.
 */
export interface KernelRow {
  pending: number;
  flowsim: number;
  ns3: number | undefined;
  ratio: number | undefined;
}

export function kernelVsNs3(pending: number[], events: number, scheduler: string, json: boolean, queue: QueueKind = "calendar", reps = 3, print = true): KernelRow[] {
  const rows: KernelRow[] = [];
  const built = buildNs3();
  holdModel(1000, 500_000, 1, queue); // JIT warm-up
  for (const p of pending) {
    const total = Math.max(events, 2 * p);
    const ours: number[] = [];
    const theirs: number[] = [];
    let peerEngine: string | undefined;
    holdModel(p, Math.max(2 * p, 1_000_000), 1, queue); // JIT warm-up at this P (its paths: resizes, overflow), not reported
    for (let r = 0; r < reps; r++) {
      ours.push(holdModel(p, total, 1, queue).eventsPerSecond);
      if (Array.isArray(built)) {
        const out = execFileSync(built[0]!, [String(p), String(total), scheduler], { encoding: "utf8" });
        const peer = JSON.parse(out.trim().split("\n").pop()!) as HoldResult;
        theirs.push(peer.eventsPerSecond);
        peerEngine = peer.engine;
      }
    }
    const f = median(ours);
    const n = theirs.length ? median(theirs) : undefined;
    const ratio = n ? f / n : undefined;
    rows.push({ pending: p, flowsim: f, ns3: n, ratio });
    if (!print) continue;
    if (json) {
      console.log(JSON.stringify({ queue, pending: p, events: total, reps, flowsim: f, ns3: n ?? null, ns3Engine: peerEngine ?? null, ratio: ratio === undefined ? null : +ratio.toFixed(3), flowsimRuns: ours, ns3Runs: theirs }));
    } else {
      const ns3 = n ? `${(n / 1e6).toFixed(2)} M/s (${peerEngine})` : "skipped";
      console.log(`P=${String(p).padStart(9)}  flowsim ${(f / 1e6).toFixed(2)} M/s  ns-3 ${ns3}${ratio ? `  ratio ${ratio.toFixed(2)}x` : ""}  (medians of ${reps} alternating runs)`);
    }
  }
  if (!Array.isArray(built)) console.error(`ns-3 skipped: ${built}`);
  return rows;
}
