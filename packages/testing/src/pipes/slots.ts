interface Waiter {
  resolve(id: number): void;
  reject(err: Error): void;
}

/**
 * The per-task pool of `threads` pipe slots. `acquire` resolves with the lowest free pipe id, or
 * waits without limit, in arrival order, until a slot is released.
 */
export class SlotPool {
  private readonly used = new Set<number>();
  private readonly waiters: Waiter[] = [];
  private closedWith: Error | undefined;

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.used.size;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(): Promise<number> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.used.size < this.capacity) return Promise.resolve(this.take());
    return new Promise<number>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(id: number): void {
    if (!this.used.delete(id)) return;
    const next = this.waiters.shift();
    if (next) next.resolve(this.take());
  }

  /** Refuses every waiting and future `acquire` with `err` (the task ended). */
  close(err: Error): void {
    this.closedWith = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  private take(): number {
    let id = 0;
    while (this.used.has(id)) id++;
    this.used.add(id);
    return id;
  }
}
