/**
 * A run's traces, wired onto a board from outside (board-run.ts and hosts-run.ts call
 * `attachTraces` once before the run and `close` after it):
 *
 * - Captures (`--pcap DIR`): by default one pcapng file per run, `DIR/<board>.pcapng`, with an
 *   interface per switch port named after the host or router it faces (`port0-r0`) and carrying
 *   its link speed, and both directions of every port: "inbound" frames the host handed its
 *   transmitter (what tcpdump on that host would see leaving it; frames its full transmit queue
 *   refused never reach the wire and are not captured), "outbound" frames the host received from
 *   the port. The section header says what made the capture, what the traffic is, and the run's
 *   start time (`--start-time`, default 1999-07-01T00:00:00Z: capture-epoch.ts). With
 *   `--pcap-format pcap`, classic nanosecond pcap files instead, two per port:
 *   `<board>-port<N>-in.pcap` and `-out.pcap`. `--pcap-ports` (port numbers or host names) and
 *   `--pcap-window FROM:TO` (simulated time) keep large runs manageable.
 * - Waveforms (`--vcd FILE`): the board's fabric (PCI bus, buffer memory arbiter or crossbar)
 *   and every endpoint's signals, a scope per component under the board's name (see each
 *   component's `traceTo`), streamed as the run goes; `--vcd-window` and `--vcd-signals` filter.
 *
 * Tracing changes no result: the hooks read frames and record values, nothing else. Files are
 * written under temporary names and renamed when the run completes (src/sim/trace/sink.ts).
 */
import { join } from "node:path";
import type { Board } from "../hw/boards/board.ts";
import { IsaFramePath } from "../hw/cpu/isa/board-path.ts";
import { BufferMemoryArbiter } from "../hw/fabric/buffer-memory-arbiter.ts";
import { TlmPciFabric } from "../hw/fabric/tlm-pci-fabric.ts";
import { Crossbar } from "../hw/fabric/crossbar.ts";
import { CaptureEpoch } from "../net/capture-epoch.ts";
import type { FramePool } from "../net/frame-pool.ts";
import { formatIpv4 } from "../net/ipv4-addr.ts";
import { formatMac } from "../net/mac.ts";
import { PcapWriter } from "../net/pcap.ts";
import { DIR_INBOUND, DIR_OUTBOUND, PcapngWriter, type InterfaceInfo, type SectionInfo } from "../net/pcapng.ts";
import { writeFileAtomic } from "../sim/output-file.ts";
import type { Simulator } from "../sim/simulator.ts";
import { ensureWritableDir, ensureWritableFile, TraceOutputError } from "../sim/trace/sink.ts";
import { VcdWriter } from "../sim/trace/vcd.ts";

export const FLOWSIM_VERSION = "flowsim 0.1.0";

/** A span of simulated time, ps: [fromPs, toPs). */
export interface TimeWindow {
  fromPs: number;
  toPs: number;
}

/** How traces are written (CLI: src/cli/trace-flags.ts). */
export interface TraceSettings {
  /** "pcapng" (default) or "pcap". */
  pcapFormat?: "pcapng" | "pcap";
  /** Ports to capture: numbers or the names of the hosts they face (default all). */
  pcapPorts?: readonly string[];
  pcapWindow?: TimeWindow;
  vcdWindow?: TimeWindow;
  /** Glob patterns of signal paths to keep (default all). */
  vcdSignals?: readonly string[];
  /** What simulated time 0 is in captures (default 1999-07-01T00:00:00Z). */
  startTime?: CaptureEpoch;
  /** Which frame job of the window `--exec-trace` traces (1 = the first; default 1). */
  execTraceJob?: number;
}

export interface TraceTargets {
  pcapDir?: string;
  vcdPath?: string;
  /** One CPU frame job traced instruction by instruction and its replay (isa mode only): this text file. */
  execTracePath?: string;
  trace?: TraceSettings;
}

/** A host attached to a port, as the standard setting places them. */
export interface PortHost {
  name: string;
  port: number;
  ip: number;
  mac: number;
}

/** The routers and servers on a board's ports. */
export interface PortHosts {
  routers: readonly PortHost[];
  servers: readonly PortHost[];
}

/** What the capture's section header says about the run. */
export interface RunAbout {
  scenario: string;
  seed: number;
  load: number;
  /** What the frames are: generated frame traffic, or the hosts' conversations. */
  traffic: string;
  /** Where the measurement window starts (ps): `--exec-trace-job` counts jobs from there. Default 0. */
  windowStartPs?: number;
}

