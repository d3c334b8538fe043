/**
 * The patent's scale: capacity against the number of GT-48002 Ethernet controllers (two ports
 * each) per topology. The network card of Figs 5B-5D has "several" controllers and the patent
 * claims transfer rates "in excess of 1Gbps" for Fig 5D once its on-board PCI bus is replaced by a
 * buffer memory arbiter; this study shows where a shared 33 MHz PCI, the on-board bus, the arbiter
 * and the crossbar part ways. Each point is a preset with `n` controllers (routers on the first
 * half of the ports, servers on the second; on 5F, routers on the circuit cards), searched with
 * the main table's quick capacity search under the same per-port workload.
 */
import type { Draft } from "immer";
import { boardVariant } from "../hw/boards/variant.ts";
import type { BoardInput, BoardSpec } from "../hw/boards/schema.ts";

export const DEFAULT_CONTROLLER_COUNTS = [1, 2, 4, 8, 12];

/** A preset with `n` GT-48002s: more general-purpose cards (5A, 5E), more controllers on the one card (5B-5D), or on 5F half circuit and half Ethernet cards. */
export function withControllers(preset: string, n: number): BoardSpec {
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new RangeError(`controllers: expected 1 to 32, got ${n}`);
  const recipe = (b: Draft<BoardInput>) => {
    const name = `${b.name}-x${n}`;
    b.name = name;
    b.description = `${b.description}; ${n} GT-48002${n > 1 ? "s" : ""} (${2 * n} ports)`;
    if (b.translator?.kind === "asic") {
      if (n < 2) throw new RangeError("5F needs at least two controllers: a circuit card and an Ethernet card");
      const circuit = Math.floor(n / 2), eth = n - circuit;
      b.cards = [
        ...Array.from({ length: eth }, (_, i) => ({ name: `eth${i + 1}`, controllers: 1, role: "ethernet" as const })),
        ...Array.from({ length: circuit }, (_, i) => ({ name: `circuit${i + 1}`, controllers: 1, role: "circuit" as const })),
      ];
    } else if (b.cards.length > 1) {
      b.cards = Array.from({ length: n }, (_, i) => ({ name: `card${510 + 10 * i}`, controllers: 1 }));
    } else {
      b.cards[0]!.controllers = n;
    }
  };
  return boardVariant(preset, recipe);
}
