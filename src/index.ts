/**
 * flowsim's public API (the package's "flowsim" entry; docs/api.md): boards (presets, board files,
 * variants), board runs and scenarios, workloads, the results' schema and the firmware's state machines.
 */
import "./scenarios/index.ts"; // registers the built-in scenarios

export { PRESETS } from "./hw/boards/presets.ts";
export { loadBoard, parseBoard, type BoardLoad } from "./hw/boards/load.ts";
export { boardVariant } from "./hw/boards/variant.ts";
export { BoardSchema, type BoardInput, type BoardSpec } from "./hw/boards/schema.ts";
export { runBoard, type BoardRunOptions, type HealthChange, type RunContext, type ScriptContext } from "./scenarios/board-run.ts";
export { getScenario, listScenarios, type RunOptions, type RunRecord, type ScenarioInfo } from "./scenarios/index.ts";
export { registerScenario } from "./scenarios/registry.ts";
export { WORKLOADS, type WorkloadName } from "./scenarios/workloads.ts";
export { BoardRunSchema, CapacitySchema, ResultsSchema, SaturationSchema } from "./scenarios/results-schema.ts";
export { FlowSwitch } from "./firmware/flow-switch.ts";
export { availabilityMachine, healthMachine, type AvailabilityEvent, type HealthEvent } from "./firmware/machines.ts";
export { POLICIES, SwitchConfigSchema, type Policy, type SwitchConfig, type SwitchConfigInput, type ClusterConfig } from "./firmware/config.ts";
export { MS, US, SEC, formatTick, parseDuration, type Tick } from "./sim/time.ts";
