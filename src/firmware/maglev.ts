/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016, §3.4), weighted: a lookup table of a
 * prime size M whose entries name backends; each backend fills entries in the order of its own
 * permutation (offset + j x skip mod M). Weights: in each round a backend places entries in
 * proportion to its weight (credit accumulates by weight / max weight). Deterministic for a given
 * backend set (names and weights): two switches build the same table. On a change, only entries
 * that must move do (lb-anchors.md §3.6: Katran measured 1,009 of 65,537 for 1 of 100 removed).
 */
function fnv1a(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

export function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

export interface MaglevBackend {
  /** Stable identity (its name): the permutation depends on it, not on the list order. */
  name: string;
  weight: number;
}

/**
 * Builds the table: entry[i] = index into `backends` (-1 only when no backend has weight > 0).
 * Backends with weight 0 get no entries.
 */
export function buildMaglev(backends: readonly MaglevBackend[], size: number, out?: Int16Array): Int16Array {
  if (!isPrime(size)) throw new RangeError(`Maglev table size ${size} must be prime`);
  const table = out && out.length === size ? out : new Int16Array(size);
  table.fill(-1);
  const live = backends.map((b, i) => ({ i, w: b.weight, offset: fnv1a(b.name, 0x5bd1e995) % size, skip: (fnv1a(b.name, 0x1b873593) % (size - 1)) + 1, next: 0, credit: 0 })).filter((b) => b.w > 0);
  if (live.length === 0) return table;
  const maxW = Math.max(...live.map((b) => b.w));
  let filled = 0;
  for (;;) {
    for (const b of live) {
      b.credit += b.w / maxW;
      while (b.credit >= 1) {
        b.credit -= 1;
        let c = (b.offset + b.next * b.skip) % size;
        while (table[c] !== -1) {
          b.next++;
          c = (b.offset + b.next * b.skip) % size;
        }
        table[c] = b.i;
        b.next++;
        if (++filled === size) return table;
      }
    }
  }
}

/** Entries whose backend changed between two tables (backend identities given by name lists). */
export function movedEntries(a: Int16Array, aNames: readonly string[], b: Int16Array, bNames: readonly string[]): number {
  let moved = 0;
  for (let i = 0; i < a.length; i++) if ((a[i]! < 0 ? "" : aNames[a[i]!]) !== (b[i]! < 0 ? "" : bNames[b[i]!])) moved++;
  return moved;
}
