/**
 * An append-only log that keeps at most `limit` entries, dropping the oldest first. Pushing is O(1)
 * amortised: a dropped entry is released at once and leaves an empty slot at the head; the slots are
 * compacted away once they are half the array.
 */
export class BoundedLog<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.limit <= 0) return;
    this.items.push(item);
    if (this.size > this.limit) this.items[this.head++] = undefined; // released at once
    if (this.head > 1024 && this.head * 2 > this.items.length) this.compact();
  }

  /** The entries kept, oldest first (a copy). */
  toArray(): T[] {
    return this.items.slice(this.head) as T[];
  }

  /** Drops every entry for which `drop` is true; returns how many were dropped. */
  removeWhere(drop: (item: T) => boolean): number {
    const before = this.size;
    this.items = (this.items.slice(this.head) as T[]).filter((item) => !drop(item));
    this.head = 0;
    return before - this.size;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private compact(): void {
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}
