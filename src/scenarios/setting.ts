/**
 * The standard setting's layout, from a board's data alone (no simulator): its GT-48002
 * controllers and their names, which global port faces a router and which a server. Board runs
 * (`buildSetting`) and the analytic bound (bound.ts) both use it, so they name the same ports.
 *   - Routers on the circuit cards (Fig 5F), else on the first half of the ports.
 *   - Servers on the remaining ports, as many as routers at most.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";

export interface ControllerInfo {
  name: string;
  /** "circuit" on 5F's circuit cards (an ASIC translates at each port), else "ethernet". */
  role: "ethernet" | "circuit";
  portMbps: number;
}

export interface SettingLayout {
  controllers: ControllerInfo[];
  portCount: number;
  routerPorts: number[];
  serverPorts: number[];
  /** The controller index of global port p (two ports per controller). */
  controllerOf(p: number): number;
  /** The simulator's name of a port channel: `<controller>.p<k>.in` (host to switch) or `.out`. */
  portResource(p: number, dir: "in" | "out"): string;
}

export function controllerName(cardName: string, k: number, controllers: number): string {
  return controllers > 1 ? `${cardName}.gt${k}` : `${cardName}.gt`;
}

export function settingLayout(spec: BoardSpec): SettingLayout {
  const controllers: ControllerInfo[] = [];
  for (const card of spec.cards) for (let k = 0; k < card.controllers; k++) controllers.push({ name: controllerName(card.name, k, card.controllers), role: card.role, portMbps: card.portMbps });
  const portCount = 2 * controllers.length;
  const ports = Array.from({ length: portCount }, (_, p) => p);
  const half = Math.max(1, Math.floor(portCount / 2));
  const asic = spec.translator?.kind === "asic" && controllers.some((c) => c.role === "circuit");
  const routerSide = asic ? ports.filter((p) => controllers[p >> 1]!.role === "circuit") : ports.slice(0, half);
  const routerPorts = routerSide.slice(0, half);
  const serverPorts = ports.filter((p) => !routerSide.includes(p)).slice(0, half);
  return {
    controllers, portCount, routerPorts, serverPorts,
    controllerOf: (p) => p >> 1,
    portResource: (p, dir) => `${controllers[p >> 1]!.name}.p${p & 1}.${dir}`,
  };
}
