// The tinypool side of `bench pool`: registers tsx's loader in the thread, then runs one point per task.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { runPoint } = await import("../src/parallel/points.ts");
export default (point) => runPoint(point);
