/** Words the report's charts share: the directions of traffic and the classes of resources. */

/**
 * The models a record ran with, when they are not the defaults (the trace CPU model, the
 * cycle-level timing): "isa", "tlm", "isa, tlm"; empty for the reference models.
 */
export function modelsOf(r: Record<string, unknown>): string {
  return [r["cpuModel"], r["timing"]].filter((m) => typeof m === "string" && m !== "" && m !== "cycle").join(", ");
}

/** A record's board labelled with its models when they are not the defaults: "5A", "5A (isa)", "5A (tlm)", "5A (isa, tlm)". */
export function boardLabel(r: Record<string, unknown>, board: string = String(r["board"])): string {
  const m = modelsOf(r);
  return m ? `${board} (${m})` : board;
}

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
