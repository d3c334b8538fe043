/**
 * Scenarios, one per claim of the patent, each run on a board (default 5A; `--boards` to choose)
 * under the Fig 2 workload, with events scripted in simulated time and a claim-specific section
 * in the run record:
 *   router-pool           four 100 Mb/s routers, every server with one default gateway: router
 *                         pooling spreads outbound traffic over the four links (`routerShares`);
 *   server-failover       a server fails at 30 % of the run (silent) and recovers at 70 %:
 *                         detection time, frames lost at the dead server, flows moved;
 *   availability-cluster  availability mode: the primary fails, a secondary takes over, the old
 *                         primary recovers and does not pre-empt (`roles` timeline);
 *   router-failover       a router fails under load: frames still sent to it are redirected by
 *                         the CPU, gratuitous ARP re-points the servers.
 */
import { loadBoard } from "../hw/boards/load.ts";
import { MS } from "../sim/time.ts";
import { runBoard, type BoardRunOptions, type ScriptContext } from "./board-run.ts";
import { BoardLoadError, workloadOf } from "./compare-boards.ts";
import { traceOptions, type RunOptions, type RunRecord, type ScenarioInfo } from "./registry.ts";

function onBoards(o: RunOptions, scenario: string, extra: Partial<BoardRunOptions>): RunRecord[] {
  const names = o.boards ?? ["5A"];
  return names.map((name) => {
    const b = loadBoard(name, o.timing);
    if (!b.ok) throw new BoardLoadError(b.error);
    return runBoard(b.board, { seed: o.seed, durationPs: o.durationPs, load: o.load, scenario, ...workloadOf(o.workload), ...traceOptions(o, b.board.name, names.length), ...extra });
  });
}

/**
 * Health checks every 1 ms with a 1 ms timeout (probe answers cross the loaded switch twice and
 * queue behind traffic: a tighter timeout declares healthy servers dead under load): detection
 * within 3 x 1 + 1 = 4 ms.
 */
const FAST_HEALTH = { healthIntervalPs: 1_000_000_000, healthTimeoutPs: 1_000_000_000 };

export const routerPool: ScenarioInfo = {
  name: "router-pool",
  description: "four routers, all servers with one default gateway: router pooling spreads outbound traffic over the four links",
  defaultDurationPs: 10 * MS,
  run: (o) =>
    onBoards(o, "router-pool", {
      finish: (c) => {
        const total = c.workload.perRouter.reduce((s, n) => s + n, 0);
        c.report["routerShares"] = c.workload.perRouter.map((n) => (total ? n / total : 0));
        // the servers each router was given (gateway ARP answers and gratuitous ARP; answered at the start, so counted as state, not in the window)
        c.report["assignedServers"] = Object.fromEntries(c.fw.routers.map((r) => [r.name, r.assigned]));
      },
    }),
};

export const serverFailover: ScenarioInfo = {
  name: "server-failover",
  description: "a server fails under load at 30 % of the run and recovers at 70 %: detection time, frames lost, flows moved",
  defaultDurationPs: 20 * MS,
  run: (o) =>
    onBoards(o, "server-failover", {
      ...FAST_HEALTH,
      timelineBucketPs: o.durationPs / 40,
      script: (c: ScriptContext) => {
        const failAt = Math.round(o.durationPs * 0.3), restoreAt = Math.round(o.durationPs * 0.7);
        let flowsBefore = 0;
        const s1 = () => c.fw.read().clusters["web"]!.servers["s1"]!;
        c.at(failAt, () => {
          c.workload.serverDown[1] = true;
          flowsBefore = s1().activeFlows;
        });
        c.at(restoreAt, () => (c.workload.serverDown[1] = false));
        const rep: Record<string, unknown> = { failAtUs: failAt / 1e6, restoreAtUs: restoreAt / 1e6, probes: "every 1 ms, 1 ms timeout, fall 3, rise 2" };
        c.report["failover"] = rep;
        c.at(restoreAt - 1, () => {
          const x = s1();
          // the firmware stamps changes in simulated time; the script's instants count from the window's start
          const detectedAt = x.state === "down" ? x.changedAtUs * 1e6 - c.windowStartPs : -1;
          rep["detectionUs"] = detectedAt < 0 ? null : (detectedAt - failAt) / 1e6;
          rep["detectedAtUs"] = detectedAt < 0 ? null : detectedAt / 1e6;
          rep["detectionBoundUs"] = (3 * FAST_HEALTH.healthIntervalPs + FAST_HEALTH.healthTimeoutPs) / 1e6;
          rep["flowsMoved"] = flowsBefore;
          rep["stateWhileFailed"] = x.state;
        });
      },
      finish: (c) => {
        const rep = c.report["failover"] as Record<string, unknown>;
        rep["framesLostAtFailedServer"] = c.workload.hostDrops.serverFailed;
        rep["lastLossUs"] = c.workload.lastFailedServerDropAt < 0 ? null : (c.workload.lastFailedServerDropAt - c.windowStartPs) / 1e6;
        rep["stateAtEnd"] = c.fw.read().clusters["web"]!.servers["s1"]!.state;
      },
    }),
};

