/** The reader-link messages added for 目視確認 mode and reboot, and v1 compatibility. */
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../protocol/messages.js';
import { TerminalToReader } from '../protocol/reader-link.js';

const decode = (text: string) => decodeMessage(TerminalToReader, text);

describe('terminal → reader additions (still v1)', () => {
  it.each([
    ['{"v":1,"type":"mode.set","mode":"visual"}', { v: 1, type: 'mode.set', mode: 'visual' }],
    ['{"v":1,"type":"mode.set","mode":"auto"}', { v: 1, type: 'mode.set', mode: 'auto' }],
    ['{"v":1,"type":"visual.confirmed"}', { v: 1, type: 'visual.confirmed' }],
    ['{"v":1,"type":"reboot"}', { v: 1, type: 'reboot' }],
  ])('decodes %s', (text, expected) => {
    expect(decode(text)).toEqual({ ok: true, message: expected });
  });

  it('refuses an unknown mode and a wrong version', () => {
    expect(decode('{"v":1,"type":"mode.set","mode":"manual"}').ok).toBe(false);
    expect(decode('{"v":2,"type":"reboot"}').ok).toBe(false);
  });

  it('the v1 messages of the first revision decode unchanged', () => {
    expect(decode('{"v":1,"type":"hello.ack","terminalId":"t"}')).toEqual({ ok: true, message: { v: 1, type: 'hello.ack', terminalId: 't' } });
    expect(decode('{"v":1,"type":"session.completed","sessionId":"r1-s1","validity":"1"}').ok).toBe(true);
  });
});
