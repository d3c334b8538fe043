/**
 * `flowsim` / `npm run sim -- <command>`: the command line.
 *   list                 scenarios with one-line descriptions
 *   run <scenario>       run one scenario; prints a summary, optionally JSON and pcap
 * Bad input (flags, names, files) gets one line naming the problem and exit code 2.
 */
import { writeFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { getScenario, listScenarios } from "../scenarios/index.ts";
import { formatTick } from "../sim/time.ts";
import { UsageError } from "./errors.ts";
import { parseDurationFlag, parseLoad, parseSeed } from "./options.ts";
import { printRun } from "./print.ts";

interface RunFlags {
  seed: number;
  duration?: number;
  load: number;
  json?: string;
  pcap?: string;
  quiet?: boolean;
}

function fail(message: string): never {
  process.stderr.write(`flowsim: ${message}\n`);
  process.exit(2);
}

export function buildProgram(): Command {
  const program = new Command("flowsim")
    .description("cycle-level simulator of the WO 99/33227 network flow switch")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(`flowsim: ${(s.split("\n").find((l) => l.trim() !== "") ?? "").replace(/^error: /, "")}\n`) });

  program
    .command("list")
    .description("list the built-in scenarios")
    .action(() => {
      for (const s of listScenarios()) console.log(`${s.name.padEnd(24)} ${s.description} (default ${formatTick(s.defaultDurationPs)})`);
    });

  program
    .command("run")
    .description("run a scenario")
    .argument("<scenario>", "a built-in scenario name (see list)")
    .option("--seed <n>", "run seed; same seed and config give identical results", parseSeed, 1)
    .option("--duration <t>", "simulated time with a unit, e.g. 20ms, 1s (default: the scenario's)", parseDurationFlag)
    .option("--load <x>", "scale the workload's nominal offered rate (1.0 = nominal)", parseLoad, 1)
    .option("--json <file>", "write the JSON result to a file, or - for stdout")
    .option("--pcap <dir>", "write pcap captures into this directory")
    .option("--quiet", "print nothing but errors (and --json -)")
    .action(async (name: string, o: RunFlags) => {
      const scenario = getScenario(name);
      if (!scenario) throw new UsageError(`unknown scenario "${name}" (try: flowsim list)`);
      const record = await scenario.run({
        seed: o.seed,
        durationPs: o.duration ?? scenario.defaultDurationPs,
        load: o.load,
        ...(o.pcap !== undefined ? { pcapDir: o.pcap } : {}),
      });
      const doc = { schema: 1, runs: [record] };
      if (o.json === "-") console.log(JSON.stringify(doc, null, 2));
      else if (o.json) {
        try {
          writeFileSync(o.json, JSON.stringify(doc, null, 2) + "\n");
        } catch (e) {
          throw new UsageError(`cannot write --json file ${o.json}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      if (!o.quiet && o.json !== "-") printRun(record);
    });

  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    if (e instanceof UsageError) fail(e.message);
    if (process.env["FLOWSIM_DEBUG"]) throw e;
    process.stderr.write(`flowsim: internal error: ${(e as Error).message} (set FLOWSIM_DEBUG=1 for a stack trace)\n`);
    process.exit(1);
  }
}

await main(process.argv);
