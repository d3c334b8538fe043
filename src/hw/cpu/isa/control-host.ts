/**
 * The host's side of the control plane's C (firmware/c/programs/control.c, image
 * firmware/build/control.elf; firmware/c/switch/control.h): health probes and their deadlines,
 * the optimal-workload round, the prior-art NAT's rewrite and Fig 5C's CAM. The host writes the
 * state into the image's HOST_INPUT tables and calls an op's function by name with up to four
 * word arguments ($a0-$a3, o32) and $ra at the idle loop, so one call costs exactly the function.
 * The device registers the C reaches (the transmit post, the CAM's registers) are answered and
 * recorded by `ControlDevices`; their layouts are the model's assumptions (control.h, docs/hardware.md
 * "The op table, measured").
 */
import type { ProbeKind } from "../../../firmware/probes.ts";
import { IsaMachine, type MachineOptions } from "./machine.ts";
import type { DeviceSpace } from "./ports.ts";

/** control.h's device registers (physical addresses). */
export const TX_REGS = 0x1200_0010, TX_ADDR = 0x0, TX_POST = 0x4;
export const CAM_REGS = 0x1200_1000, CAM_KEY = 0x00, CAM_MATCH = 0x10, CAM_ADDR = 0x14, CAM_CMD = 0x18, CAM_STATUS = 0x1c;
export const CAM_NO_MATCH = 0x8000_0000, CAM_CMD_WRITE = 1, CAM_CMD_CLEAR = 2;

export const MAX_TARGETS = 64, PROBE_RING = 40, MAX_PORTS = 32, TX_BUFFERS = 16, TX_BUFFER_BYTES = 128, TX_FRAME_OFFSET = 2;
export const PROBE_KINDS: readonly ProbeKind[] = ["arp", "icmp", "tcp", "load"];
/** struct probe_target, word offsets (control.h; its static assert pins the size). */
const TARGET_WORDS = 274;
const T = { macHi: 0, macLo: 1, ip: 2, fromHi: 3, fromLo: 4, kind: 5, port: 6, l4port: 7, timeoutHi: 8, timeoutLo: 9, rise: 10, fall: 11, ringLen: 12, hostCheck: 13, retired: 14, id: 15, head: 16, count: 17, up: 18, ok: 19, failed: 20, changes: 21, timerArmed: 22, timerHi: 24, timerLo: 25, sent: 26, answered: 27, failedN: 28, late: 29, voided: 30, excused: 31, deadline: 34, token: 114, answeredAt: 154, received0: 194, lost0: 234 } as const;
/** struct ow_cluster, word offsets. */
export const OW_MAX_SERVERS = 16;
const OW_WORDS = 116;
export const OW_UP = 1, OW_REMOVED = 2, OW_DRAINING = 4, OW_REPORTED = 8;

/** One device access the C made. */
export interface DeviceAccess {
  kind: "load" | "store";
  /** physical address */
  pa: number;
  value: number;
}

/** TX_REGS and CAM_REGS as the stand-alone machine answers them: the CAM's contents kept, every access logged. */
export class ControlDevices implements DeviceSpace {
  /** The accesses since `clear` (tests read it; the measurement clears it every call). */
  readonly log: DeviceAccess[] = [];
  logging = true;
  /** Frames posted: [physical address, port << 24 | length] of the last; how many. */
  txAddr = 0;
  lastPost = { addr: 0, port: -1, length: 0 };
  posts = 0;
  /** The CAM: key (four words) -> slot. */
  readonly cam = new Map<string, number>();
  private readonly key = new Uint32Array(4);
  private addr = 0;
  /** bit 0 of CAM_STATUS: the last command was refused (not 1 or 2) */
  private status = 0;
  unknown = 0;

  clear(): void {
    this.log.length = 0;
  }

  private keyString(): string {
    return `${this.key[0]},${this.key[1]},${this.key[2]},${this.key[3]}`;
  }

  load(pa: number): number {
    let v = 0;
    if (pa === CAM_REGS + CAM_MATCH) v = this.cam.get(this.keyString()) ?? CAM_NO_MATCH;
    else if (pa === CAM_REGS + CAM_STATUS) v = this.status;
    else this.unknown++;
    if (this.logging) this.log.push({ kind: "load", pa, value: v >>> 0 });
    return v | 0;
  }

  store(pa: number, _bytes: number, value: number): void {
    if (this.logging) this.log.push({ kind: "store", pa, value: value >>> 0 });
    const off = pa - CAM_REGS;
    if (pa === TX_REGS + TX_ADDR) this.txAddr = value >>> 0;
    else if (pa === TX_REGS + TX_POST) {
      this.lastPost = { addr: this.txAddr, port: value >>> 24, length: value & 0xffff };
      this.posts++;
    } else if (off >= CAM_KEY && off < CAM_KEY + 16 && off % 4 === 0) this.key[off / 4] = value >>> 0;
    else if (off === CAM_ADDR) this.addr = value >>> 0;
    else if (off === CAM_CMD) {
      const k = this.keyString();
      this.status = 0;
      if (value === CAM_CMD_WRITE) this.cam.set(k, this.addr);
      else if (value === CAM_CMD_CLEAR) {
        for (const [kk, slot] of this.cam) if (slot === this.addr) this.cam.delete(kk);
      } else this.status = 1;
    } else this.unknown++;
  }
}

