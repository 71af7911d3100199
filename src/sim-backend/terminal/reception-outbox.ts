import type { TerminalToReception } from '../../protocol/reception-link.js';

/** A reception push before the outbox gives it its id. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type ReceptionPushBody = WithoutId<TerminalToReception>;

export type AckOutcome = 'acked' | 'already-acked' | 'unknown';

const ID_PATTERN = /^m([1-9]\d*)$/;

/**
 * The terminal's store of reception pushes not yet acknowledged. Ids are `m1`, `m2`, … in push
 * order, so a run is reproducible; a message leaves the outbox only when some reception client
 * acknowledges its id, and the unacknowledged ones are replayed, in order, to every client that
 * connects. Delivery is therefore at-least-once: receptions must treat ids idempotently.
 */
export class ReceptionOutbox {
  #issued = 0;
  readonly #pending = new Map<string, TerminalToReception>();

  enqueue(body: ReceptionPushBody): TerminalToReception {
    this.#issued += 1;
    const message = { ...body, id: `m${this.#issued}` } as TerminalToReception;
    this.#pending.set(message.id, message);
    return message;
  }

  /**
   * `already-acked` for an id this outbox issued and has since dropped (a second reception
   * client, or a retransmitted ack): harmless. `unknown` for an id never issued.
   */
  ack(id: string): AckOutcome {
    if (this.#pending.delete(id)) return 'acked';
    const n = ID_PATTERN.exec(id);
    return n && Number(n[1]) <= this.#issued ? 'already-acked' : 'unknown';
  }

  /** Unacknowledged messages, oldest first (Map iteration keeps insertion order). */
  unacked(): TerminalToReception[] {
    return [...this.#pending.values()];
  }

  size(): number {
    return this.#pending.size;
  }
}
