/**
 * Checks that the results JSON of each command line validates against the documented schema (the
 * results-schema*.test.ts files). The commands run in this process (the JSON is what is checked,
 * not the process: exit codes and output of the program are the other CLI tests').
 */
import { expect } from "vitest";
import { simIn } from "./sim.ts";

export async function checkResultsSchema(commands: string[][]): Promise<void> {
  const { BoardRunSchema, CapacitySchema, ResultsSchema, SaturationSchema } = await import("../../src/scenarios/results-schema.ts");
  for (const args of commands) {
    const r = await simIn(...args, "--json", "-");
    expect(r.code, `${args.join(" ")}: ${r.err}`).toBe(0);
    const doc = JSON.parse(r.out);
    expect(() => ResultsSchema.parse(doc)).not.toThrow();
    for (const run of doc.runs) {
      const v = BoardRunSchema.safeParse(run);
      expect(v.success, `${args.join(" ")}: ${v.success ? "" : JSON.stringify(v.error.issues[0])}`).toBe(true);
      for (const [key, schema] of [["saturation", SaturationSchema], ["capacity", CapacitySchema]] as const) {
        if (!(key in run)) continue;
        const s = schema.safeParse(run[key]);
        expect(s.success, `${args.join(" ")} ${key}: ${s.success ? "" : JSON.stringify(s.error.issues[0])}`).toBe(true);
      }
      }
  }
}
