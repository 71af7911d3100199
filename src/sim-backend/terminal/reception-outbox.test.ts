import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReceptionOutbox } from './reception-outbox.js';

const notice = (code: 'pin-wrong' | 'pin-locked') => ({ v: 1 as const, type: 'reader.notice' as const, readerId: 'R-1', code });

describe('ReceptionOutbox', () => {
  it('numbers messages m1, m2, … and keeps them until acked', () => {
    const box = new ReceptionOutbox();
    expect(box.enqueue(notice('pin-wrong'))).toEqual({ v: 1, type: 'reader.notice', id: 'm1', readerId: 'R-1', code: 'pin-wrong' });
    expect(box.enqueue(notice('pin-locked')).id).toBe('m2');
    expect(box.size()).toBe(2);
    expect(box.ack('m1')).toBe('acked');
    expect(box.unacked().map((m) => m.id)).toEqual(['m2']);
  });

  it('tells an already-acked id from one it never issued', () => {
    const box = new ReceptionOutbox();
    box.enqueue(notice('pin-wrong'));
    expect(box.ack('m1')).toBe('acked');
    expect(box.ack('m1')).toBe('already-acked');
    expect(box.ack('m2')).toBe('unknown');
    expect(box.ack('x1')).toBe('unknown');
    expect(box.ack('m01')).toBe('unknown');
    expect(box.size()).toBe(0);
  });

  it('property: unacked() is every enqueued id not yet acked, in enqueue order', () => {
    const op = fc.oneof(fc.constant({ kind: 'push' as const }), fc.nat({ max: 30 }).map((n) => ({ kind: 'ack' as const, n })));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const box = new ReceptionOutbox();
        const model: number[] = [];
        let issued = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            box.enqueue(notice('pin-wrong'));
            model.push(++issued);
          } else {
            const expected = model.includes(o.n) ? 'acked' : o.n >= 1 && o.n <= issued ? 'already-acked' : 'unknown';
            expect(box.ack(`m${o.n}`)).toBe(expected);
            const i = model.indexOf(o.n);
            if (i >= 0) model.splice(i, 1);
          }
        }
        expect(box.unacked().map((m) => m.id)).toEqual(model.map((n) => `m${n}`));
      }),
    );
  });
});
