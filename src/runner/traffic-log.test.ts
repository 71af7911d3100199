import { describe, expect, it } from 'vitest';
import { createTrafficLog, maskSecrets } from './traffic-log.js';

describe('traffic log', () => {
  it('masks any PIN-named field, shortens signatures and certificates, keeps the rest', () => {
    const cert = 'MIIDvTCCAqWgAwIBAgIUQ2x1c3Rlcg' + 'A'.repeat(100);
    expect(maskSecrets({ pin: '1234', pinAvailable: true, nested: [{ authPin: '0000', signature: 'c2lnbmF0dXJlLWJ5dGVzLWhlcmUtbG9uZw==', certificate: cert }], nonce: 'abc' })).toEqual({
      pin: '****',
      pinAvailable: true,
      nested: [{ authPin: '****', signature: 'c2lnbmF0dXJlLWJ5… (25 bytes, base64)', certificate: 'MIIDvTCCAqWgAwIB… (97 bytes, base64)' }],
      nonce: 'abc',
    });
  });

  it('records reader and reception messages with direction and step, drops ping/pong and the terminal\'s copy of central calls', () => {
    const log = createTrafficLog();
    log.fromTerminal({ at: 1, channel: 'reader', direction: 'in', message: { v: 1, type: 'ping', id: 'p1' } });
    log.step = 2;
    log.fromTerminal({ at: 2, channel: 'reader', direction: 'in', message: { v: 1, type: 'challenge.request', sessionId: 's1' } });
    log.fromTerminal({ at: 3, channel: 'central', direction: 'out', message: { method: 'POST', path: '/v1/challenges', body: {} } });
    log.fromCentral({ at: 3, method: 'POST', path: '/v1/challenges', status: 200, request: {}, response: { challengeId: 'c1' } });
    log.fromTerminal({ at: 4, channel: 'reception', direction: 'out', message: { v: 1, type: 'reader.notice', id: 'm1' } });
    log.fromTerminal({ at: 5, channel: 'central', direction: 'in', message: { path: '/v1/card-checks', error: { kind: 'timeout', detail: 'x' } } });
    expect(log.records.map((r) => [r.step, r.from, r.to, r.label])).toEqual([
      [2, 'reader', 'terminal', 'challenge.request'],
      [2, 'terminal', 'central', 'POST /v1/challenges → 200'],
      [2, 'terminal', 'reception', 'reader.notice'],
      [2, 'central', 'terminal', 'central unreachable'],
    ]);
    expect(log.records[1]!.response).toEqual({ challengeId: 'c1' });
  });

  it('keeps at most `limit` records and counts the rest', () => {
    const log = createTrafficLog(2);
    for (let i = 0; i < 5; i++) log.fromTerminal({ at: i, channel: 'reader', direction: 'out', message: { type: 'challenge' } });
    expect(log.records).toHaveLength(2);
    expect(log.dropped).toBe(3);
  });
});

describe('reader diagnostics in the traffic log', () => {
  it('keeps the reader simulator\'s own messages as records of the current step, on the virtual clock', () => {
    const log = createTrafficLog();
    log.step = 2;
    log.readerLog('SimReader reader-1: card operation failed: chip destroyed', 1747112400000);
    expect(log.records).toEqual([
      { at: 1747112400000, step: 2, from: 'reader', to: 'reader', label: 'reader log', message: 'SimReader reader-1: card operation failed: chip destroyed' },
    ]);
  });

  it('records a reader timeout (F22 / F11) with the screen it ended, on the tick\'s time', () => {
    const log = createTrafficLog();
    log.step = 4;
    log.readerTimeout({ kind: 'capture-timeout', screen: 'face-capture', sessionId: 'reader-1-s1', at: 1747112430000 });
    expect(log.records).toEqual([
      {
        at: 1747112430000,
        step: 4,
        from: 'reader',
        to: 'reader',
        label: 'reader capture-timeout on face-capture',
        message: { kind: 'capture-timeout', screen: 'face-capture', sessionId: 'reader-1-s1' },
      },
    ]);
  });
});