/** The board workload (src/traffic/workload.ts), as a capture must describe it. */
export const SYNTHETIC_TRAFFIC =
  "SYNTHETIC FRAME TRAFFIC. The board workload generates frames, not conversations: TCP segments are sent without handshakes or acknowledgements, and UDP datagrams to port 53 carry filler bytes, not DNS messages. Checksums and headers are valid, so Wireshark dissects every frame, but its protocol analysis (missing handshakes, malformed DNS, sequence gaps) describes the generator, not the switch.";

/** The hosts model (src/hosts), as a capture describes it. */
export const HOSTS_TRAFFIC = "Simulated hosts (docs/hosts.md): clients behind the routers and servers exchanging request/response flows (TCP with handshakes, DNS, RADIUS, ESP, IP-in-IP, ping) or a replayed capture.";

function timeOk(w: TimeWindow | undefined, t: number): boolean {
  return !w || (t >= w.fromPs && t < w.toPs);
}

/** A set of capture files over some interfaces, in either format. */
export class CaptureSet {
  private readonly ng: PcapngWriter | undefined;
  private readonly classic: PcapWriter[] = [];
  readonly files: string[] = [];

  constructor(dir: string, base: string, format: "pcapng" | "pcap", section: SectionInfo, ifaces: (InterfaceInfo & { file: string })[], epoch: CaptureEpoch, private readonly window?: TimeWindow) {
    ensureWritableDir("--pcap", dir);
    try {
      if (format === "pcapng") {
        const path = join(dir, `${base}.pcapng`);
        this.ng = PcapngWriter.toFile(path, section, epoch);
        this.files.push(path);
        for (const i of ifaces) this.ng.addInterface(i);
      } else {
        for (const i of ifaces) {
          for (const d of ["in", "out"]) {
            const path = join(dir, `${base}-${i.file}-${d}.pcap`);
            this.classic.push(PcapWriter.toFile(path, epoch));
            this.files.push(path);
          }
        }
      }
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Records frame `buf[0, len)` on interface `iface` at `timePs`, inbound or outbound (DIR_*). */
  write(iface: number, dir: number, timePs: number, buf: Uint8Array, len: number): void {
    if (!timeOk(this.window, timePs)) return;
    if (this.ng) this.ng.write(iface, timePs, buf, len, dir);
    else this.classic[2 * iface + (dir === DIR_OUTBOUND ? 1 : 0)]!.write(timePs, buf, len);
  }

  close(): void {
    this.ng?.close();
    for (const w of this.classic) w.close();
  }

  abort(): void {
    this.ng?.abort();
    for (const w of this.classic) w.abort();
  }
}

/** Ports selected by `--pcap-ports` (numbers or host names); all when none given. */
export function selectPorts(board: Board, hosts: readonly PortHost[], names: readonly string[] | undefined): number[] {
  const all = Array.from({ length: board.portCount }, (_, p) => p);
  if (!names) return all;
  const out = new Set<number>();
  for (const n of names) {
    const h = hosts.find((x) => x.name === n);
    const p = h ? h.port : /^\d+$/.test(n) ? Number(n) : -1;
    if (p < 0 || p >= board.portCount) throw new TraceOutputError(`--pcap-ports: "${n}" is neither a port of ${board.spec.name} (0-${board.portCount - 1}) nor a host (${hosts.map((x) => x.name).join(", ")})`);
    out.add(p);
  }
  return all.filter((p) => out.has(p));
}

export interface Traces {
  /** Files written (after close). */
  readonly files: string[];
  close(endPs: number): void;
  abort(): void;
}

/** Wires the run's captures and waveform onto `board`; call after the hosts are attached. */
export function attachTraces(sim: Simulator, pool: FramePool, board: Board, attached: PortHosts, about: RunAbout, o: TraceTargets): Traces {
  const hosts = [...attached.routers, ...attached.servers];
  const t = o.trace ?? {};
  const epoch = t.startTime ?? CaptureEpoch.DEFAULT;
  const board0 = board.spec.name;
  let caps: CaptureSet | undefined;
  let vcd: VcdWriter | undefined;
  let execDone: (() => void) | undefined;
  const files: string[] = [];
  try {
    if (o.pcapDir) {
      const ports = selectPorts(board, hosts, t.pcapPorts);
      const ifaces = ports.map((p) => {
        const h = hosts.find((x) => x.port === p);
        const ctrl = board.controllers[p >> 1]!;
        const mbps = board.portIn(p).params.rateMbps;
        const kind = h && attached.routers.includes(h) ? "router" : "server";
        return {
          name: h ? `port${p}-${h.name}` : `port${p}`, file: `port${p}`, speedBps: mbps * 1e6,
          description: `${board0} port ${p} (${ctrl.name} port ${p & 1}), ${mbps} Mb/s, ${h ? `to ${kind} ${h.name} (${formatIpv4(h.ip)}, ${formatMac(h.mac)})` : "no host attached"}`,
        };
      });
      const section: SectionInfo = {
        userAppl: FLOWSIM_VERSION,
        hardware: `simulated WO 99/33227 network flow switch, board ${board0} (${board.spec.description})`,
        comment: [
          `Simulated capture: ${FLOWSIM_VERSION}, scenario ${about.scenario}, board ${board0}, seed ${about.seed}, load ${about.load}.`,
          `Time: simulated time 0 is ${epoch} (the run's start time, --start-time; default 1999-07-01T00:00:00Z so that runs are reproducible).`,
          `Interfaces: one per switch port, named after the host it faces. Inbound: frames the host sent the port (as tcpdump on the host sees them leave); outbound: frames the port delivered to the host. A frame the switch forwards appears twice, on the port it entered by and the port it left by, which Wireshark's sequence analysis calls a retransmission: filter on frame.interface_name to see one side. Every server answers ARP for the cluster's shared IP (the patent's design), which Wireshark reports as a duplicate IP address.`,
          about.traffic,
        ].join("\n"),
      };
      const cs = new CaptureSet(o.pcapDir, board0, t.pcapFormat ?? "pcapng", section, ifaces, epoch, t.pcapWindow);
      caps = cs;
      files.push(...cs.files);
      ports.forEach((p, i) => {
        const inn = board.portIn(p), send = inn.send.bind(inn);
        inn.send = (h: number): boolean => {
          const now = sim.now, len = pool.length(h);
          const ok = send(h);
          if (ok) cs.write(i, DIR_INBOUND, now, pool.bytes(h), len);
          return ok;
        };
        const out = board.portOut(p), host = out.receiver;
        out.receiver = (h: number) => {
          cs.write(i, DIR_OUTBOUND, sim.now, pool.bytes(h), pool.length(h));
          host(h);
        };
      });
    }
    if (o.vcdPath) {
      if (board.fabric instanceof TlmPciFabric) throw new TraceOutputError(`--vcd traces the PCI bus's phases, which the transaction-level mode does not model: board ${board0} runs with --timing tlm (use --timing cycle)`);
      ensureWritableFile("--vcd", o.vcdPath);
      vcd = VcdWriter.toFile(o.vcdPath, {
        clock: sim, version: FLOWSIM_VERSION, date: `${epoch} (simulated time 0; --start-time)`,
        comment: `board ${board0}, scenario ${about.scenario}, seed ${about.seed}, load ${about.load}. Signals ending in # are active low (0 = asserted); all are derived from the models' timing (docs/frames.md, "Waveforms").`,
        ...(t.vcdWindow ? { window: t.vcdWindow } : {}), ...(t.vcdSignals ? { select: t.vcdSignals } : {}),
      });
      files.push(o.vcdPath);
      const scope = [board0];
      if (board.bus) board.bus.traceTo(vcd, scope);
      else if (board.fabric instanceof BufferMemoryArbiter || board.fabric instanceof Crossbar) board.fabric.traceTo(vcd, scope);
      vcd.seal(); // a filter that keeps nothing is refused now, before the run
    }
    if (o.execTracePath) {
      const path = board.cpus[0]?.cPath;
      if (!(path instanceof IsaFramePath)) throw new TraceOutputError(`--exec-trace traces the instruction-level CPU: board ${board0} runs the trace model (use --cpu-model isa)`);
      ensureWritableFile("--exec-trace", o.execTracePath);
      const file = o.execTracePath, job = t.execTraceJob ?? 1;
      const lines = [`# ${FLOWSIM_VERSION} --exec-trace: board ${board0}, scenario ${about.scenario}, seed ${about.seed}, load ${about.load}, frame job ${job} of the window (from ${about.windowStartPs ?? 0} ps). docs/hardware.md "Seeing it".`];
      path.traceJob(job, about.windowStartPs ?? 0, (line) => lines.push(line));
      execDone = () => {
        if (!path.execTraced) lines.push(`(the run ended before frame job ${job} of the window: ${path.framesDecided} frame jobs were decided in it)`);
        writeFileAtomic(file, lines.join("\n") + "\n");
      };
      files.push(file);
    }
  } catch (e) {
    caps?.abort();
    vcd?.abort();
    throw e;
  }
  return {
    files,
    close(endPs: number) {
      caps?.close();
      vcd?.close(endPs);
      execDone?.();
    },
    abort() {
      caps?.abort();
      vcd?.abort();
    },
  };
}
