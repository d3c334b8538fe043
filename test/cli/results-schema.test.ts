/** The results JSON of compare validates against the documented schema (saturate and a failover scenario: results-schema-runs.test.ts). */
import { describe, it } from "vitest";
import { checkResultsSchema } from "./results-check.ts";

describe("results JSON", () => {
  // compare on 5F (port-limited: a short search), windows of 2 ms
  it("validates against the documented schema: compare", () => checkResultsSchema([["compare", "--boards", "5F,5A", "--duration", "2ms", "--capacity", "none"], ["compare", "--boards", "5F", "--duration", "2ms"]]));
});
