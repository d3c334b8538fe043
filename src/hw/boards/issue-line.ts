/**
 * One line for a board file's first schema problem, naming the field, the allowed values or range
 * and the value given: `cards[0].portMbps: expected 10, 100 or 1000 (got 25)`.
 */
import type { z } from "zod";

type Issue = z.core.$ZodIssue;

/** A value as the user would write it: strings quoted, round big numbers as 2e8 (66666667 stays as it is). */
function show(v: unknown): string {
  if (typeof v === "string") return `"${v}"`;
  if (typeof v === "number" && Math.abs(v) >= 1e6 && Number.isInteger(v)) {
    const e = v.toExponential().replace("e+", "e");
    return e.length <= 6 ? e : String(v);
  }
  return JSON.stringify(v);
}
const orList = (vs: readonly unknown[]) => (vs.length <= 1 ? vs.map(show).join("") : `${vs.slice(0, -1).map(show).join(", ")} or ${show(vs[vs.length - 1])}`);

/** The dotted path of an issue: `cards[2].portMbps`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

/** The value at `path` in `input`, if there is one. */
function at(input: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== "object" || !(p in (v as object))) return { found: false };
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return { found: true, value: v };
}

/** What was expected, in words. */
function expected(issue: Issue): string {
  switch (issue.code) {
    case "invalid_value":
      return `expected ${orList(issue.values)}`;
    case "invalid_union": {
      if ("options" in issue && Array.isArray((issue as { options?: unknown[] }).options)) return `expected ${orList((issue as { options: unknown[] }).options)}`;
      const values = issue.errors.flat().flatMap((e) => (e.code === "invalid_value" ? e.values : []));
      if (values.length > 0 && values.length === issue.errors.flat().length) return `expected ${orList(values)}`;
      return issue.message;
    }
    case "too_small":
      return `expected ${issue.origin === "array" ? `at least ${String(issue.minimum)} ${issue.minimum === 1 ? "entry" : "entries"}` : (issue.inclusive ? "at least " : "more than ") + show(Number(issue.minimum))}`;
    case "too_big":
      return `expected ${issue.origin === "array" ? `at most ${String(issue.maximum)} ${issue.maximum === 1 ? "entry" : "entries"}` : (issue.inclusive ? "at most " : "less than ") + show(Number(issue.maximum))}`;
    case "invalid_type":
      return issue.expected === "int" ? "expected an integer" : `expected a${/^[aeiou]/.test(issue.expected) ? "n" : ""} ${issue.expected}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "not_multiple_of":
      return `expected a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}

/** `source: path: expected ... (got ...)`, and how many more problems there are. */
export function issueLine(issues: readonly Issue[], source: string, input?: unknown): string {
  const issue = issues[0]!;
  let msg = expected(issue);
  const given = issue.code === "unrecognized_keys" ? { found: false } : at(input, issue.path);
  if (given.found && given.value !== undefined) msg += ` (got ${show(given.value)})`;
  else if (issue.code === "invalid_type" && !given.found && input !== undefined) msg = `missing (${msg})`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${source}: ${issuePath(issue.path) || "(top level)"}: ${msg}${more}`;
}
