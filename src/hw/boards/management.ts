/**
 * Which CPU serves which controller. Fig 5F has two management processor cards that "perform
 * management tasks as explained above with respect to Fig. 5E"; the patent gives no split, so
 * (an assumption, docs/boards.md) the cards share the line cards card by card: card j's
 * controllers interrupt CPU j mod cpus, whose job then handles the frame. A client's flow comes
 * through one router, so each flow's misses land on one management card. Boards with one CPU
 * map everything to it.
 */
import type { BoardSpec } from "./schema.ts";

export function cpuOfControllers(spec: Pick<BoardSpec, "cards" | "cpus">): Uint8Array {
  const n = spec.cards.reduce((a, c) => a + c.controllers, 0);
  const out = new Uint8Array(n);
  let k = 0;
  spec.cards.forEach((card, j) => {
    for (let i = 0; i < card.controllers; i++) out[k++] = j % spec.cpus;
  });
  return out;
}

/** The simulator's name of CPU board `i` (`cpuboard` alone, `mgmt<i>` when there are several). */
export function cpuBoardName(spec: Pick<BoardSpec, "cpus">, i: number): string {
  return spec.cpus > 1 ? `mgmt${i}` : "cpuboard";
}
