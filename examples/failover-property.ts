/**
 * An example property test of the failover machines, on the firmware-only test board (no full
 * board, no timing but the probes'): over any sequence of hosts that stop and start answering their
 * health probes, administrative downs and ups, and time passing, a cluster in availability mode
 * (1) never has two primaries, and (2) never pre-empts: a primary that is still up stays primary.
 * Run it with
 *   npx tsx examples/failover-property.ts [runs]
 * (an installed package: import from "flowsim/testing"; fast-check from npm). Exits 1 with the
 * shrunk counterexample if a property fails.
 */
import fc from "fast-check";
import { config, harness, SERVER_PORT } from "../src/testing/index.ts";
import { US } from "../src/index.ts";

const SERVERS = 4;
const INTERVAL = 100 * US;
type Step = { server: number; action: "stop" | "answer" | "down" | "up" | "wait" };
const step: fc.Arbitrary<Step> = fc.record({ server: fc.integer({ min: 0, max: SERVERS - 1 }), action: fc.constantFrom("stop", "answer", "down", "up", "wait") });

let handovers = 0; // primaries that changed: the property was exercised, not passed vacuously
const property = fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
  const answering = new Set(Array.from({ length: SERVERS }, (_, i) => i));
  const h = harness(config(SERVERS, { mode: "availability", health: { kind: "arp", intervalPs: INTERVAL, timeoutPs: INTERVAL / 2, rise: 2, fall: 2 } }), {
    alive: (port) => answering.has(port - SERVER_PORT(0)),
    delayPs: () => 3 * US,
  });
  let primary: string | undefined;
  for (const { server, action } of steps) {
    if (action === "stop") answering.delete(server);
    if (action === "answer") answering.add(server);
    if (action === "down") h.fw.serverDown(`s${server}`);
    if (action === "up") h.fw.serverUp(`s${server}`);
    h.sim.run(h.sim.now + INTERVAL * (action === "wait" ? 5 : 1));
    const roles = h.fw.roles("web");
    const primaries = Object.entries(roles).filter(([, r]) => r === "primary").map(([n]) => n);
    if (primaries.length > 1) throw new Error(`two primaries: ${primaries.join(", ")}`);
    const state = h.fw.read().clusters["web"]!.servers;
    // no pre-emption: the primary of the step before, if it is still up, is still primary
    if (primary !== undefined && state[primary]?.state === "up" && primaries[0] !== primary) throw new Error(`${primaries[0] ?? "nobody"} took over from ${primary}, which is up`);
    if (primary !== undefined && primaries[0] !== undefined && primaries[0] !== primary) handovers++;
    primary = primaries[0];
  }
});

const runs = Number(process.argv[2] ?? 200);
const r = fc.check(property, { numRuns: runs, seed: 19 });
if (r.failed) {
  console.error(fc.defaultReportMessage(r));
  process.exit(1);
}
console.log(`no two primaries and no pre-emption: ${runs} sequences of up to 40 steps passed (seed 19), ${handovers} handovers seen`);
