/**
 * An example board study through the API: 5A's CPU clock against its CPU utilisation and
 * throughput at the nominal load. Run it with
 *   npx tsx examples/cpu-clock-study.ts
 * (an installed package: import from "flowsim" instead of "../src/index.ts"). The same grid from the
 * command line, on the worker threads:
 *   flowsim study --board 5A --vary cpu.clockHz=80e6,100e6,133e6 --json study.json
 */
import { boardVariant, MS, runBoard } from "../src/index.ts";

for (const clockHz of [80e6, 100e6, 133e6]) {
  const spec = boardVariant("5A", (b) => {
    b.cpu.clockHz = clockHz;
  });
  const r = runBoard(spec, { seed: 1, durationPs: 5 * MS, warmupPs: 5 * MS, load: 1 }) as Record<string, any>;
  console.log(`${(clockHz / 1e6).toFixed(0).padStart(4)} MHz  CPU ${(r["cpu"].utilization * 100).toFixed(1).padStart(5)} %  in ${r["delivered"].inboundMbps.toFixed(1)} Mb/s  out ${r["delivered"].outboundMbps.toFixed(1)} Mb/s`);
}
