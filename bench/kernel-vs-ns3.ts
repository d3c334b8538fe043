/**
 * Kernel against ns-3, side by side in one run: builds shared/bench-peers/ns3-hold.cc against
 * Debian's libns3-dev (apt-get install -y libns3-dev) and runs both on the same P and event
 * counts. Prints each engine's events/s and flowsim's ratio. Skips ns-3 with a message where
 * its headers are not installed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { holdModel, type HoldResult } from "./hold-model.ts";
import type { QueueKind } from "../src/sim/simulator.ts";

const here = dirname(fileURLToPath(import.meta.url));

function findPeers(): string | undefined {
  for (const c of [resolve(here, "../../shared/bench-peers"), resolve(here, "../../../shared/bench-peers")]) {
    if (existsSync(join(c, "build-ns3-hold.sh"))) return c;
  }
  return undefined;
}

function buildNs3(): string | string[] {
  const peers = findPeers();
  if (!peers) return "shared/bench-peers not found beside the repository";
  if (!existsSync("/usr/include/ns3/core-module.h")) return "ns-3 not installed (apt-get install -y libns3-dev)";
  const bin = join(mkdtempSync(join(tmpdir(), "flowsim-ns3-")), "ns3-hold");
  const r = spawnSync("bash", [join(peers, "build-ns3-hold.sh"), bin], { encoding: "utf8" });
  if (r.status !== 0) return `ns-3 peer failed to build: ${(r.stderr || r.stdout).trim().split("\n")[0]}`;
  return [bin];
}

export function kernelVsNs3(pending: number[], events: number, scheduler: string, json: boolean, queue: QueueKind = "calendar"): void {
  const built = buildNs3();
  holdModel(1000, 500_000, 1, queue); // JIT warm-up
  for (const p of pending) {
    const total = Math.max(events, 2 * p);
    const ours = holdModel(p, total, 1, queue);
    let peer: HoldResult | undefined;
    if (Array.isArray(built)) {
      const out = execFileSync(built[0]!, [String(p), String(total), scheduler], { encoding: "utf8" });
      peer = JSON.parse(out.trim().split("\n").pop()!) as HoldResult;
    }
    const ratio = peer ? ours.eventsPerSecond / peer.eventsPerSecond : undefined;
    if (json) {
      console.log(JSON.stringify({ queue, pending: p, events: total, flowsim: ours.eventsPerSecond, ns3: peer?.eventsPerSecond ?? null, ns3Engine: peer?.engine ?? null, ratio: ratio === undefined ? null : +ratio.toFixed(3) }));
    } else {
      const ns3 = peer ? `${(peer.eventsPerSecond / 1e6).toFixed(2)} M/s (${peer.engine})` : "skipped";
      console.log(`P=${String(p).padStart(9)}  flowsim ${(ours.eventsPerSecond / 1e6).toFixed(2)} M/s  ns-3 ${ns3}${ratio ? `  ratio ${ratio.toFixed(2)}x` : ""}`);
    }
  }
  if (!Array.isArray(built)) console.error(`ns-3 skipped: ${built}`);
}
