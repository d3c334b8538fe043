// Boots a worker thread: registers tsx's TypeScript loader in this thread, then loads the worker.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
