import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chartsFor, writeReport } from "../../src/report/html-report.ts";
import { serverFailover } from "../../src/scenarios/claims.ts";
import { compareBoards } from "../../src/scenarios/compare-boards.ts";
import { MS, US } from "../../src/sim/time.ts";
import type { RunRecord } from "../../src/scenarios/registry.ts";

const CHROMIUM = "/usr/bin/chromium";
const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("HTML report", () => {
  const runs = [...compareBoards({ seed: 1, durationPs: 3 * MS, load: 1, boards: ["5A", "5F"] }), ...(serverFailover.run({ seed: 1, durationPs: 20 * MS, load: 1, seriesIntervalPs: 500 * US }) as RunRecord[])];

  it("has a throughput chart, a latency distribution, utilisation, a failover timeline and the run's time series, each titled with its units, written as inline SVG with no external resources", async () => {
    const titles = chartsFor(runs).map((c) => c.title);
    expect(titles).toEqual([
      "Throughput per board (Mb/s)", "Latency distribution (µs; fraction of frames)", "Utilisation per resource (% of time busy)",
      "Failover timeline (server-failover, 5A; inbound frames per 500 µs)", "Over time: server-failover, 5A, load 1 (ms from the window's start)",
    ]);
    const dir = mkdtempSync(join(tmpdir(), "flowsim-report-"));
    const r = await writeReport(dir, runs, "test");
    const html = readFileSync(r.path, "utf8");
    expect(html.match(/<svg/g)).toHaveLength(5);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("shows the records' own provenance when they carry one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-report-"));
    const r = await writeReport(dir, runs.slice(0, 1).map((x) => ({ ...x, provenance: { version: "9.9.9", commit: "abc123", command: "flowsim compare" } })), "ignored");
    const html = readFileSync(r.path, "utf8");
    expect(html).toContain("<dt>version</dt><dd><code>9.9.9</code></dd><dt>commit</dt><dd><code>abc123</code></dd><dt>command</dt><dd><code>flowsim compare</code></dd>");
  });

  it.skipIf(!existsSync(CHROMIUM))("opens in headless Chromium: every chart rendered and titled with units, legends tell inbound from outbound, no label cut, provenance shown, no console error", async () => {
    const { chromium } = await import("playwright-core");
    const dir = mkdtempSync(join(tmpdir(), "flowsim-report-"));
    const command = "flowsim run server-failover --series 0.5ms --report out";
    const r = await writeReport(dir, runs, command);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`file://${r.path}`);
      const charts = await page.$$eval("figure.chart svg", (svgs) => svgs.map((s) => {
        const box = s.getBoundingClientRect();
        const texts = [...s.querySelectorAll("text")].map((t) => ({ text: t.textContent ?? "", box: t.getBoundingClientRect() }));
        // each legend entry: its label and how its symbol is drawn
        const entries = [...s.querySelectorAll(".role-legend-label text")].map((t) => {
          const sym = t.closest("g")?.parentElement?.querySelector(".role-legend-symbol path");
          return { label: t.textContent ?? "", symbol: sym ? ["fill", "stroke", "stroke-dasharray", "d"].map((a) => sym.getAttribute(a)).join("|") : "" };
        });
        return {
          w: box.width, marks: s.querySelectorAll("path, rect, line, circle, text").length,
          titles: [...s.querySelectorAll(".role-title text")].map((t) => t.textContent ?? ""),
          cut: texts.filter((t) => t.text.endsWith("…") || t.box.left < box.left - 1 || t.box.right > box.right + 1 || t.box.top < box.top - 1 || t.box.bottom > box.bottom + 1).map((t) => t.text),
          entries,
        };
      }));
      expect(charts).toHaveLength(r.charts);
      const expected = chartsFor(runs).map((c) => c.title);
      for (const [i, c] of charts.entries()) {
        expect(c.titles, "every chart draws its title").toContain(expected[i]);
        expect(c.w).toBeGreaterThan(100);
        expect(c.marks).toBeGreaterThan(10);
        for (const t of c.titles) expect(t, "every title and panel title names its units in parentheses").toMatch(/\(.+\)/);
        expect(c.cut, `labels cut in "${expected[i]}"`).toEqual([]);
      }
      // throughput, latency and the series' throughput panel name both directions, drawn differently
      const directional = charts.filter((c) => c.entries.some((e) => e.label.startsWith("inbound")));
      expect(directional.map((c) => c.titles.find((t) => expected.includes(t)))).toEqual([expected[0], expected[1], expected[4]]);
      for (const c of directional) {
        const inbound = c.entries.find((e) => e.label === "inbound (router → server)"), outbound = c.entries.find((e) => e.label === "outbound (server → router)");
        expect(inbound && outbound, c.titles[0]).toBeTruthy();
        expect(inbound!.symbol, c.titles[0]).not.toBe(outbound!.symbol);
      }
      // the series figure marks the warm-up's end, the scripted failure and recovery, and the switch's detection
      const series = await page.$$eval("figure.chart svg", (svgs) => [...svgs.at(-1)!.querySelectorAll("text")].map((t) => t.textContent));
      expect(series).toEqual(expect.arrayContaining(["warm-up ends", "script: fails", "script: recovers", "s1 declared down", "s1 declared up"]));
      const provenance = await page.$$eval("#provenance dt", (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
      expect(provenance["version"]).toBe(VERSION);
      expect(provenance["command"]).toBe(command);
      expect(provenance["commit"]).toMatch(/^([0-9a-f]{40}( \+ local changes)?|unknown \(not a git checkout\))$/);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(dir, "report.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
