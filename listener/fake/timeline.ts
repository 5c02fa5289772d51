/**
 * The fake server's statuses, kept in id order so timeline pages can answer exactly like Mastodon:
 * newest first; `max_id` = older than; `since_id` = newer than, newest page; `min_id` = the page
 * immediately newer than the id (paging forward), still returned newest first.
 */
export type Status = Record<string, unknown> & {id: string};

export interface StoredStatus {
  key: bigint;
  status: Status;
  local: boolean;
  tags: string[];
}

export interface PageQuery {
  maxId?: bigint;
  sinceId?: bigint;
  minId?: bigint;
  limit: number;
  filter?: (s: StoredStatus) => boolean;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 40;

export class FakeTimeline {
  private readonly items: StoredStatus[] = [];
  private lastKey = 0n;

  /** Oldest statuses are forgotten beyond `capacity`, so a demo server can run for days. */
  constructor(private readonly capacity = 200_000) {}

  get size(): number {
    return this.items.length;
  }

  // Mastodon salts the low 16 bits per server, so two servers never hand out the same id.
  private readonly salt = Math.floor(Math.random() * 0x8000);

  /** A new local id: Mastodon's snowflake (ms << 16 | salted sequence), strictly increasing. */
  nextId(now = Date.now()): string {
    let key = (BigInt(now) << 16n) | BigInt(this.salt);
    if (key <= this.lastKey) key = this.lastKey + 1n;
    this.lastKey = key;
    return key.toString();
  }

  add(status: Status, local: boolean): StoredStatus {
    const key = BigInt(status.id);
    if (key > this.lastKey) this.lastKey = key;
    const stored: StoredStatus = {key, status, local, tags: tagNames(status)};
    // Ids are allocated in increasing order, so this is nearly always an append.
    let i = this.items.length;
    while (i > 0 && this.items[i - 1]!.key > key) i--;
    this.items.splice(i, 0, stored);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    return stored;
  }

  find(id: string): StoredStatus | undefined {
    if (!/^\d{1,30}$/.test(id)) return undefined;
    const key = BigInt(id);
    const found = this.items[this.firstAbove(key - 1n)];
    return found?.key === key ? found : undefined;
  }

  /** Index of the first status with a key above `key` (binary search). */
  private firstAbove(key: bigint): number {
    let lo = 0, hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid]!.key <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  findByUri(uri: string): StoredStatus | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i]!.status.uri === uri) return this.items[i];
    return undefined;
  }

  replace(stored: StoredStatus, status: Status): void {
    stored.status = status;
    stored.tags = tagNames(status);
  }

  remove(id: string): StoredStatus | undefined {
    const stored = this.find(id);
    if (stored) this.items.splice(this.items.indexOf(stored), 1);
    return stored;
  }

  page(query: PageQuery): StoredStatus[] {
    const {maxId, sinceId, minId, limit, filter} = query;
    const lower = minId ?? sinceId;
    const fits = (s: StoredStatus) =>
      (maxId === undefined || s.key < maxId) && (lower === undefined || s.key > lower) && (!filter || filter(s));
    const out: StoredStatus[] = [];
    if (minId !== undefined) {
      // Forward from min_id: the `limit` oldest statuses above it, then newest first like every page.
      for (let i = this.firstAbove(minId); i < this.items.length && out.length < limit; i++) if (fits(this.items[i]!)) out.push(this.items[i]!);
      return out.reverse();
    }
    for (let i = this.items.length - 1; i >= 0 && out.length < limit; i--) if (fits(this.items[i]!)) out.push(this.items[i]!);
    return out;
  }
}

function tagNames(status: Status): string[] {
  if (!Array.isArray(status.tags)) return [];
  return status.tags.flatMap((t) => (t && typeof t === "object" && typeof t.name === "string" ? [t.name.toLowerCase()] : []));
}
