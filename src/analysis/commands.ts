/**
 * The analysis commands on the command line (docs/cli.md "Analysis across runs"):
 *   results FILE... [--fields F] [--scenario S] [--board B] [--where EXPR]... [--list-fields] [--csv F] [--json F]
 *   diff A B [--fields F] [--alpha A] [--all | --significant] [--csv F] [--json F]
 * Bad input (a file that is not a results document, a filter that does not parse, an alpha out
 * of range) is one line and exit 2, as everywhere in the CLI.
 */
import { writeFileAtomic } from "../sim/output-file.ts";
import chalk from "chalk";
import { type Command, InvalidArgumentError } from "commander";
import { UsageError } from "../cli/errors.ts";
import { diffResults, type DiffResult, type FieldDiff } from "./diff.ts";
import { fields, listFlag, loadResults, ResultsInputError, type LoadedRun } from "./records.ts";
import { parseWhere, resultsTable, selectRuns, type Where } from "./results.ts";
import { formatCsv, formatJson, formatNumber, formatText, type Cell, type Table } from "./table.ts";

interface OutputFlags {
  csv?: string;
  json?: string;
}

/** Runs `fn`, turning the analysis's input errors into the CLI's one-line usage errors. */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ResultsInputError) throw new UsageError(e.message);
    throw e;
  }
}

