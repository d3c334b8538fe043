/**
 * A host's ARP cache (RFC 826, with the aging of RFC 1122 §2.3.2.1): entries learnt from replies
 * and gratuitous ARPs, each valid for `timeoutPs`; an entry older than `refreshPs` is still used
 * but the host asks again (as Linux re-validates a stale entry), so a changed answer (router
 * pooling pointing a server at another router) takes effect within one refresh. An expired entry
 * is not used: the frame waiting for it is dropped as "unresolved" and a request goes out.
 * A few entries per host: plain arrays, searched linearly.
 */
export interface ArpCacheParams {
  /** Age after which an entry is refreshed (ps). Default 30 s (assumption: Linux base_reachable_time). */
  refreshPs: number;
  /** Age after which an entry is unusable (ps). Default 60 s (assumption: gc_stale_time). */
  timeoutPs: number;
  /** Least time between two requests for the same address (ps). Default 1 s (RFC 1122: at most one per second). */
  retryPs: number;
}

export const DEFAULT_ARP_CACHE: ArpCacheParams = { refreshPs: 30e12, timeoutPs: 60e12, retryPs: 1e12 };

export class ArpCache {
  private readonly ips: number[] = [];
  private readonly macs: number[] = [];
  private readonly learnt: number[] = [];
  private readonly asked: number[] = [];
  /** Requests sent, answers learnt, entries that changed MAC. */
  requests = 0;
  updates = 0;
  changes = 0;

  /**
   * @param request sends an ARP request for an address (the host's transmitter)
   */
  constructor(readonly params: ArpCacheParams, private readonly request: (ip: number) => void) {
    if (!(params.refreshPs > 0 && params.timeoutPs >= params.refreshPs && params.retryPs > 0)) {
      throw new RangeError(`ARP cache: need 0 < refreshPs <= timeoutPs and retryPs > 0 (got ${params.refreshPs}, ${params.timeoutPs}, ${params.retryPs})`);
    }
  }

  private index(ip: number): number {
    for (let i = 0; i < this.ips.length; i++) if (this.ips[i] === ip) return i;
    return -1;
  }

  /** The MAC for `ip` at time `now`, or -1 (a request goes out, at most once per retryPs). */
  lookup(ip: number, now: number): number {
    let i = this.index(ip);
    if (i < 0) {
      i = this.ips.length;
      this.ips.push(ip);
      this.macs.push(-1);
      this.learnt.push(-Infinity);
      this.asked.push(-Infinity);
    }
    const age = now - this.learnt[i]!;
    if (age >= this.params.refreshPs) this.ask(i, now);
    return age < this.params.timeoutPs ? this.macs[i]! : -1;
  }

  /** Sends a request for `ip` now (if none went out within retryPs). */
  resolve(ip: number, now: number): void {
    this.lookup(ip, now);
    const i = this.index(ip);
    this.ask(i, now);
  }

  private ask(i: number, now: number): void {
    if (now - this.asked[i]! < this.params.retryPs) return;
    this.asked[i] = now;
    this.requests++;
    this.request(this.ips[i]!);
  }

  /** An ARP reply or gratuitous ARP from `ip` at `mac`: learn it if the host cares about `ip` (or `always`). */
  learn(ip: number, mac: number, now: number, always = false): void {
    let i = this.index(ip);
    if (i < 0) {
      if (!always) return;
      i = this.ips.length;
      this.ips.push(ip);
      this.macs.push(-1);
      this.learnt.push(-Infinity);
      this.asked.push(-Infinity);
    }
    if (this.macs[i]! >= 0 && this.macs[i] !== mac) this.changes++;
    this.macs[i] = mac;
    this.learnt[i] = now;
    this.updates++;
  }

  /** The entry for `ip` regardless of age (for tests and reports), -1 if none. */
  peek(ip: number): number {
    const i = this.index(ip);
    return i < 0 ? -1 : this.macs[i]!;
  }
}
