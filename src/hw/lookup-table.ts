/**
 * The hardware translators' look-up table (Fig 5E's dual-port SRAM beside the CPLD, Fig 5F's
 * look-up table 598 beside each circuit card's ASIC), as the management CPU keeps it: a cache of
 * the CPU's flow table. The patent's table holds "the Data Link Layer address of the IP server with
 * an optimal load"; a flow must stay on its server (Fig 4B routes each packet "to exactly one of
 * the IP servers"), so the table is keyed by flow: the hardware hashes the frame's flow key, reads
 * the ways of its set and compares a 64-bit fingerprint of the key; a hit gives the server's MAC and
 * port. A miss (a new flow, or one evicted) goes to the CPU, which decides as on Fig 5A and installs
 * the entry (docs/firmware.md, "Hardware translators").
 *
 * Geometry: `sets` x `ways` entries of ENTRY_BYTES (fingerprint 8, server MAC 6, port, valid and
 * a state bit 2). The state bit marks a TCP flow the CPU has seen only SYNs of: a hit on such an
 * entry by any other segment goes to the CPU, which records the connection as established and
 * writes the entry again without it (docs/firmware.md "Hardware translators").
 * Replacement: round robin within a set (the CPU keeps a cursor per set). Typed arrays; nothing
 * allocated per look-up.
 */
export const ENTRY_BYTES = 16;
/** The state bit of a TCP flow's entry while the CPU has seen only its SYNs. */
export const ENTRY_SYN_ONLY = 1;

export interface HwTableStats {
  lookups: number;
  hits: number;
  installs: number;
  evictions: number;
  invalidations: number;
}

export class LookupTable {
  readonly sets: number;
  readonly ways: number;
  private readonly fpHi: Int32Array;
  private readonly fpLo: Int32Array;
  /** The entry's server (an index the firmware gives), -1 when empty. */
  private readonly server: Int32Array;
  private readonly cursor: Uint8Array;
  /** Each entry's state bit (ENTRY_SYN_ONLY or 0). */
  private readonly state: Uint8Array;
  /** Ways read by the last look-up (the hardware compares them one after another). */
  lastProbes = 0;
  /** The state bit of the entry the last look-up hit. */
  lastState = 0;
  readonly stats: HwTableStats = { lookups: 0, hits: 0, installs: 0, evictions: 0, invalidations: 0 };

  /** @param entries the table's capacity (rounded down to whole sets of `ways`) */
  constructor(entries: number, ways = 4) {
    if (!Number.isInteger(entries) || entries < ways) throw new RangeError(`hardware flow table: entries must be an integer >= ${ways}, got ${entries}`);
    this.ways = ways;
    let sets = 1;
    while (sets * 2 * ways <= entries) sets *= 2;
    this.sets = sets;
    const n = sets * ways;
    this.fpHi = new Int32Array(n);
    this.fpLo = new Int32Array(n);
    this.server = new Int32Array(n).fill(-1);
    this.state = new Uint8Array(n);
    this.cursor = new Uint8Array(sets);
  }

  get entries(): number {
    return this.sets * this.ways;
  }

  /** The server cached for the flow with fingerprint (hi, lo), or -1 (a miss). */
  lookup(hi: number, lo: number): number {
    hi |= 0;
    lo |= 0; // the entries hold signed 32-bit words
    this.stats.lookups++;
    const base = (lo & (this.sets - 1)) * this.ways;
    for (let w = 0; w < this.ways; w++) {
      const i = base + w;
      if (this.server[i]! >= 0 && this.fpLo[i] === lo && this.fpHi[i] === hi) {
        this.lastProbes = w + 1;
        this.lastState = this.state[i]!;
        this.stats.hits++;
        return this.server[i]!;
      }
    }
    this.lastProbes = this.ways;
    return -1;
  }

  /** Installs (or refreshes) the flow's entry, with its state bit; returns the slot written. */
  install(hi: number, lo: number, server: number, state = 0): number {
    hi |= 0;
    lo |= 0;
    const set = lo & (this.sets - 1), base = set * this.ways;
    this.stats.installs++;
    for (let w = 0; w < this.ways; w++) {
      const i = base + w;
      if (this.server[i]! >= 0 && this.fpLo[i] === lo && this.fpHi[i] === hi) {
        this.server[i] = server;
        this.state[i] = state;
        return i;
      }
    }
    for (let w = 0; w < this.ways; w++) {
      const i = base + w;
      if (this.server[i]! < 0) return this.write(i, hi, lo, server, state);
    }
    const w = this.cursor[set]!;
    this.cursor[set] = (w + 1) % this.ways;
    this.stats.evictions++;
    return this.write(base + w, hi, lo, server, state);
  }

  private write(i: number, hi: number, lo: number, server: number, state: number): number {
    this.fpHi[i] = hi;
    this.fpLo[i] = lo;
    this.server[i] = server;
    this.state[i] = state;
    return i;
  }

  /** Empties every entry pointing at `server` (it failed or left); returns how many. */
  invalidateServer(server: number): number {
    let n = 0;
    for (let i = 0; i < this.server.length; i++) {
      if (this.server[i] === server) {
        this.server[i] = -1;
        n++;
      }
    }
    this.stats.invalidations += n;
    return n;
  }

  resetStats(): void {
    for (const k of Object.keys(this.stats) as (keyof HwTableStats)[]) this.stats[k] = 0;
  }

  read(): HwTableStats & { entries: number; ways: number; valid: number; hitRate: number } {
    let valid = 0;
    for (let i = 0; i < this.server.length; i++) if (this.server[i]! >= 0) valid++;
    return { ...this.stats, entries: this.entries, ways: this.ways, valid, hitRate: this.stats.lookups ? this.stats.hits / this.stats.lookups : 0 };
  }
}
