/**
 * Counts and times a request's storage round trips, for the Server-Timing header. One meter per
 * request; the D1 and KV wrappers report to it. It can also add a fixed delay per D1 round trip
 * (a location far from the primary), per KV miss (a key not in the location's cache, and every KV
 * write, delete and list) and per KV cache hit (BENCH_D1_LATENCY_MS, BENCH_KV_MISS_LATENCY_MS,
 * BENCH_KV_HIT_LATENCY_MS); all default to 0 and are for benchmarks only.
 */
const KV_OPS = ["read", "write", "delete", "list"] as const;
export type KvOp = (typeof KV_OPS)[number];

export interface SimulatedDistance {
  d1LatencyMs: number;
  kvMissLatencyMs: number;
  kvHitLatencyMs: number;
}

const wait = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

// KV serves repeat reads of a key from the location's cache; approximate that per isolate.
const KV_CACHE_SECONDS = 60;
const recentlyRead = new Map<string, number>();

export class StorageMeter {
  d1RoundTrips = 0;
  d1Ms = 0;
  readonly kv: Record<KvOp, number> = { read: 0, write: 0, delete: 0, list: 0 };
  kvMs = 0;
  private readonly started = Date.now();

  constructor(
    private readonly distance: SimulatedDistance = { d1LatencyMs: 0, kvMissLatencyMs: 0, kvHitLatencyMs: 0 },
  ) {}

  async d1<T>(operation: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      await wait(this.distance.d1LatencyMs);
      return await operation();
    } finally {
      this.d1RoundTrips += 1;
      this.d1Ms += Date.now() - start;
    }
  }

  async kvOp<T>(op: KvOp, key: string, operation: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      await wait(this.isKvMiss(op, key) ? this.distance.kvMissLatencyMs : this.distance.kvHitLatencyMs);
      return await operation();
    } finally {
      this.kv[op] += 1;
      this.kvMs += Date.now() - start;
    }
  }

  private isKvMiss(op: KvOp, key: string): boolean {
    if (this.distance.kvMissLatencyMs <= 0 && this.distance.kvHitLatencyMs <= 0) return false;
    if (op !== "read") return true;
    const now = Date.now();
    const seen = recentlyRead.get(key);
    recentlyRead.set(key, now);
    if (recentlyRead.size > 10_000) recentlyRead.clear();
    return seen === undefined || now - seen > KV_CACHE_SECONDS * 1000;
  }

  /** `d1;desc="1 round trip";dur=0.8, kv;desc="1 read";dur=0.2, total;dur=3.1` */
  header(): string {
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    const kvSummary = KV_OPS.filter((op) => this.kv[op] > 0).map((op) => plural(this.kv[op], op));
    return [
      `d1;desc="${plural(this.d1RoundTrips, "round trip")}";dur=${this.d1Ms}`,
      `kv;desc="${kvSummary.join(", ") || "0 operations"}";dur=${this.kvMs}`,
      `total;dur=${Date.now() - this.started}`,
    ].join(", ");
  }
}
