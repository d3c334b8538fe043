/**
 * Writing a result file atomically: to a temporary name beside the target (`.<name>.<pid>.partial`),
 * renamed to the target when complete, so a crash or a full disk never leaves a half-written file
 * under the target's name. A target that exists and is not a regular file (/dev/stdout, /dev/null,
 * a FIFO) is written directly: it cannot be renamed over.
 */
import { statSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  let special = false;
  try {
    special = !statSync(path).isFile();
  } catch {
    // absent: a new file
  }
  if (special) return writeFileSync(path, data);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // never made
    }
    throw e;
  }
}
