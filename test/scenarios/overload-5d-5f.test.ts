import { describe } from "vitest";
import { overloadHolds, routerFailsUnderOverload } from "./overload.ts";

describe("overload does not collapse: 5D-5F held over their capacity (issue 21)", () => {
  overloadHolds(["5D", "5E", "5F"]);
  routerFailsUnderOverload("5E");
});