/** A probe target as the host writes it (probes.ts ProbeTargetSpec, and its health machine's rise / fall). */
export interface HostProbeTarget {
  mac: number;
  ip: number;
  fromMac: number;
  kind: ProbeKind;
  port: number;
  l4Port: number;
  timeoutPs: number;
  rise: number;
  fall: number;
  /** waiting probes it may hold (probes.ts: ceil(timeout / interval) + 1 + 4) */
  ringLength: number;
}

/** A target's state in the C. */
export interface ProbeTargetState {
  head: number;
  count: number;
  up: boolean;
  ok: number;
  failed: number;
  changes: number;
  timerArmed: boolean;
  timerPs: number;
  stats: { sent: number; answered: number; failed: number; late: number; voided: number; excused: number };
  tokens: number[];
}

/** An optimal-workload server as the host writes it (cluster.ts Server; load in thousandths). */
export interface HostOwServer {
  loadMilli: number;
  active: number;
  inactive: number;
  weight: number;
  up: boolean;
  removed: boolean;
  draining: boolean;
  reported: boolean;
}

export interface CallResult {
  /** $v0 */
  value: number;
  instructions: number;
  cycles: number;
}

const hi = (v: number) => Math.floor(v / 2 ** 32) >>> 0;

export class ControlImage {
  readonly machine: IsaMachine;
  readonly devices = new ControlDevices();
  private readonly idle: number;
  private readonly stackTop: number;
  private readonly fns = new Map<string, number>();
  private readonly result: CallResult = { value: 0, instructions: 0, cycles: 0 };

  constructor(elf: Uint8Array, opts: Partial<MachineOptions> = {}) {
    this.machine = new IsaMachine(elf, opts, "control");
    this.machine.core.devices = this.devices;
    this.idle = this.sym("__idle");
    this.stackTop = this.sym("__stack_top");
    this.start();
  }

  private sym(n: string): number {
    const s = this.machine.image.symbols.get(n);
    if (!s) throw new RangeError(`control.elf has no symbol ${n}`);
    return s.value;
  }

  /** Reloads the image and runs its start-up (bss cleared, main returns): caches cold, HOST_INPUT zero. */
  start(): void {
    this.machine.reset();
    if (this.machine.run(1e7).reason !== "idle") throw new Error("control.elf did not start");
  }

  /**
   * Calls the image's function `name` with up to four word arguments, $ra at the idle loop, and
   * runs it to its return. The result object is reused: read it before the next call.
   */
  call(name: string, args: readonly number[] = []): CallResult {
    if (args.length > 4) throw new RangeError(`${name}: at most four word arguments, not ${args.length}`);
    let pc = this.fns.get(name);
    if (pc === undefined) this.fns.set(name, (pc = this.sym(name)));
    const core = this.machine.core;
    for (let k = 0; k < 4; k++) core.r[4 + k] = (args[k] ?? 0) | 0;
    core.r[29] = this.stackTop;
    core.r[31] = this.idle;
    core.setPc(pc);
    const i0 = core.instructions, c0 = core.cycle;
    if (this.machine.runUntilIdle(1e7) !== "idle" || (core.pc | 0) !== (this.idle | 0)) throw new Error(`control.elf: ${name} did not return (pc 0x${(core.pc >>> 0).toString(16)})`);
    this.result.value = core.r[2]! | 0;
    this.result.instructions = core.instructions - i0;
    this.result.cycles = core.cycle - c0;
    return this.result;
  }

  // ---------- health probes (probe.c, probetimer.c) ----------

  /** The switch's IP address (the probes' source), the next token to try, the last IP id used; the count of probes not sent reset. */
  probeSetup(switchIp: number, nextToken = 0, ipId = 0): void {
    this.machine.writeWords("probe_state", [switchIp >>> 0, ipId & 0xffff, nextToken & 0x3fff, 0]);
  }

  /** Target i's spec and a fresh state (up, nothing waiting); its tokens are not released. */
  writeTarget(i: number, t: HostProbeTarget): void {
    if (i >= MAX_TARGETS) throw new RangeError(`control.c holds ${MAX_TARGETS} probe targets, not ${i + 1}`);
    if (t.ringLength > PROBE_RING) throw new RangeError(`control.c holds ${PROBE_RING} waiting probes a target, not ${t.ringLength}`);
    const w = new Array<number>(TARGET_WORDS).fill(0);
    w[T.macHi] = hi(t.mac);
    w[T.macLo] = t.mac >>> 0;
    w[T.ip] = t.ip >>> 0;
    w[T.fromHi] = hi(t.fromMac);
    w[T.fromLo] = t.fromMac >>> 0;
    w[T.kind] = PROBE_KINDS.indexOf(t.kind);
    w[T.port] = t.port;
    w[T.l4port] = t.l4Port;
    w[T.timeoutHi] = hi(t.timeoutPs);
    w[T.timeoutLo] = t.timeoutPs >>> 0;
    w[T.rise] = t.rise;
    w[T.fall] = t.fall;
    w[T.ringLen] = t.ringLength;
    w[T.hostCheck] = t.kind === "arp" || t.kind === "icmp" ? 1 : 0;
    w[T.id] = i;
    w[T.up] = 1;
    this.machine.writeWords("targets", w, i * TARGET_WORDS);
  }

