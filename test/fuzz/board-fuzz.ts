/**
 * Fuzzing through a full board (issue 21, "Keep the fuzzing"): fast-check generates frames, from
 * well-formed ones addressed where they matter (the virtual MAC, the switch's own MAC, servers',
 * routers', broadcast) to truncated, bit-flipped and random bytes, and injects them at router and
 * server ports of a running board (5A: the CPU path; 5E: the CPLD) beside the standard workload,
 * with the failover scenarios' 1 ms probes. Properties of every run:
 *   - nothing throws;
 *   - nothing is lost: frames injected (the fuzz's and the workload's) = delivered + dropped with a
 *     named cause + still inside, over the run;
 *   - the firmware never forwards a frame its parser rejects;
 *   - no server or router is declared down or up (every host is alive and answers; no fuzzed
 *     frame may make the switch fail a healthy target or keep a dead one up).
 * `board-fuzz.test.ts` runs a few cases in CI; `npm run fuzz` runs many (scripts/fuzz.ts).
 */
import fc from "fast-check";
import { encodeFrame } from "../../src/net/codec/ethernet.ts";
import { NO_FRAME } from "../../src/net/frame-pool.ts";
import { BROADCAST_MAC } from "../../src/net/mac.ts";
import { parseFrame, ParsedFrame, ParseStatus } from "../../src/net/parse.ts";
import { boardVariant } from "../../src/hw/boards/variant.ts";
import { runBoard, VMAC } from "../../src/scenarios/board-run.ts";
import { settingLayout } from "../../src/scenarios/setting.ts";
import { WORKLOADS } from "../../src/scenarios/workloads.ts";
import { MS, US } from "../../src/sim/time.ts";
import { frameArb } from "../net/arbitraries.ts";

export const FUZZ_BOARDS = ["5A", "5E"] as const;
/** Each case's run: its length, and the window its frames are injected in. */
export const FUZZ_RUN_PS = 3 * MS;
const INJECT_WINDOW_US = 2500;
/** Largest frame injected: over the MAC's 1,518-byte limit, so giants are tried too. */
const MAX_FRAME_BYTES = 1600;

/** One injected frame: at a port of the setting (an index into routers then servers), when, and its bytes. */
export interface Injection {
  port: number;
  atUs: number;
  bytes: Uint8Array;
}

/** Addresses worth aiming at on the standard setting (the virtual MAC, the switch's, hosts', broadcast), or anything. */
const SWITCH_MAC = 0x02005e0000fe;
const addressArb = fc.oneof(
  fc.constantFrom(VMAC, SWITCH_MAC, BROADCAST_MAC, 0x0200_0000_0100, 0x0200_0000_0103, 0x0200_0000_0200, 0x0200_0000_0202),
  fc.integer({ min: 0, max: 2 ** 48 - 1 }),
);

/** A well-formed frame with its addresses re-aimed, then perhaps truncated or with bytes flipped; or random bytes. */
export const fuzzFrameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(frameArb, addressArb, addressArb).map(([f, dst, src]) => encodeFrame({ ...f, dst, src } as typeof f)) },
  {
    weight: 3,
    arbitrary: fc.tuple(frameArb, addressArb, fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 })).map(([f, dst, cut, flips]) => {
      const b = encodeFrame({ ...f, dst } as typeof f);
      for (const [at, x] of flips) if (b.length > 0) b[at % b.length] ^= x;
      return b.subarray(0, Math.max(14, b.length - (cut % Math.max(1, b.length))));
    }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: MAX_FRAME_BYTES }) },
).map((b) => b.subarray(0, MAX_FRAME_BYTES));

export const injectionsArb: fc.Arbitrary<Injection[]> = fc.array(
  fc.record({ port: fc.nat({ max: 7 }), atUs: fc.integer({ min: 0, max: INJECT_WINDOW_US }), bytes: fuzzFrameArb }),
  { minLength: 1, maxLength: 40 },
);

export interface FuzzOutcome {
  conserved: boolean;
  forwardedUnparsable: number;
  healthChanges: number;
  detail: string;
}

/** Runs `board` for FUZZ_RUN_PS under the standard workload with `injections`, and checks what the properties need. */
export function fuzzBoard(board: string, injections: Injection[], seed = 1): FuzzOutcome {
  const spec = boardVariant(board, () => {});
  const { routerPorts, serverPorts } = settingLayout(spec);
  const ports = [...routerPorts, ...serverPorts];
  const parsed = new ParsedFrame();
  let forwardedUnparsable = 0;
  const r = runBoard(spec, {
    seed, durationPs: FUZZ_RUN_PS, warmupPs: 0, load: 0.5, ...WORKLOADS.mixed, healthIntervalPs: MS, healthTimeoutPs: MS,
    script: (c) => {
      // the firmware's CPU path: whatever it forwards must parse
      const fw = c.fw, handle = fw.handleFrame.bind(fw);
      fw.handleFrame = (h, ingress, cost) => {
        const v = handle(h, ingress, cost);
        if (v >= 0 && parseFrame(c.board.pool.bytes(h), 0, c.board.pool.length(h), parsed) !== ParseStatus.Ok) forwardedUnparsable++;
        return v;
      };
      for (const x of injections) {
        c.at(x.atUs * US, () => {
          const h = c.board.pool.allocFrom(x.bytes);
          if (h !== NO_FRAME) c.board.portIn(ports[x.port % ports.length]!).send(h);
        });
      }
    },
  }) as unknown as {
    frames: { injected: number; delivered: number; inFlight: number; inFlightAtStart: number; dropped: Record<string, number> };
    health: { serverDowns: number; serverUps: number; routerDowns: number; routerUps: number; events: unknown[] };
  };
  const f = r.frames, dropped = Object.values(f.dropped).reduce((a, b) => a + b, 0);
  const h = r.health;
  return {
    conserved: f.injected + f.inFlightAtStart === f.delivered + dropped + f.inFlight,
    forwardedUnparsable,
    healthChanges: h.serverDowns + h.serverUps + h.routerDowns + h.routerUps,
    detail: JSON.stringify({ frames: f, health: h.events }),
  };
}

/** The fuzz property over one board. */
export function boardProperty(board: string): fc.IProperty<[Injection[]]> {
  return fc.property(injectionsArb, (injections) => {
    const o = fuzzBoard(board, injections);
    if (!o.conserved) throw new Error(`${board}: frames not conserved: ${o.detail}`);
    if (o.forwardedUnparsable > 0) throw new Error(`${board}: the firmware forwarded ${o.forwardedUnparsable} frame(s) its parser rejects`);
    if (o.healthChanges > 0) throw new Error(`${board}: ${o.healthChanges} health change(s) of hosts that never failed: ${o.detail}`);
  });
}
