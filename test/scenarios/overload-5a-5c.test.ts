import { describe } from "vitest";
import { overloadHolds, routerFailsUnderOverload } from "./overload.ts";

describe("overload does not collapse: 5A-5C held over their capacity (issue 21)", () => {
  overloadHolds(["5A", "5B", "5C"]);
  routerFailsUnderOverload("5A");
});
