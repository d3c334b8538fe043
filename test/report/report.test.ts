import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chartsFor, writeReport } from "../../src/report/html-report.ts";
import { serverFailover } from "../../src/scenarios/claims.ts";
import { compareBoards } from "../../src/scenarios/compare-boards.ts";
import { MS } from "../../src/sim/time.ts";
import type { RunRecord } from "../../src/scenarios/registry.ts";

const CHROMIUM = "/usr/bin/chromium";

describe("HTML report", () => {
  const runs = [...compareBoards({ seed: 1, durationPs: 3 * MS, load: 1, boards: ["5A", "5F"] }), ...(serverFailover.run({ seed: 1, durationPs: 8 * MS, load: 1 }) as RunRecord[])];

  it("has a throughput chart, a latency distribution, utilisation and a failover timeline, written as inline SVG with no external resources", async () => {
    const titles = chartsFor(runs).map((c) => c.title);
    expect(titles).toEqual(["Throughput per board", "Latency distribution", "Utilisation per resource", "Failover timeline (server-failover, 5A)"]);
    const dir = mkdtempSync(join(tmpdir(), "flowsim-report-"));
    const r = await writeReport(dir, runs, "test");
    const html = readFileSync(r.path, "utf8");
    expect(html.match(/<svg/g)).toHaveLength(4);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it.skipIf(!existsSync(CHROMIUM))("opens in headless Chromium: every chart rendered, no console error", async () => {
    const { chromium } = await import("playwright-core");
    const dir = mkdtempSync(join(tmpdir(), "flowsim-report-"));
    const r = await writeReport(dir, runs, "test");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`file://${r.path}`);
      const charts = await page.$$eval("figure.chart svg", (svgs) => svgs.map((s) => ({ w: s.getBoundingClientRect().width, marks: s.querySelectorAll("path, rect, line, circle, text").length })));
      expect(charts).toHaveLength(r.charts);
      for (const c of charts) {
        expect(c.w).toBeGreaterThan(100);
        expect(c.marks).toBeGreaterThan(10);
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