export const availabilityCluster: ScenarioInfo = {
  name: "availability-cluster",
  description: "availability clustering: the primary fails, a secondary takes over, the old primary recovers and does not pre-empt",
  defaultDurationPs: 20 * MS,
  run: (o) =>
    onBoards(o, "availability-cluster", {
      ...FAST_HEALTH,
      timelineBucketPs: o.durationPs / 40,
      mode: "availability",
      script: (c) => {
        const roles: { atUs: number; roles: Record<string, string> }[] = [];
        const snap = () => roles.push({ atUs: (c.sim.now - c.windowStartPs) / 1e6, roles: c.fw.roles("web") });
        c.at(1, snap);
        c.at(Math.round(o.durationPs * 0.3), () => (c.workload.serverDown[0] = true));
        c.at(Math.round(o.durationPs * 0.6), snap); // detection takes at most 4 ms
        c.at(Math.round(o.durationPs * 0.65), () => (c.workload.serverDown[0] = false));
        c.report["failover"] = { failAtUs: (o.durationPs * 0.3) / 1e6, restoreAtUs: (o.durationPs * 0.65) / 1e6, probes: "every 1 ms, 1 ms timeout, fall 3, rise 2" };
        c.at(o.durationPs - 1, snap);
        c.report["roles"] = roles;
      },
      finish: (c) => {
        c.report["inboundPerServer"] = c.workload.perServer;
      },
    }),
};

export const routerFailover: ScenarioInfo = {
  name: "router-failover",
  description: "a router fails under load: frames still sent to it are redirected, gratuitous ARP re-points the servers",
  defaultDurationPs: 20 * MS,
  run: (o) =>
    onBoards(o, "router-failover", {
      ...FAST_HEALTH,
      script: (c) => {
        c.at(Math.round(o.durationPs * 0.3), () => (c.workload.routerDown[0] = true));
        c.report["failover"] = { failAtUs: (o.durationPs * 0.3) / 1e6, probes: "every 1 ms, 1 ms timeout, fall 3, rise 2" };
      },
      finish: (c) => {
        const fw = c.fw.read();
        c.report["routerFailover"] = {
          routers: fw.routers,
          redirectedFrames: c.fw.counts.outboundRedirected,
          gratuitousArps: c.fw.counts.gratuitousArps,
          framesLostAtFailedRouter: c.workload.hostDrops.routerFailed,
          routerFramesDelivered: c.workload.perRouter,
        };
      },
    }),
};

export const vsNat: ScenarioInfo = {
  name: "vs-nat",
  description: "the flow switch against the prior-art NAT balancer (Fig 1) on the same board and traffic: CPU per frame both ways, throughput",
  defaultDurationPs: 10 * MS,
  run: (o) => [
    ...onBoards(o, "vs-nat", { firmware: "flow-switch" }).map((r) => ({ ...r, firmware: "flow-switch" })),
    ...onBoards(o, "vs-nat", { firmware: "nat" }).map((r) => ({ ...r, firmware: "nat" })),
  ],
};

export const asymmetricWeb: ScenarioInfo = {
  name: "asymmetric-web",
  description: "request/response web traffic, most bytes outbound (5 Mb/s in, 90 Mb/s out per host): replies bypass the CPU",
  defaultDurationPs: 10 * MS,
  run: (o) =>
    onBoards({ ...o, workload: o.workload ?? "outbound-heavy" }, "asymmetric-web", {
      mix: { tcp: 20, udp: 0, esp: 0, ipip: 0 },
      finish: (c) => {
        const bytesIn = c.workload.deliveredBytes[0]!, bytesOut = c.workload.deliveredBytes[1]!;
        c.report["asymmetry"] = { outboundToInboundBytes: bytesIn ? bytesOut / bytesIn : 0 };
      },
    }),
};

export const ipsecAndUdp: ScenarioInfo = {
  name: "ipsec-and-udp",
  description: "TCP, UDP, IPsec ESP and IP-in-IP flows in equal shares: every protocol served, each flow pinned to one server",
  defaultDurationPs: 10 * MS,
  run: (o) =>
    onBoards(o, "ipsec-and-udp", {
      mix: { tcp: 5, udp: 5, esp: 5, ipip: 5 },
      checkAffinity: true,
      finish: (c) => {
        c.report["protocols"] = {
          deliveredByProtocol: Object.fromEntries([...c.workload.perProtocol].map(([p, n]) => [({ 6: "tcp", 17: "udp", 50: "esp", 4: "ipip" } as Record<number, string>)[p] ?? String(p), n])),
          affinityViolations: c.workload.affinityViolations,
        };
      },
    }),
};

export const multiCluster: ScenarioInfo = {
  name: "multi-cluster",
  description: "two virtual IPs on one switch, each with its own servers: each cluster's traffic reaches only its own servers",
  defaultDurationPs: 10 * MS,
  run: (o) =>
    onBoards(o, "multi-cluster", {
      clusters: 2,
      finish: (c) => {
        const fw = c.fw.read();
        c.report["clusters"] = Object.fromEntries(Object.entries(fw.clusters).map(([k, v]) => [k, { packets: v.packets, servers: Object.fromEntries(Object.entries(v.servers).map(([s, x]) => [s, x.packets])) }]));
        c.report["misdelivered"] = c.workload.hostDrops.misdelivered;
      },
    }),
};
