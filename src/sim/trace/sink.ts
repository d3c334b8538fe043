/**
 * ByteSink: the output buffer of every trace writer (pcap, pcapng, VCD). Writers reserve room
 * with `ensure(n)` and write into `buf`/`view` at `used`; a file sink streams in 64 KiB chunks, so
 * a trace of any length is written in constant memory.
 *
 * Files are written atomically: to a temporary name beside the target
 * (`.<name>.<pid>.partial`), renamed to the target by `close()`. A run that crashes leaves no
 * half-written or zero-byte trace under the target's name, and the process removes its
 * temporary files when it exits without closing them (`abort()` does it at once).
 *
 * `ensureWritableDir` and `ensureWritableFile` check an output path before a run: missing
 * directories are made one at a time (Node's recursive mkdir loops on paths such as /proc/x) and
 * a probe file is written and removed; a failure is one line naming the path and the reason.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** A trace file that cannot be opened or written: one line naming the file and the reason. */
export class TraceOutputError extends Error {
  override name = "TraceOutputError";
}

const WHY: Record<string, string> = {
  ENOENT: "no such directory, and it cannot be made there",
  EACCES: "permission denied",
  EPERM: "not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a part of the path is a file",
  EEXIST: "exists and is not a directory",
  EISDIR: "is a directory",
  ENOSPC: "no space left",
};
const why = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  return `${WHY[code] ?? (e as Error).message}${code ? ` (${code})` : ""}`;
};

/** Makes directory `dir` (and missing parents, one at a time: never a recursive mkdir that can loop) and checks a file can be written in it. */
export function ensureWritableDir(flag: string, dir: string, shown = dir): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let p = abs;
  while (!existsSync(p)) {
    missing.unshift(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  try {
    if (!statSync(p).isDirectory()) throw Object.assign(new Error("not a directory"), { code: missing.length ? "ENOTDIR" : "EEXIST" });
    for (const m of missing) mkdirSync(m);
  } catch (e) {
    throw new TraceOutputError(`${flag} ${shown}: cannot make the directory: ${why(e)}`);
  }
  const probe = join(abs, `.flowsim-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, "wx"));
    unlinkSync(probe);
  } catch (e) {
    throw new TraceOutputError(`${flag} ${shown}: cannot write files there: ${why(e)}`);
  }
}

/** Checks that file `path` can be written (its directory made if missing); refuses a directory. */
export function ensureWritableFile(flag: string, path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new TraceOutputError(`${flag} ${path}: is a directory, expected a file name`);
  ensureWritableDir(flag, dirname(resolve(path)), path);
}

const open = new Set<ByteSink>();
let exitHook = false;

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

export class ByteSink {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  used = 0;
  /** Bytes written so far, flushed or not. */
  total = 0;
  private fd: number | undefined;
  private readonly temp: string | undefined;

  private constructor(readonly path?: string) {
    if (path === undefined) return;
    this.temp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    try {
      this.fd = openSync(this.temp, "w");
    } catch (e) {
      throw new TraceOutputError(`cannot write ${path}: ${errCode(e)}`);
    }
    open.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const s of open) s.abort();
      });
    }
  }

  /** A sink that keeps everything in memory (`bytes()`). */
  static inMemory(): ByteSink {
    return new ByteSink();
  }

  /** A sink that streams to a temporary file and becomes `path` at `close()`. */
  static toFile(path: string): ByteSink {
    return new ByteSink(path);
  }

  /** Makes room for `n` more bytes at `used` (flushing a file sink first). */
  ensure(n: number): void {
    if (this.used + n <= this.buf.length) return;
    if (this.fd !== undefined && this.used > 0) {
      this.flush();
      if (n <= this.buf.length) return;
    }
    let cap = this.buf.length;
    while (cap < this.used + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.used));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  /** Marks `n` bytes written at `used`. */
  advance(n: number): void {
    this.used += n;
    this.total += n;
  }

  /** Appends ASCII text (header lines: not for hot paths). */
  ascii(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.used + i] = s.charCodeAt(i) & 0x7f;
    this.advance(s.length);
  }

  /** Appends the decimal digits of a non-negative integer below 2^53, without allocating. */
  decimal(x: number): void {
    this.ensure(16);
    let digits = 1;
    for (let p = 10; p <= x; p *= 10) digits++;
    const o = this.used;
    for (let i = digits - 1; i >= 0; i--) {
      const q = Math.floor(x / 10);
      this.buf[o + i] = 48 + (x - q * 10);
      x = q;
    }
    this.advance(digits);
  }

  private flush(): void {
    try {
      writeSync(this.fd!, this.buf, 0, this.used);
    } catch (e) {
      throw new TraceOutputError(`cannot write ${this.path}: ${errCode(e)}`);
    }
    this.used = 0;
  }

  /** Everything written (in-memory sinks). */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.used);
  }

  /** Flushes, closes and renames the temporary file to the target. */
  close(): void {
    if (this.fd === undefined) return;
    if (this.used > 0) this.flush();
    closeSync(this.fd);
    this.fd = undefined;
    open.delete(this);
    try {
      renameSync(this.temp!, this.path!);
    } catch (e) {
      throw new TraceOutputError(`cannot write ${this.path}: ${errCode(e)}`);
    }
  }

  /** Closes and removes the temporary file: nothing is left under the target's name. */
  abort(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
      unlinkSync(this.temp!);
    } catch {
      // already gone
    }
    this.fd = undefined;
    open.delete(this);
  }
}
