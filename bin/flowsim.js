#!/usr/bin/env node
// The package's `flowsim` bin: runs the TypeScript CLI through tsx's loader, so no build step is needed.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsxCli = require.resolve("tsx/cli");
const main = join(here, "..", "src", "cli", "main.ts");
// the package's own tsconfig wherever the command runs from (its useDefineForClassFields: false keeps hot fields unboxed)
const tsconfig = join(here, "..", "tsconfig.json");
const r = spawnSync(process.execPath, [tsxCli, "--tsconfig", tsconfig, main, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
