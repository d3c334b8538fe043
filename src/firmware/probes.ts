/**
 * Health monitoring's probes (control plane; docs/firmware.md "Health checks"). Every monitored
 * server (one per cluster it serves) and router is a ProbeTarget with its own health machine
 * (rise/fall, machines.ts). Probes are independent, as keepalived's checkers are: a probe goes out
 * every interval whether or not earlier ones are still waiting, and each has its own timeout, so
 * a target that stops answering is declared down within interval x fall + timeout for any
 * timeout, also one longer than the interval.
 *
 * Each answer is matched to its probe: ICMP echo carries the probe's token as its identifier, the
 * TCP connect probe as its source port (49152 + token) and sequence number (the SYN+ACK
 * acknowledges token + 1), the load query as its source port. A late answer, to a probe that has
 * already timed out and failed, matches nothing and counts for nothing. ARP carries nothing of
 * its request but the asker's addresses, so an ARP answer is matched to the oldest probe of that
 * target still waiting (docs: use the ICMP, TCP or load kinds where exact matching matters).
 * Which target an answer is for is decided by the caller from the ingress port, the source MAC and
 * the address answered for, never from the frame alone.
 *
 * Under overload (docs/firmware.md "Health checks under overload") a probe fails only on the
 * target's silence, never on the switch's own queues:
 *   - a deadline is judged when it passes, unless control frames wait in the CPU's control ring:
 *     then by a timer job on the CPU's control queue after them (an answer already in the ring
 *     counts);
 *   - an unanswered probe is void (`voided`: neither success nor failure) when the switch itself
 *     lost frames of the target's port in the probe's life (dropped after reception, or refused
 *     on the way out to it: the probe or its answer may be among them);
 *   - a probe of the host (ARP, ICMP echo; routers are probed by ARP) is excused (`excused`) when
 *     frames kept arriving from the target's port in its life: a host that sends is up, and its
 *     answer is queued behind its own traffic. TCP-connect and load probes check a service, which
 *     frames from the host do not show: they fail.
 * Tokens are 14 bits, owned by a target from the probe's send until it is answered or fails.
 * Nothing here runs per data frame; the state is typed arrays all the same.
 */
import { ArpOp, writeArpFrame } from "../net/codec/arp.ts";
import { IpProto, TcpFlag } from "../net/codec/l4.ts";
import { NO_FRAME } from "../net/frame-pool.ts";
import { writeIcmpEcho, writeTcp, writeUdp } from "../net/write.ts";
import type { CostTrace } from "../hw/cpu/cost-trace.ts";
import type { BoardApi } from "../hw/boards/board.ts";
import type { SimEvent } from "../sim/event.ts";
import { Priority } from "../sim/priority.ts";
import { createActor, type Actor } from "xstate";
import { healthMachine, PROBE_OK, probeOkIsNoOp } from "./machines.ts";
import type { SimClock } from "./sim-clock.ts";

export type ProbeKind = "arp" | "icmp" | "tcp" | "load";
/** Probes' token space and the source-port base that carries tokens (the dynamic ports, RFC 6335). */
export const TOKEN_BITS = 14;
export const TOKENS = 1 << TOKEN_BITS;
export const PROBE_PORT_BASE = 49152;
/** Probes a target may have waiting at once beyond ceil(timeout / interval) + 1 (late CPU jobs can bunch rounds). */
const RING_SLACK = 4;

export interface ProbeTargetSpec {
  name: string;
  /** Switch port it is attached to; its MAC; the address probed (a server's cluster VIP, a router's IP). */
  port: number;
  mac: number;
  ip: number;
  /** Source MAC of the probes (a virtual MAC of the switch: answers come back to the CPU). */
  fromMac: number;
  kind: ProbeKind;
  /** TCP service port (tcp) or the load agent's UDP port (load). */
  l4Port: number;
  intervalPs: number;
  timeoutPs: number;
  rise: number;
  fall: number;
}

/** What made a target's health change: its probes, its link, or the operator (API). */
export type HealthCause = "probes" | "link" | "admin";

