/**
 * Bounded memory for a process that runs for days: a Map kept in recency order (re-inserting a key
 * moves it to the end), trimmed from the oldest end past `capacity`. Both the seen-uri set and the
 * id→uri map for deletions are one of these, so memory stays flat however long the listener runs.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`invalid capacity: ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }
}

/**
 * "Have we passed this toot on already?" for the last `capacity` uris. A toot relayed by several
 * followed servers arrives once per server, usually within seconds; a hit refreshes the entry so
 * an often-relayed toot stays remembered. What slips past an evicted entry the store dedups.
 */
export class SeenSet {
  private readonly seen: BoundedMap<string, true>;

  constructor(capacity: number) {
    this.seen = new BoundedMap(capacity);
  }

  get size(): number {
    return this.seen.size;
  }

  /** true the first time a key is offered (and remembers it), false for a repeat. */
  firstTime(key: string): boolean {
    const repeat = this.seen.has(key);
    this.seen.set(key, true);
    return !repeat;
  }
}
