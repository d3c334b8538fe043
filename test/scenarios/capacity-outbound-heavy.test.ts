import { describe } from "vitest";
import { capacityAgainstBound } from "./capacity-bound.ts";

describe("capacity against the analytic bound, outbound-heavy workload", () => capacityAgainstBound("outbound-heavy"));