export class ProbeTarget {
  readonly health: Actor<typeof healthMachine>;
  /** Waiting probes, oldest first: deadline, token (-1 for ARP), answered. */
  private readonly deadline: Float64Array;
  readonly token: Int32Array;
  private readonly answered: Uint8Array;
  /** The port's running counts when each probe was sent: frames received from it, frames of it the switch lost. */
  private readonly received0: Float64Array;
  private readonly lost0: Float64Array;
  private head = 0;
  private count = 0;
  readonly timer: SimEvent;
  retired = false;
  /** answered; failed (counted against the target); late answers; voided (the switch lost frames of its port); excused (the host kept sending). */
  readonly stats = { sent: 0, answered: 0, failed: 0, late: 0, voided: 0, excused: 0 };
  /** Whether frames from the target's port show it is up (host-level probes: ARP, ICMP echo). */
  private readonly hostCheck: boolean;
  /** The cause of the health machine's next change. */
  private cause: HealthCause = "probes";
  /** A deadline's judgement as a timer job on the CPU (its control queue). */
  private readonly judge: (trace: CostTrace) => void;

  constructor(readonly id: number, readonly spec: ProbeTargetSpec, private readonly probes: HealthProbes, clock: SimClock, onDown: (cause: HealthCause) => void, onUp: (cause: HealthCause) => void) {
    const ring = Math.ceil(spec.timeoutPs / spec.intervalPs) + 1 + RING_SLACK;
    this.deadline = new Float64Array(ring);
    this.token = new Int32Array(ring);
    this.answered = new Uint8Array(ring);
    this.received0 = new Float64Array(ring);
    this.lost0 = new Float64Array(ring);
    this.hostCheck = spec.kind === "arp" || spec.kind === "icmp";
    this.health = createActor(healthMachine, { clock, input: { rise: spec.rise, fall: spec.fall } });
    let last = "up";
    this.health.subscribe((snap) => {
      if (snap.value === last) return;
      last = snap.value as string;
      if (snap.value === "down") onDown(this.cause);
      else onUp(this.cause);
    });
    this.health.start();
    this.judge = (trace) => {
      trace.op("timerTick");
      this.expire();
    };
    const b = probes.board;
    // the deadline is a timer interrupt: judged at once, or, while control frames wait in the CPU's
    // control ring (the answer may be among them), by a job on the control queue after them
    this.timer = b.sim.event(`fw.${spec.name}.probeTimeout`, () => void ((b.controlFramesWaiting() > 0 && b.runOnCpu(this.judge)) || this.expire()), Priority.Timer);
  }

  /** The target's link went down or up (the controllers' link-state interrupt): at once. */
  link(up: boolean): void {
    this.cause = "link";
    this.health.send({ type: up ? "LINK_UP" : "LINK_DOWN" });
    this.cause = "probes";
  }

  get waiting(): number {
    return this.count;
  }

  /** Records a probe sent now with `token`; a full ring fails its oldest probe first. */
  record(token: number, now: number): void {
    const n = this.deadline.length;
    if (this.count === n) this.fail();
    const i = (this.head + this.count) % n;
    this.deadline[i] = now + this.spec.timeoutPs;
    this.token[i] = token;
    this.answered[i] = 0;
    this.received0[i] = this.probes.board.portReceived(this.spec.port);
    this.lost0[i] = this.probes.board.portLost(this.spec.port);
    this.count++;
    this.stats.sent++;
    if (this.count === 1) this.probes.board.sim.schedule(this.timer, this.deadline[i]!);
  }

  /** An answer for token `token` (-1: an ARP answer, for the oldest waiting probe). False when no waiting probe matches. */
  answer(token: number): boolean {
    const n = this.deadline.length;
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % n;
      if (this.answered[i] || (token >= 0 && this.token[i] !== token)) continue;
      this.answered[i] = 1;
      this.stats.answered++;
      const snap = this.health.getSnapshot();
      if (!probeOkIsNoOp(snap)) this.health.send(PROBE_OK);
      this.settle();
      return true;
    }
    this.stats.late++;
    return false;
  }

  /** The oldest probe's deadline passed: every waiting probe past its deadline fails, in order. */
  private expire(): void {
    const now = this.probes.board.sim.now;
    while (this.count > 0 && (this.answered[this.head] || this.deadline[this.head]! <= now)) {
      if (this.answered[this.head]) this.pop();
      else this.fail();
    }
    this.settle();
  }

  /** The oldest probe went unanswered: a failure, unless the switch lost frames of the target's port or the host kept sending (header). */
  private fail(): void {
    const b = this.probes.board, port = this.spec.port, i = this.head;
    const lost = b.portLost(port) > this.lost0[i]!;
    const sending = this.hostCheck && b.portReceived(port) > this.received0[i]!;
    this.pop();
    if (lost) this.stats.voided++;
    else if (sending) this.stats.excused++;
    else {
      this.stats.failed++;
      this.health.send({ type: "PROBE_FAIL" });
    }
  }

  private pop(): void {
    this.probes.release(this.token[this.head]!, this.id);
    this.head = (this.head + 1) % this.deadline.length;
    this.count--;
  }

  /** Drops answered probes from the front and points the timer at the oldest one still waiting. */
  private settle(): void {
    while (this.count > 0 && this.answered[this.head]) this.pop();
    const sim = this.probes.board.sim;
    if (this.retired || this.count === 0) sim.cancel(this.timer);
    else sim.schedule(this.timer, this.deadline[this.head]!);
  }

  /** Stops monitoring: no more probes, timeouts or verdicts. */
  retire(): void {
    this.retired = true;
    while (this.count > 0) this.pop();
    this.probes.board.sim.cancel(this.timer);
    this.health.stop();
  }
}

