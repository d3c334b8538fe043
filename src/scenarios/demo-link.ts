/**
 * demo-link: the kernel, frames, pool, pcap and an Ethernet channel working together, before the
 * boards exist. A client sends a mix of real frames (ARP, TCP, UDP, ICMP, ESP, AH, IP-in-IP, GRE,
 * 802.1Q, fragments) with Poisson arrivals over one full-duplex 100 Mb/s link to a sink.
 * Nominal load (--load 1.0) is 80 Mb/s of wire bits (80 % of the link); above 1.25 the link
 * saturates and the transmit queue drops. Reports come out of the models: offered and delivered
 * rates, link utilisation, latency percentiles, drops by cause, and the frame conservation check.
 */
import { EthernetChannel } from "../hw/ethernet/link.ts";
import { wireBits } from "../hw/ethernet/wire.ts";
import { FramePool, NO_FRAME } from "../net/frame-pool.ts";
import { CaptureEpoch } from "../net/capture-epoch.ts";
import { DIR_INBOUND } from "../net/pcapng.ts";
import { SampleStream } from "../net/sample-stream.ts";
import { Priority } from "../sim/priority.ts";
import { Simulator } from "../sim/simulator.ts";
import { LatencyHistogram } from "../sim/stats/latency-histogram.ts";
import { RateMeter } from "../sim/stats/rate-meter.ts";
import { MS, SEC } from "../sim/time.ts";
import type { RunOptions, RunRecord, ScenarioInfo } from "./registry.ts";
import { CaptureSet, FLOWSIM_VERSION } from "./traces.ts";
import { TraceOutputError } from "../sim/trace/sink.ts";

/** Nominal offered load in wire bits per second (preamble, FCS and IFG included). */
export const DEMO_NOMINAL_BPS = 80_000_000;
const LINK_MBPS = 100;

export function runDemoLink(opts: RunOptions): RunRecord {
  if (opts.vcdPath) throw new TraceOutputError("--vcd: demo-link has no board (no fabric to trace); use --pcap");
  const wall0 = performance.now();
  const sim = new Simulator({ seed: opts.seed });
  const pool = new FramePool({ slots: 1024 });
  const link = new EthernetChannel(sim, "client-sink", pool, { rateMbps: LINK_MBPS, txQueueFrames: 64 });
  const stream = new SampleStream(64, opts.seed);
  const templates = stream.templates;
  const meanWireBits = templates.reduce((s, t) => s + wireBits(t.length), 0) / templates.length;
  const meanGapPs = (meanWireBits / (DEMO_NOMINAL_BPS * opts.load)) * SEC;
  const arrivals = sim.streams.stream("client.arrivals");
  const pick = sim.streams.stream("client.mix");

  const offered = new RateMeter(0);
  const delivered = new RateMeter(0);
  const latency = new LatencyHistogram();
  let injected = 0;
  let poolExhausted = 0;
  let pcap: CaptureSet | undefined;
  if (opts.pcapDir) {
    const t = opts.trace ?? {};
    const epoch = t.startTime ?? CaptureEpoch.DEFAULT;
    pcap = new CaptureSet(opts.pcapDir, "demo-link", t.pcapFormat ?? "pcapng", {
      userAppl: FLOWSIM_VERSION, hardware: "one simulated full-duplex 100 Mb/s Ethernet link",
      comment: `Simulated capture: ${FLOWSIM_VERSION}, scenario demo-link, seed ${opts.seed}, load ${opts.load}. Simulated time 0 is ${epoch} (--start-time). The sink's side of one link: a client sends a mix of frames of every kind flowsim codes (ARP, TCP, UDP/DNS, ICMP, ESP, AH, IP-in-IP, GRE, 802.1Q, fragments) with Poisson arrivals; frames are copies of 64 templates with their ports, sequence numbers and ids advanced per copy, not conversations.`,
    }, [{ name: "sink", file: "sink", speedBps: LINK_MBPS * 1e6, description: "the sink's end of the client-sink link, 100 Mb/s" }], epoch, t.pcapWindow);
  }

  link.receiver = (h) => {
    const len = pool.length(h);
    latency.record(sim.now - pool.ingressTime[pool.slotOf(h)]!);
    delivered.add(len + 4);
    pcap?.write(0, DIR_INBOUND, sim.now, pool.bytes(h), len);
    pool.free(h);
  };

  const send = sim.event("client.send", () => {
    const i = pick.uniformInt(0, templates.length - 1), t = templates[i]!;
    injected++;
    offered.add(t.length + 4);
    const h = pool.alloc();
    if (h === NO_FRAME) poolExhausted++;
    else {
      pool.setLength(h, stream.copy(i, pool.bytes(h)));
      pool.ingressTime[pool.slotOf(h)] = sim.now;
      link.send(h);
    }
    const next = sim.now + Math.max(1, Math.round(arrivals.exponential(meanGapPs)));
    if (next <= opts.durationPs) sim.schedule(send, next);
  }, Priority.Default);
  sim.schedule(send, 0);
  sim.run(opts.durationPs);
  pcap?.close();

  const now = sim.now;
  const linkStats = link.read(now);
  const dropped: Record<string, number> = { poolExhausted };
  for (const [cause, n] of Object.entries(linkStats.drops)) if (n > 0) dropped[cause] = n;
  const lat = latency.read();
  return {
    scenario: "demo-link",
    seed: opts.seed,
    simulatedSeconds: now / SEC,
    wallSeconds: (performance.now() - wall0) / 1000,
    load: opts.load,
    offered: { mbps: offered.read(now).bitsPerSecond / 1e6, fps: offered.read(now).perSecond },
    delivered: { mbps: delivered.read(now).bitsPerSecond / 1e6, fps: delivered.read(now).perSecond },
    frames: { injected, delivered: delivered.count, inFlight: link.inFlightFrames, dropped },
    resources: { link: { utilization: linkStats.utilization }, txQueue: { highWater: linkStats.txQueue.highWater } },
    latencyUs: { p50: lat.p50, p99: lat.p99, max: lat.max },
    events: sim.eventsProcessed,
  };
}

export const demoLink: ScenarioInfo = {
  name: "demo-link",
  description: "a frame mix with Poisson arrivals over one 100 Mb/s link (nominal 80 Mb/s); kernel, frames, pcap",
  defaultDurationPs: 100 * MS,
  run: (o) => [runDemoLink(o)],
};
