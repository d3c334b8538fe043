/**
 * Reading an input file the user named (board files, hosts configurations, size files, captures,
 * results): only a regular file is read. A directory, a device (/dev/zero would never end), a FIFO
 * or a socket is refused before reading, with an error whose `code` says what the path is, so the
 * callers' one line reads "cannot read: not a regular file (a character device)".
 */
import { readFileSync, statSync, type Stats } from "node:fs";

function kind(s: Stats): string {
  if (s.isDirectory()) return "a directory";
  if (s.isCharacterDevice()) return "a character device";
  if (s.isBlockDevice()) return "a block device";
  if (s.isFIFO()) return "a FIFO";
  if (s.isSocket()) return "a socket";
  return "not a file";
}

/** Why `path` is not a regular file that can be read, or undefined when it is. */
export function notRegularFile(path: string): string | undefined {
  let s: Stats;
  try {
    s = statSync(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : ((e as NodeJS.ErrnoException).code ?? String(e));
  }
  return s.isFile() ? undefined : `not a regular file (${kind(s)})`;
}

/** readFileSync for a regular file only; otherwise throws an Error whose `code` is the reason. */
export function readRegularFile(path: string): Buffer;
export function readRegularFile(path: string, encoding: "utf8"): string;
export function readRegularFile(path: string, encoding?: "utf8"): Buffer | string {
  const why = notRegularFile(path);
  if (why && why !== "no such file") throw Object.assign(new Error(`${path}: ${why}`), { code: why });
  return encoding ? readFileSync(path, encoding) : readFileSync(path);
}
