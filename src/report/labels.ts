/** Words the report's charts share: the directions of traffic and the classes of resources. */

/** Each direction as a legend says it: which way the frames go. */
export const DIRECTION_LABEL = { inbound: "inbound (router → server)", outbound: "outbound (server → router)" } as const;

/** A resource's class, from its name in `resources` or a series (`crossbar.<endpoint>.in` is the crossbar's). */
export function resourceClass(name: string): string {
  if (/^crossbar\./.test(name)) return "fabric (PCI, arbiter, crossbar)";
  if (/\.p\d\.in$/.test(name)) return "ports, host to switch";
  if (/\.p\d\.out$/.test(name)) return "ports, switch to host";
  if (/\.buffer$/.test(name)) return "controller buffer memory";
  if (/\.decide$/.test(name)) return "controller forwarding engines";
  if (/\.cpu$/.test(name)) return "CPU";
  if (/\.dram$/.test(name)) return "CPU DRAM";
  if (name === "fsram") return "fast SRAM";
  return "fabric (PCI, arbiter, crossbar)";
}
