import { describe } from "vitest";
import { capacityAgainstBound } from "./capacity-bound.ts";

describe("capacity against the analytic bound, inbound-heavy workload", () => capacityAgainstBound("inbound-heavy"));
