interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Knows whether the terminal has work under way: tracked tasks (a reader request from the
 * central call to the last message it causes) and unacknowledged reception messages. The runner
 * waits on it before judging a scenario, so a check counts as finished only once the reception
 * has acknowledged what it was sent.
 */
export class IdleWatch {
  readonly #tasks = new Map<number, string>();
  readonly #waiters = new Set<Waiter>();
  #seq = 0;
  readonly #name: string;
  readonly #unacked: () => string[];

  /** `unacked` lists the unacknowledged reception messages, e.g. `m2 reader.notice`. */
  constructor(name: string, unacked: () => string[]) {
    this.#name = name;
    this.#unacked = unacked;
  }

  /** Counts `work` as pending until it settles; a failure is reported, never thrown. */
  track(label: string, work: Promise<void>): void {
    const id = ++this.#seq;
    this.#tasks.set(id, label);
    work
      .catch((e: unknown) => console.error(`${this.#name}: ${label} failed unexpectedly: ${(e as Error).stack ?? String(e)}`))
      .finally(() => {
        this.#tasks.delete(id);
        this.changed();
      });
  }

  /** Call after anything that may have made the terminal idle (an ack). */
  changed(): void {
    if (this.#waiters.size === 0 || !this.isIdle()) return;
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.resolve();
    }
    this.#waiters.clear();
  }

  isIdle(): boolean {
    return this.#tasks.size === 0 && this.#unacked().length === 0;
  }

  describePending(): string {
    const parts: string[] = [];
    const tasks = [...this.#tasks.values()];
    if (tasks.length > 0) parts.push(`${tasks.length} central call(s) in flight (${tasks.join('; ')})`);
    const unacked = this.#unacked();
    if (unacked.length > 0) parts.push(`${unacked.length} reception message(s) not acknowledged (${unacked.join(', ')})`);
    return parts.length > 0 ? parts.join(' and ') : 'nothing';
  }

  whenIdle(timeoutMs: number): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        // Real time: it bounds a wait on real sockets, not a scenario's virtual time.
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(
            new Error(
              `${this.#name}: still busy after ${timeoutMs} ms: ${this.describePending()}. ` +
                'A reception client must be connected and ack every message id; central calls end within centralTimeoutMs.',
            ),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Rejects every waiter: the terminal is closing. */
  close(): void {
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(new Error(`${this.#name}: closed while waiting for idle; pending: ${this.describePending()}`));
    }
    this.#waiters.clear();
  }
}
