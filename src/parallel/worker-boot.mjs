// Boots a worker thread: registers tsx's TypeScript loader in this thread, then loads the worker.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

// the package's tsconfig, not the one of the directory the run started in (see tsconfig.json)
register({ tsconfig: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) });
await import("./worker.ts");
