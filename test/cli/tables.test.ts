/** What sweep and compare print: CSV rows and the simulation-speed table. */
import { describe, expect, it } from "vitest";
import { sim, simIn } from "./sim.ts";

describe("flowsim CLI: tables", () => {
  // the CSV in this process, one thread (written to stdout, captured; workers change no result: shards.test.ts);
  // the table below is console output: a child process
  it("sweep writes a CSV row per load, with a header naming every field", async () => {
    const r = await simIn("sweep", "--board", "5E", "--loads", "0.5:1:0.5", "--duration", "2ms", "--workers", "1", "--csv", "-");
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^scenario,load,board,/);
    expect(lines[1]).toMatch(/^sweep,0\.5,5E,/);
  });

  it("compare prints each board's simulation speed: frames per wall second, P, E and R", () => {
    const r = sim("compare", "--boards", "5A,5E", "--duration", "2ms", "--capacity", "none", "--replications", "1");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    const head = lines.findIndex((l) => l.includes("R sim s/wall s"));
    expect(head).toBeGreaterThan(0);
    for (const [i, board] of [[1, "5A"], [2, "5E"]] as const) {
      const cells = lines[head + i]!.trim().split(/\s+/);
      expect(cells[0]).toBe(board);
      const [, fps, p, e, rr] = cells.map((c) => Number(c.replace(/,/g, "")));
      expect(fps).toBeGreaterThan(0);
      expect(e).toBeGreaterThan(1); // millions of events per simulated second on these boards
      expect(p! / e!).toBeCloseTo(rr!, 1); // P = E x R
    }
  }, 30_000);
});
