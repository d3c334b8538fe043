#!/usr/bin/env node
// The package's `flowsim` bin: runs the compiled CLI in dist/ (`npm run build`; `npm pack` builds it).
// From a clone without a build, `npm run sim -- <command>` runs the TypeScript sources through tsx.
import { existsSync } from "node:fs";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("flowsim: dist/ is not built: run npm run build (or npm run sim -- <command> from the sources)\n");
  process.exit(2);
}
await (await import(main.href)).main();
