/** The results JSON of saturate and a failover scenario validates against the documented schema (compare: results-schema.test.ts). */
import { describe, it } from "vitest";
import { checkResultsSchema } from "./results-check.ts";

describe("results JSON", () => {
  it("validates against the documented schema: saturate, a failover scenario", () => checkResultsSchema([["saturate", "--board", "5F", "--duration", "2ms"], ["run", "server-failover", "--duration", "6ms"]]));
});
