/**
 * The control-plane state machines (xstate v5):
 *   - `availabilityMachine`, one per server of a cluster in availability mode (patent: "availability
 *     clustering"): primary, secondary-operational, secondary-failed. A failed primary becomes
 *     secondary-failed; the cluster's coordinator then promotes one secondary-operational; a restored
 *     server becomes secondary-operational and never pre-empts (VRRP `nopreempt`).
 *   - `healthMachine`, one per monitored server and router: up / down with rise and fall hysteresis
 *     (lb-anchors.md §3.13: flips only after `fall` consecutive failures or `rise` successes) and
 *     immediate down on link loss.
 * They run on simulation time through SimClock; the datapath reads their state, never runs them.
 */
import { assign, setup } from "xstate";

/** Events of the availability machine. */
export type AvailabilityEvent = { type: "FAIL" } | { type: "RESTORE" } | { type: "PROMOTE" };

/** A server's role in an availability cluster (xstate): primary, secondary-operational or secondary-failed; a restored server never pre-empts the primary. */
export const availabilityMachine = setup({
  types: { context: {} as { name: string; startPrimary: boolean }, events: {} as AvailabilityEvent, input: {} as { name: string; primary: boolean } },
}).createMachine({
  id: "availability",
  context: ({ input }) => ({ name: input.name, startPrimary: input.primary }),
  initial: "start",
  states: {
    start: { always: [{ guard: ({ context }) => context.startPrimary, target: "primary" }, { target: "secondaryOperational" }] },
    primary: { on: { FAIL: "secondaryFailed" } },
    secondaryOperational: { on: { FAIL: "secondaryFailed", PROMOTE: "primary" } },
    secondaryFailed: { on: { RESTORE: "secondaryOperational" } },
  },
});

/** Events of the health machine: probe answered or failed, link down or up. */
export type HealthEvent = { type: "PROBE_OK" } | { type: "PROBE_FAIL" } | { type: "LINK_DOWN" } | { type: "LINK_UP" };

/** A server's or router's health from its probes and link (xstate): up or down, after `fall` consecutive failed probes or `rise` answered ones; down at once on link loss. */
export const healthMachine = setup({
  types: { context: {} as { rise: number; fall: number; ok: number; failed: number }, events: {} as HealthEvent, input: {} as { rise: number; fall: number } },
  guards: {
    risen: ({ context }) => context.ok + 1 >= context.rise,
    fallen: ({ context }) => context.failed + 1 >= context.fall,
  },
}).createMachine({
  id: "health",
  context: ({ input }) => ({ rise: input.rise, fall: input.fall, ok: 0, failed: 0 }),
  initial: "up",
  states: {
    up: {
      entry: assign({ ok: 0, failed: 0 }),
      on: {
        PROBE_OK: { actions: assign({ failed: 0 }) },
        PROBE_FAIL: [{ guard: "fallen", target: "down" }, { actions: assign({ failed: ({ context }) => context.failed + 1 }) }],
        LINK_DOWN: "down",
      },
    },
    down: {
      entry: assign({ ok: 0, failed: 0 }),
      on: {
        PROBE_OK: [{ guard: "risen", target: "up" }, { actions: assign({ ok: ({ context }) => context.ok + 1 }) }],
        PROBE_FAIL: { actions: assign({ ok: 0 }) },
        LINK_UP: {},
      },
    },
  },
});

export const PROBE_OK: HealthEvent = { type: "PROBE_OK" };

/**
 * Whether PROBE_OK would leave a health machine exactly as it is: up with no failure counted (its
 * action sets `failed` to the 0 it holds). The firmware skips sending it then, as it does on
 * nearly every answered probe: an xstate transition allocates a snapshot and its context, and
 * this runs on every probe of every server and router. machines.test.ts checks it on every
 * reachable state.
 */
export function probeOkIsNoOp(snapshot: { value: unknown; context: { failed: number } }): boolean {
  return snapshot.value === "up" && snapshot.context.failed === 0;
}
