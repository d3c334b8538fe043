import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TraceOutputError } from "../../src/sim/trace/sink.ts";
import { VcdWriter } from "../../src/sim/trace/vcd.ts";
import { parseVcd } from "../support/vcd-parse.ts";

describe("VCD writer", () => {
  it("writes only the value at the end of each instant: a pulse within one instant leaves no trace", () => {
    const clock = { now: 0 };
    const w = VcdWriter.inMemory({ clock });
    const a = w.signal(["top"], "a"), b = w.signal(["top"], "b", { width: 4 });
    w.change(a, 10, 1);
    w.change(a, 10, 0); // released and granted in the same instant
    w.change(b, 10, 5);
    w.change(a, 20, 1);
    clock.now = 30;
    w.close(30);
    const v = parseVcd(w.text());
    expect(v.changes.filter((c) => c.t > 0)).toEqual([{ t: 10, path: "top.b", v: "5" }, { t: 20, path: "top.a", v: "1" }]);
    expect(v.stamps).toEqual([0, 10, 20, 30]);
  });

  it("changes recorded ahead of time are ordered by time, then by the order recorded", () => {
    const w = VcdWriter.inMemory({ clock: { now: 0 } });
    const p = w.signal(["bus"], "phase", { values: ["idle", "address", "data"] });
    w.change(p, 300, 0);
    w.change(p, 100, 1);
    w.change(p, 200, 2);
    w.change(p, 300, 1); // later record wins at 300
    w.close();
    expect(parseVcd(w.text()).changes.filter((c) => c.t > 0).map((c) => `${c.t}:${c.v}`)).toEqual(["100:address", "200:data", "300:address"]);
  });

  it("streams: instants before the clock's now are written as the run goes, pending ones kept in a bounded heap", () => {
    const clock = { now: 0 };
    const w = VcdWriter.inMemory({ clock });
    const s = w.signal(["x"], "s");
    for (let t = 0; t < 100_000; t++) {
      clock.now = t * 10;
      w.change(s, t * 10 + 5, t & 1); // each one ahead of time
    }
    expect(w.changesWritten).toBeGreaterThan(99_990); // all but the last instant or two, before close
    w.close();
    expect(w.late).toBe(0);
  });

  it("a window keeps [from, to) and opens with every value as of its start; a filter keeps matching paths", () => {
    const w = VcdWriter.inMemory({ clock: { now: 0 }, window: { fromPs: 100, toPs: 200 }, select: ["pci.*", "*.REQ#"] });
    const f = w.signal(["5A", "pci"], "FRAME#", { init: 1 });
    const r = w.signal(["5A", "card1", "gt"], "REQ#", { init: 1 });
    const x = w.signal(["5A", "bma"], "owner", { values: ["idle", "a"] });
    expect(x.id).toBe(-1);
    w.change(f, 50, 0);
    w.change(r, 150, 0);
    w.change(x, 160, 1); // filtered out: nothing
    w.change(f, 250, 1); // after the window
    w.close(300);
    const v = parseVcd(w.text());
    expect(v.signals).toEqual(["5A.pci.FRAME#", "5A.card1.gt.REQ#"]);
    expect(v.changes.map((c) => `${c.t}:${c.path}=${c.v}`)).toEqual(["100:5A.pci.FRAME#=0", "100:5A.card1.gt.REQ#=1", "150:5A.card1.gt.REQ#=0"]);
    expect(v.stamps).toEqual([100, 150, 200]);
    const none = VcdWriter.inMemory({ select: ["nothing.*"] });
    none.signal(["a"], "b");
    expect(() => none.seal()).toThrow(TraceOutputError);
  });

  it("property: the file holds exactly the end-of-instant values that differ from the last written, at increasing times", () => {
    const op = fc.record({ dt: fc.integer({ min: 0, max: 3 }), ahead: fc.integer({ min: 0, max: 4 }), sig: fc.integer({ min: 0, max: 2 }), v: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const clock = { now: 0 };
        const w = VcdWriter.inMemory({ clock });
        const sigs = [w.signal(["t"], "a"), w.signal(["t"], "b", { width: 2 }), w.signal(["t"], "c", { values: ["p", "q", "r", "s"] })];
        const recorded: { t: number; k: number; sig: number; v: number }[] = [];
        ops.forEach((o, k) => {
          clock.now += o.dt;
          const v = o.sig === 0 ? o.v & 1 : o.v;
          w.change(sigs[o.sig]!, clock.now + o.ahead, v);
          recorded.push({ t: clock.now + o.ahead, k, sig: o.sig, v });
        });
        w.close();
        // reference: per instant, last recorded value per signal; written when it differs
        recorded.sort((a, b) => a.t - b.t || a.k - b.k);
        const cur = [0, 0, 0], want: string[] = [];
        for (let i = 0; i < recorded.length; ) {
          const t = recorded[i]!.t, end = [...cur];
          for (; i < recorded.length && recorded[i]!.t === t; i++) end[recorded[i]!.sig] = recorded[i]!.v;
          for (const s of [0, 1, 2]) if (end[s] !== cur[s]) want.push(`${t}:${s}:${end[s]}`);
          cur.splice(0, 3, ...end);
        }
        const v = parseVcd(w.text());
        const names = ["t.a", "t.b", "t.c"], labels = ["p", "q", "r", "s"];
        const got = v.changes.filter((_, i) => i >= 3).map((c) => `${c.t}:${names.indexOf(c.path)}:${c.path === "t.c" ? labels.indexOf(c.v) : Number(c.v)}`);
        // an instant at 0 merges into $dumpvars
        const at0 = want.filter((x) => x.startsWith("0:"));
        const byTime = (a: string, b: string) => Number(a.split(":")[0]) - Number(b.split(":")[0]) || a.localeCompare(b);
        expect(got.sort(byTime)).toEqual(want.filter((x) => !x.startsWith("0:")).sort(byTime)); // within an instant, any order
        expect(v.changes.slice(0, 3).map((c) => c.v)).toEqual([0, 1, 2].map((s) => { const m = at0.find((x) => x.startsWith(`0:${s}:`)); const val = m ? Number(m.split(":")[2]) : 0; return s === 2 ? labels[val]! : String(val); }));
        for (let i = 1; i < v.stamps.length; i++) expect(v.stamps[i]!).toBeGreaterThan(v.stamps[i - 1]!);
      }),
      { numRuns: 300 },
    );
  });
});
