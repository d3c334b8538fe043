/**
 * The committed image of the C per-frame path (firmware/build/switchpath.elf, built from
 * firmware/c by `npm run firmware:build`), read once per process: the board's isa mode runs it.
 */
import { readFileSync } from "node:fs";

let elf: Uint8Array | undefined;

/** The bytes of firmware/build/switchpath.elf (src/ and dist/ sit at the same depth below the package's root). */
export function switchpathElf(): Uint8Array {
  if (!elf) {
    const url = new URL("../../../../firmware/build/switchpath.elf", import.meta.url);
    try {
      elf = readFileSync(url);
    } catch (e) {
      throw new Error(`cannot read firmware/build/switchpath.elf (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the isa CPU model needs the committed image`);
    }
  }
  return elf;
}