  readTarget(i: number): ProbeTargetState {
    const w = this.machine.readWords("targets", TARGET_WORDS, i * TARGET_WORDS);
    const count = w[T.count]!, head = w[T.head]!, n = w[T.ringLen]!;
    return {
      head,
      count,
      up: w[T.up] !== 0,
      ok: w[T.ok]!,
      failed: w[T.failed]!,
      changes: w[T.changes]!,
      timerArmed: w[T.timerArmed] !== 0,
      timerPs: w[T.timerHi]! * 2 ** 32 + w[T.timerLo]!,
      stats: { sent: w[T.sent]!, answered: w[T.answered]!, failed: w[T.failedN]!, late: w[T.late]!, voided: w[T.voided]!, excused: w[T.excused]! },
      tokens: Array.from({ length: count }, (_, k) => w[T.token + ((head + k) % n)]! | 0),
    };
  }

  /** Port p's running counts: frames received from it, frames of it the switch lost. */
  portStats(p: number, received: number, lost: number): void {
    this.machine.writeWords("port_stats", [received >>> 0, lost >>> 0], 2 * p);
  }

  /** The transmit buffers free: indexes 0..n-1. */
  txFree(n = TX_BUFFERS): void {
    this.machine.writeWords("tx_pool", [n, ...Array.from({ length: TX_BUFFERS }, (_, k) => k)]);
  }

  /** The frame the last probe posted (its bytes in DRAM: the C wrote its lines back). */
  postedFrame(): Uint8Array {
    const p = this.devices.lastPost;
    return this.machine.memory.readBytes(p.addr, p.length);
  }

  /** The token's owner (a target index), -1 free. */
  tokenOwner(token: number): number {
    const pa = this.machine.address("token_owner") + 2 * token;
    return this.machine.memory.read16(pa) - 1;
  }

  probeSend(i: number, nowPs: number): CallResult {
    return this.call("probe_send", [i, hi(nowPs), nowPs >>> 0]);
  }

  probeExpire(i: number, nowPs: number): CallResult {
    return this.call("probe_expire", [i, hi(nowPs), nowPs >>> 0]);
  }

  probeAnswer(i: number, token: number): CallResult {
    return this.call("probe_answer", [i, token]);
  }

  // ---------- the optimal-workload round (balance.c) ----------

  writeOwCluster(c: number, servers: readonly HostOwServer[]): void {
    if (servers.length > OW_MAX_SERVERS) throw new RangeError(`control.c holds ${OW_MAX_SERVERS} servers a cluster, not ${servers.length}`);
    const w = new Array<number>(OW_WORDS).fill(0);
    w[0] = servers.length;
    servers.forEach((s, i) => {
      const flags = (s.up ? OW_UP : 0) | (s.removed ? OW_REMOVED : 0) | (s.draining ? OW_DRAINING : 0) | (s.reported ? OW_REPORTED : 0);
      w.splice(36 + 5 * i, 5, s.loadMilli >>> 0, s.active >>> 0, s.inactive >>> 0, s.weight >>> 0, flags);
    });
    this.machine.writeWords("ow_clusters", w, c * OW_WORDS);
  }

  /** The round's outputs: by load or by flows, one flow's share (workload units, 48.16 fixed point: times 2^16), each server's workload. */
  readOwCluster(c: number): { byLoad: boolean; unitQ16: number; base: number[]; given: number[] } {
    const w = this.machine.readWords("ow_clusters", OW_WORDS, c * OW_WORDS), n = w[0]!;
    return { byLoad: w[1] !== 0, unitQ16: w[2]! * 2 ** 32 + w[3]!, base: w.slice(4, 4 + n), given: w.slice(20, 20 + n) };
  }

  // ---------- the NAT's rewrite (nat.c) ----------

  /** Writes an IPv4 packet (from its header) into nat_packet. */
  writeNatPacket(bytes: Uint8Array): void {
    if (bytes.length > 128) throw new RangeError(`nat_packet holds 128 bytes, not ${bytes.length}`);
    this.machine.writeBytes("nat_packet", bytes);
  }

  readNatPacket(n: number): Uint8Array {
    return this.machine.readBytes("nat_packet", n);
  }

  // ---------- the CAM (cam.c) ----------

  /** Key i of cam_keys: [proto, src, dst, ports]. */
  writeCamKey(i: number, key: readonly number[]): void {
    this.machine.writeWords("cam_keys", key.map((v) => v >>> 0), 4 * i);
  }
}