function save(file: string, text: string, flag: string): void {
  if (file === "-") return void process.stdout.write(text);
  try {
    writeFileAtomic(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${flag} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The table to --csv and --json if asked, and to the terminal unless one of them is stdout. */
function output(t: Table, o: OutputFlags, heading: string[] = [], footer: string[] = []): void {
  if (o.csv !== undefined && o.csv === o.json) throw new UsageError("--csv and --json cannot both write to the same place");
  if (o.csv !== undefined) save(o.csv, formatCsv(t), "--csv");
  if (o.json !== undefined) save(o.json, formatJson(t), "--json");
  if (o.csv === "-" || o.json === "-") return;
  for (const l of heading) console.log(chalk.bold(l));
  const [head, ...rows] = formatText(t);
  console.log(chalk.bold(head));
  for (const l of rows) console.log(l);
  for (const l of footer) console.log(chalk.dim(l));
}

function parseAlpha(v: string): number {
  const x = Number(v);
  if (v.trim() === "" || !(x > 0 && x < 1)) throw new InvalidArgumentError(`expected a significance level between 0 and 1, e.g. 0.05, got "${v}"`);
  return x;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface ResultsFlags extends OutputFlags {
  fields?: string;
  scenario?: string;
  board?: string;
  where?: string[];
  listFields?: boolean;
}

function resultsCommand(files: string[], o: ResultsFlags): void {
  const where: Where[] = usage(() => (o.where ?? []).map(parseWhere));
  const runs = selectRuns(usage(() => loadResults(files)), { scenarios: listFlag(o.scenario), boards: listFlag(o.board), where });
  if (o.listFields) {
    const count = new Map<string, number>();
    for (const { run } of runs) for (const f of fields(run).keys()) count.set(f, (count.get(f) ?? 0) + 1);
    output({ columns: ["field", "runs"], rows: [...count].map(([f, n]) => [{ value: f }, { value: n }]) }, o);
    return;
  }
  const t = resultsTable(runs, { fields: listFlag(o.fields), fileColumn: new Set(files).size > 1 });
  output(t, o, [], [`${runs.length} run${runs.length === 1 ? "" : "s"}${t.rows.some((r) => r.some((c) => c.ci95 !== undefined)) ? "; ± 95 % half-widths over replications" : ""}`]);
}

interface DiffFlags extends OutputFlags {
  fields?: string;
  alpha: number;
  all?: boolean;
  significant?: boolean;
}

const pct = (x: number | undefined) => (x === undefined ? undefined : +(100 * x).toFixed(2));

function diffTable(d: DiffResult, show: (f: FieldDiff) => boolean): Table {
  const many = d.pairs.length > 1;
  const columns = [...(many ? ["run"] : []), "field", "A", "B", "B - A", "B - A %", "p", "verdict"];
  const rows: Cell[][] = [];
  for (const p of d.pairs) {
    for (const f of p.fields.filter(show)) {
      rows.push([
        ...(many ? [{ value: p.key }] : []), { value: f.field },
        { value: f.a, ...(f.aCi95 !== undefined ? { ci95: f.aCi95 } : {}) }, { value: f.b, ...(f.bCi95 !== undefined ? { ci95: f.bCi95 } : {}) },
        { value: f.difference }, { value: pct(f.relative) }, { value: f.p === undefined ? undefined : +f.p.toPrecision(3) }, { value: f.verdict },
      ]);
    }
  }
  return { columns, rows };
}

function diffCommand(fileA: string, fileB: string, o: DiffFlags): void {
  const d = diffResults(usage(() => loadResults([fileA])), usage(() => loadResults([fileB])), { fields: listFlag(o.fields), alpha: o.alpha });
  if (d.pairs.length === 0) throw new UsageError(`diff: no run of ${fileB} matches a run of ${fileA} by scenario, board, workload and load`);
  const show = (f: FieldDiff) => (o.significant ? f.verdict === "significant" : o.all || f.verdict !== "same");
  const reps = (r: LoadedRun) => (r.run["replications"] as { n?: number } | undefined)?.n ?? 1;
  const heading = [...d.varied.map((v) => `A and B differ in ${v.key}: ${v.a} against ${v.b}; runs paired by the rest`), ...d.pairs.map((p) => `${p.key}: A ${fileA} run ${p.a.index + 1} (${reps(p.a)} replication${reps(p.a) > 1 ? "s" : ""}), B ${fileB} run ${p.b.index + 1} (${reps(p.b)})`)];
  const all = d.pairs.flatMap((p) => p.fields);
  const n = (v: FieldDiff["verdict"]) => all.filter((f) => f.verdict === v).length;
  const footer = [
    `${all.length} fields compared: ${all.length - n("same")} differ, ${n("significant")} significantly at ${formatNumber(100 * d.alpha)} % (Welch's t test on the replications' means and 95 % half-widths), ${n("not significant")} not, ${n("no test")} without a test (no interval: single runs, or settings such as load), ${n("differs")} text fields differ, ${n("only in A") + n("only in B")} in one file only`,
    ...d.onlyA.map((r) => `only in A: run ${r.index + 1} (${r.run.scenario} ${String(r.run["board"] ?? "")})`),
    ...d.onlyB.map((r) => `only in B: run ${r.index + 1} (${r.run.scenario} ${String(r.run["board"] ?? "")})`),
  ];
  output(diffTable(d, show), o, heading, footer);
}

/** Adds `results` and `diff` to the program. */
export function analysisCommands(program: Command): void {
  program
    .command("results")
    .description("a table of chosen fields of the runs in result files (--json output), filtered by scenario, board and parameters")
    .argument("<files...>", "JSON result files")
    .option("--fields <list>", "fields by dotted path, globs allowed, e.g. board,load,delivered.*,resources.*.utilization (default: the headline figures)")
    .option("--scenario <list>", "only runs of these scenarios (comma-separated, globs allowed)")
    .option("--board <list>", "only runs of these boards (comma-separated, globs allowed)")
    .option("--where <expr>", "only runs whose field compares so: load>=1, workload=mixed, bottleneck.resource!=pci (repeatable)", collect)
    .option("--list-fields", "list the fields the runs have, with how many runs have each")
    .option("--csv <file>", "write the table as CSV to a file, or - for stdout")
    .option("--json <file>", "write the table as JSON (an object per row) to a file, or - for stdout")
    .action((files: string[], o: ResultsFlags) => resultsCommand(files, o));
  program
    .command("diff")
    .description("compare two result files field by field, saying which differences are significant (Welch's t test on replications)")
    .argument("<a>", "the first JSON result file (A)")
    .argument("<b>", "the second (B)")
    .option("--fields <list>", "compare only these fields (globs allowed), e.g. delivered.*,cpu.*")
    .option("--alpha <a>", "significance level of the tests", parseAlpha, 0.05)
    .option("--all", "list every field compared, equal ones too")
    .option("--significant", "list only the significant differences")
    .option("--csv <file>", "write the comparison as CSV to a file, or - for stdout")
    .option("--json <file>", "write the comparison as JSON to a file, or - for stdout")
    .action((a: string, b: string, o: DiffFlags) => diffCommand(a, b, o));
}
