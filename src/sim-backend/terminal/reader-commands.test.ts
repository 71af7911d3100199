/** Staff commands from the terminal to a reader: 目視確認 mode, the visual tick, reboot. */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VirtualClock } from '../../domain/clock.js';
import { startTerminal, type Terminal } from './server.js';

let terminal: Terminal | undefined;
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

async function helloAs(t: Terminal, readerId: string): Promise<{ ws: WebSocket; next(): Promise<unknown> }> {
  const ws = new WebSocket(t.readerUrl);
  const queue: unknown[] = [];
  const waiting: Array<(m: unknown) => void> = [];
  ws.on('message', (data) => {
    const m: unknown = JSON.parse(String(data));
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const next = (): Promise<unknown> => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)));
  await new Promise<void>((resolve) => ws.once('open', () => resolve()));
  ws.send(JSON.stringify({ v: 1, type: 'hello', readerId, vendor: 'test' }));
  expect(await next()).toEqual({ v: 1, type: 'hello.ack', terminalId: 'terminal-1' });
  return { ws, next };
}

describe('terminal → reader staff commands', () => {
  it('setVisualMode, confirmVisual and rebootReader send mode.set, visual.confirmed and reboot', async () => {
    terminal = await startTerminal({ clock: new VirtualClock('2025-04-01T09:00:00+09:00'), centralUrl: 'http://127.0.0.1:9', medicalInstitutionCode: '1311234567' });
    const reader = await helloAs(terminal, 'r1');
    terminal.setVisualMode('r1', true);
    expect(await reader.next()).toEqual({ v: 1, type: 'mode.set', mode: 'visual' });
    terminal.confirmVisual('r1');
    expect(await reader.next()).toEqual({ v: 1, type: 'visual.confirmed' });
    terminal.setVisualMode('r1', false);
    expect(await reader.next()).toEqual({ v: 1, type: 'mode.set', mode: 'auto' });
    terminal.rebootReader('r1');
    expect(await reader.next()).toEqual({ v: 1, type: 'reboot' });
    reader.ws.close();
  });

  it('a command for a reader that never said hello throws, naming the connected readers', async () => {
    terminal = await startTerminal({ clock: new VirtualClock('2025-04-01T09:00:00+09:00'), centralUrl: 'http://127.0.0.1:9', medicalInstitutionCode: '1311234567' });
    expect(() => terminal!.rebootReader('r2')).toThrow(
      'terminal: cannot send reboot to reader "r2": it is not connected (connected: none); wait for the reader\'s hello or check its id',
    );
  });
});