export class HealthProbes {
  private readonly owner = new Int32Array(TOKENS).fill(-1);
  private nextToken = 0;
  private ipId = 0;
  readonly targets: ProbeTarget[] = [];

  constructor(readonly board: BoardApi, private readonly clock: SimClock, private readonly switchIp: number) {}

  /** A new monitored target; `onDown`/`onUp` run when its health machine changes state, with the cause. */
  add(spec: ProbeTargetSpec, onDown: (cause: HealthCause) => void, onUp: (cause: HealthCause) => void): ProbeTarget {
    const t = new ProbeTarget(this.targets.length, spec, this, this.clock, onDown, onUp);
    this.targets.push(t);
    return t;
  }

  /** The target waiting for an answer with `token`, if any. */
  ownerOf(token: number): ProbeTarget | undefined {
    if (token < 0 || token >= TOKENS) return undefined;
    const id = this.owner[token]!;
    return id >= 0 ? this.targets[id] : undefined;
  }

  release(token: number, id: number): void {
    if (token >= 0 && this.owner[token] === id) this.owner[token] = -1;
  }

  private takeToken(id: number): number {
    let t = this.nextToken;
    for (let k = 0; k < TOKENS && this.owner[t]! >= 0; k++) t = (t + 1) & (TOKENS - 1);
    this.nextToken = (t + 1) & (TOKENS - 1);
    this.owner[t] = id;
    return t;
  }

  /** Sends one probe to `t` (in a CPU job: `trace` is charged) and records it. */
  send(t: ProbeTarget, trace: CostTrace): void {
    if (t.retired) return;
    trace.op("healthProbe");
    const b = this.board, s = t.spec, h = b.pool.alloc();
    if (h === NO_FRAME) return; // no buffer: this round's probe is not sent (and cannot fail)
    const buf = b.pool.bytes(h);
    const token = s.kind === "arp" ? -1 : this.takeToken(t.id);
    const id = (this.ipId = (this.ipId + 1) & 0xffff);
    let len: number;
    switch (s.kind) {
      case "arp":
        // "who has <ip>?", unicast to the target, sender IP 0 (RFC 5227: no cache is updated by it)
        len = writeArpFrame(buf, ArpOp.Request, s.mac, s.fromMac, 0, 0, s.ip);
        break;
      case "icmp":
        buf.fill(0, 42, 50);
        len = writeIcmpEcho(buf, s.mac, s.fromMac, this.switchIp, s.ip, 8, token, 1, 8, id);
        break;
      case "tcp":
        len = writeTcp(buf, s.mac, s.fromMac, this.switchIp, s.ip, PROBE_PORT_BASE + token, s.l4Port, token, 0, TcpFlag.SYN, 1024, 0, id);
        break;
      case "load":
        buf.fill(0, 42, 46);
        len = writeUdp(buf, s.mac, s.fromMac, this.switchIp, s.ip, PROBE_PORT_BASE + token, s.l4Port, 4, id);
        break;
    }
    b.pool.setLength(h, len);
    b.transmit(h, s.port);
    t.record(token, b.sim.now);
  }
}

/** The IP protocol of each probe kind's answer (ARP answers are not IP). */
export const ANSWER_PROTO = { arp: -1, icmp: IpProto.ICMP, tcp: IpProto.TCP, load: IpProto.UDP } as const;
