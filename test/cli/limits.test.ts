/** #21: sizes and rates past the documented limits are refused in one line before the run (they hung: a board of 50,000 controllers, 1e12 flows/s). */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../../src/hw/boards/presets.ts";
import { simIn } from "./sim.ts";

describe("limits", () => {
  it("a PCI bus faster than PCI 2.1's 66 MHz, an ASIC translator off the crossbar, a board of more than 32 controllers, a card of more, and open-loop rates past 1e8 flows/s, 1e9 frames/s or 1 Tb/s: one line, exit 2, at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-limits-"));
    const file = (name: string, doc: unknown) => (writeFileSync(join(dir, name), JSON.stringify(doc)), join(dir, name));
    const huge = file("huge.json", { ...PRESETS["5A"]!, name: "huge", cards: [{ name: "c", controllers: 50_000 }] });
    const many = file("many.json", { ...PRESETS["5A"]!, name: "many", cards: Array.from({ length: 17 }, (_, i) => ({ name: `c${i}`, controllers: 2 })) });
    const thz = file("thz.json", { ...PRESETS["5A"]!, name: "thz", interconnect: { kind: "pci", placement: "external", clockHz: 1e12, widthBits: 32 } });
    const asic = file("asic.json", { ...PRESETS["5A"]!, name: "asic", translator: { kind: "asic", lookupPs: 100 } });
    const cases: [string[], string][] = [
      [["compare", "--boards", thz], `${thz}: interconnect.clockHz: expected at most 66666667 (got 1e12)`],
      [["compare", "--boards", asic], `${asic}: translator: an ASIC translator needs the crossbar interconnect of Fig 5F (got pci)`],
      [["compare", "--boards", huge], `${huge}: cards[0].controllers: expected at most 32 (got 50000)`],
      [["compare", "--boards", many], `${many}: cards: 34 GT-48002 controllers in all, more than 32 (64 ports), the most a board may have`],
    ];
    for (const [rate, max] of [["flowsPerSec", "1e8"], ["inboundPps", "1e9"], ["outboundMbps", "1e6"]] as const) {
      const f = file(`${rate}.json`, { mix: { web: 1 }, arrivals: { kind: "open", rate: { [rate]: 1e12 } } });
      cases.push([["run", "hosts", "--board", "5A", "--duration", "1ms", "--hosts", f], `${f}: arrivals.rate.${rate}: expected at most ${max} (got 1e12)`]);
    }
    await import("../../src/cli/main.ts"); // loaded before the clock starts: the time is the refusal's
    for (const [args, line] of cases) {
      const t0 = performance.now();
      const r = await simIn(...args);
      expect([r.code, r.err], args.join(" ")).toEqual([2, `flowsim: ${line}\n`]);
      expect(performance.now() - t0).toBeLessThan(5000);
    }
  });
});
