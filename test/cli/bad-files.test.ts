/**
 * #21, bad input from files: inputs must be regular files (a directory or a device is refused, never
 * read: /dev/zero would not end), outputs are checked before the run and written atomically (a
 * device directly), bad captures and boards the models refuse get one line and exit 2.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../../src/hw/boards/presets.ts";
import { writeFileAtomic } from "../../src/sim/output-file.ts";
import { simIn } from "./sim.ts";

const dir = mkdtempSync(join(tmpdir(), "flowsim-bad-files-"));

async function refused(args: string[], line: RegExp): Promise<void> {
  await import("../../src/cli/main.ts"); // loaded before the clock starts: the time is the refusal's
  const t0 = performance.now();
  const r = await simIn(...args);
  expect(r.code, `${args.join(" ")}: ${r.err}`).toBe(2);
  expect(r.err.trim().split("\n"), args.join(" ")).toHaveLength(1);
  expect(r.err.trim(), args.join(" ")).toMatch(line);
  expect(performance.now() - t0, args.join(" ")).toBeLessThan(5000); // refused, not run
}

describe("bad files", () => {
  it("an input that is not a regular file (a directory, a device) is refused in one line, never read", async () => {
    const hosts = ["run", "hosts", "--board", "5A", "--duration", "20ms"];
    await refused([...hosts, "--hosts", "/dev/zero"], /\/dev\/zero: cannot read: not a regular file \(a character device\)/);
    await refused([...hosts, "--hosts", dir], /cannot read: not a regular file \(a directory\)/);
    await refused([...hosts, "--replay", "/dev/zero"], /^flowsim: replay \/dev\/zero: cannot read: not a regular file \(a character device\)/);
    await refused(["compare", "--boards", "/dev/zero", "--duration", "20ms"], /cannot read board file \/dev\/zero: not a regular file \(a character device\)/);
    await refused(["compare", "--boards", `${dir}/`, "--duration", "20ms"], /not a regular file \(a directory\)/);
    await refused(["merge", "/dev/zero"], /merge: cannot read \/dev\/zero: not a regular file/);
    await refused(["results", "/dev/zero"], /cannot read \/dev\/zero: not a regular file/);
    await refused(["boards", "validate", "/dev/zero"], /not a regular file/);
    await refused(["run", "/dev/zero"], /scenario file \/dev\/zero is not a regular file/);
  });

  it("output paths are checked before the run: a directory, a missing folder, a place where no file can be made", async () => {
    const run = ["run", "hosts", "--board", "5A", "--duration", "200ms"];
    await refused([...run, "--json", dir], /cannot write --json file .*: is a directory/);
    await refused([...run, "--csv", join(dir, "no", "x.csv")], /cannot write --csv file .*: no such directory/);
    await refused([...run, "--flows", join(dir, "no", "f.csv")], /cannot write --flows file .*: no such directory/);
    await refused([...run, "--json", "/proc/x.json"], /cannot write --json file \/proc\/x\.json: cannot create files in \/proc/);
    await refused([...run, "--report", "/proc/x"], /--report \/proc\/x: cannot make the directory/);
  });

  it("results are written whole or not at all (temporary name, then renamed); a device is written directly", async () => {
    const f = join(dir, "r.json");
    writeFileSync(f, "old");
    writeFileAtomic(f, "new");
    expect(readFileSync(f, "utf8")).toBe("new");
    expect(readdirSync(dir).filter((n) => n.includes("partial"))).toEqual([]);
    expect(() => writeFileAtomic(join(dir, "no", "x.json"), "x")).toThrow();
    expect(readdirSync(dir).filter((n) => n.includes("partial"))).toEqual([]);
    const r = await simIn("run", "demo-link", "--duration", "1ms", "--json", "/dev/null", "--quiet");
    expect([r.code, r.err]).toEqual([0, ""]);
  });

  it("a bad capture: one line naming the file, the format, what is wrong and where", async () => {
    const u32 = (...v: number[]) => Buffer.from(new Uint32Array(v).buffer);
    const pcapHeader = Buffer.concat([u32(0xa1b2c3d4), Buffer.from([2, 0, 4, 0]), u32(0, 0, 65535, 1)]);
    const files: [string, Buffer, RegExp][] = [
      ["short.pcap", pcapHeader.subarray(0, 6), /pcap: file of 6 bytes is shorter than the 24-byte global header at byte 0/],
      ["trunc.pcap", Buffer.concat([pcapHeader, u32(1, 0, 100, 100), Buffer.alloc(40)]), /pcap: record of 100 bytes runs past the end of the file at byte 32/],
      ["huge.pcap", Buffer.concat([pcapHeader, u32(1, 0, 0x7fffffff, 0x7fffffff)]), /pcap: record length 2147483647 exceeds the snapshot length 65535 at byte 32/],
      ["empty.pcap", Buffer.alloc(0), /capture: file of 0 bytes is too short to be a pcap or pcapng file at byte 0/],
    ];
    for (const [name, bytes, line] of files) {
      writeFileSync(join(dir, name), bytes);
      await refused(["run", "hosts", "--board", "5A", "--duration", "1ms", "--replay", join(dir, name)], new RegExp(`^flowsim: replay ${join(dir, name).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: ${line.source}`));
    }
  });

  it("loads that are not decimal numbers from 1e-6 to 1000, and boards the models refuse: one line, exit 2", async () => {
    await refused(["run", "demo-link", "--load", "0x2"], /--load <x>.*expected a load factor from 0.000001 to 1000/);
    await refused(["run", "demo-link", "--load", "1e-8"], /expected a load factor/);
    const circuitOnly = join(dir, "circuit-only.json");
    writeFileSync(circuitOnly, JSON.stringify({ ...PRESETS["5F"]!, name: "5F-circuit", cards: PRESETS["5F"]!.cards.filter((c) => c.role === "circuit") }));
    await refused(["compare", "--boards", circuitOnly, "--duration", "1ms", "--capacity", "none", "--replications", "1"], /^flowsim: the configuration was refused: run: clusters\[0\]\.servers: expected at least 1 entry$/);
    const slow = join(dir, "slow.json");
    writeFileSync(slow, JSON.stringify({ ...PRESETS["5A"]!, name: "5A-slow", cpu: { model: "R4700", clockHz: 133_000_000, baseCpi: 1e15 } }));
    await refused(["compare", "--boards", slow, "--duration", "1ms", "--capacity", "none", "--replications", "1"], /^flowsim: the configuration asks for a time the simulator cannot hold: .* is not a tick/);
  });
});
