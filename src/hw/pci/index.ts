export { DEFAULT_MASTER, DEFAULT_PCI, DEFAULT_TARGET, PciBus, PciMaster, PHASE, type Devsel, type PciBusParams, type PciMasterParams, type PciTargetParams } from "./bus.ts";
export { PciTransaction, type PciCommand } from "./transaction.ts";
