/** A bounded least-recently-used map: a Map whose insertion order is the recency order. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  /** Lookups answered from the cache. */
  hits = 0;
  /** Lookups not in the cache. */
  misses = 0;

  /** @param max Entries kept; the least recently used goes first. At least 1. */
  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`LRU size must be at least 1, got ${max}`);
  }

  /** Entries held. */
  get size(): number {
    return this.map.size;
  }

  /** The value for `key`, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  /** Drops every entry. */
  clear(): void {
    this.map.clear();
  }
}
