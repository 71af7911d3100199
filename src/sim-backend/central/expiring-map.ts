/**
 * A Map whose entries leave in insertion order: once expired (before a cutoff the caller gives) or,
 * at the cap, the oldest first. The order is kept beside the Map — keys and expiries in arrays with
 * a moving head — instead of being found by iterating the Map from its start: V8 leaves a deleted
 * entry as a hole that every such iteration walks over until the table is rebuilt, so pruning the
 * head of a Map of 200,000 entries that way costs O(holes) on every call (measured: the event
 * loop's time per check up by half once the cap was reached).
 *
 * Keys are added once: a caller must not add a key that is still present.
 */
export class ExpiringMap<V> {
  readonly #map = new Map<string, V>();
  #keys: string[] = [];
  #expiries: number[] = [];
  #head = 0;
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError(`ExpiringMap: maxEntries must be ≥ 1, received ${maxEntries}`);
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  add(key: string, value: V, expiresAt: number): void {
    this.#map.set(key, value);
    this.#keys.push(key);
    this.#expiries.push(expiresAt);
  }

  /**
   * Forgets entries oldest first while they expired before `cutoff`, or while the map is full (so
   * one more fits). Insertion order: after a clock set back, an entry may stay a little longer;
   * none leaves early, except to make room at the cap.
   */
  prune(cutoff: number): void {
    const keys = this.#keys;
    const expiries = this.#expiries;
    let head = this.#head;
    while (head < keys.length && (expiries[head]! < cutoff || this.#map.size >= this.#maxEntries)) {
      this.#map.delete(keys[head]!);
      head += 1;
    }
    this.#head = head;
    // Drop the forgotten front now and then (amortised O(1) per entry).
    if (head > 4096 && head * 2 > keys.length) {
      this.#keys = keys.slice(head);
      this.#expiries = expiries.slice(head);
      this.#head = 0;
    }
  }
}
