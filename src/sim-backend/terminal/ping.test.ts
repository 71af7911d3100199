import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VirtualClock } from '../../domain/clock.js';
import { startTerminal, type Terminal } from './index.js';

let terminal: Terminal | undefined;
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
}

describe('reader link ping/pong barrier', () => {
  it('answers ping with a pong of the same id, before and after hello, after the messages sent before it', async () => {
    terminal = await startTerminal({ clock: new VirtualClock('2025-04-01T09:00:00+09:00'), centralUrl: 'http://127.0.0.1:9', medicalInstitutionCode: '1310000017' });
    const ws = new WebSocket(terminal.readerUrl);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ v: 1, type: 'ping', id: 'p1' }));
    expect(await nextMessage(ws)).toEqual({ v: 1, type: 'pong', id: 'p1' });

    ws.send(JSON.stringify({ v: 1, type: 'hello', readerId: 'r1', vendor: 'test' }));
    expect((await nextMessage(ws)).type).toBe('hello.ack');
    // A notice then a ping: the pong comes back only after the notice is in the reception outbox.
    ws.send(JSON.stringify({ v: 1, type: 'reader.notice', code: 'pin-locked', triesLeft: 0 }));
    ws.send(JSON.stringify({ v: 1, type: 'ping', id: 'p2' }));
    expect(await nextMessage(ws)).toEqual({ v: 1, type: 'pong', id: 'p2' });
    expect(terminal.outboxSize()).toBe(1);
    ws.close();
  });

  it('refuses a ping without an id with a protocol.error', async () => {
    terminal = await startTerminal({ clock: new VirtualClock('2025-04-01T09:00:00+09:00'), centralUrl: 'http://127.0.0.1:9', medicalInstitutionCode: '1310000017' });
    const ws = new WebSocket(terminal.readerUrl);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ v: 1, type: 'ping' }));
    const reply = await nextMessage(ws);
    expect(reply).toMatchObject({ type: 'protocol.error', code: 'bad-message' });
    expect(String(reply.message)).toContain('id');
    ws.close();
  });
});
