/** Registers every built-in scenario. */
import { registerScenario } from "./registry.ts";
import { asymmetricWeb, availabilityCluster, ipsecAndUdp, multiCluster, routerFailover, routerPool, serverFailover, vsNat } from "./claims.ts";
import { compareBoardsScenario, saturateScenario } from "./compare-boards.ts";
import { demoLink } from "./demo-link.ts";
import { hostsScenario } from "./hosts.ts";

registerScenario(compareBoardsScenario);
registerScenario(routerPool);
registerScenario(serverFailover);
registerScenario(availabilityCluster);
registerScenario(routerFailover);
registerScenario(vsNat);
registerScenario(asymmetricWeb);
registerScenario(ipsecAndUdp);
registerScenario(multiCluster);
registerScenario(saturateScenario);
registerScenario(demoLink);
registerScenario(hostsScenario);

export { getScenario, listScenarios, type RunOptions, type RunRecord, type ScenarioInfo } from "./registry.ts";
