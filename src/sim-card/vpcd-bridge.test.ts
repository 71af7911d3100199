/**
 * The vpcd bridge against a fake vpcd (a node:net server playing pcscd's side): framing in both
 * directions, frames split and merged by TCP, the four controls, masking and reconnection.
 * Frames are written as literal bytes from vsmartcard's protocol description (2-byte big-endian
 * length + payload; 00 off, 01 on, 02 reset, 04 ATR).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/apdu.js';
import { createMyNumberCard } from './create-card.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import type { MyNumberCard } from './jpki-card.js';
import { VpcdFrameReader, connectToVpcd, encodeVpcdFrame, maskedApduHex, type VpcdBridge } from './vpcd-bridge.js';

let jlis: SimulatedJlis;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  jlis = await createSimulatedJlis();
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function newCard(): Promise<MyNumberCard> {
  return createMyNumberCard({ jlis, authPin: '1234', authCertificate: { notBefore: '2025-04-01', notAfter: '2030-03-31' }, keyLabel: 'test-card' });
}

/** A fake vpcd: accepts one card connection at a time and reads frames from it. */
interface FakeVpcd {
  port: number;
  server: Server;
  nextConnection(): Promise<FakeConnection>;
}

interface FakeConnection {
  socket: Socket;
  /** The next whole reply frame's payload, as hex. */
  reply(): Promise<string>;
  send(bytes: Uint8Array): void;
}

async function fakeVpcd(port = 0): Promise<FakeVpcd> {
  const waiting: Array<(c: FakeConnection) => void> = [];
  const ready: FakeConnection[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const reader = new VpcdFrameReader();
    const frames: string[] = [];
    const wanted: Array<(hex: string) => void> = [];
    socket.on('data', (chunk) => {
      for (const f of reader.push(chunk)) {
        const w = wanted.shift();
        if (w) w(toHex(f));
        else frames.push(toHex(f));
      }
    });
    socket.on('error', () => {});
    const conn: FakeConnection = {
      socket,
      reply: () => (frames.length > 0 ? Promise.resolve(frames.shift()!) : new Promise((r) => wanted.push(r))),
      send: (bytes) => socket.write(bytes),
    };
    const w = waiting.shift();
    if (w) w(conn);
    else ready.push(conn);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake vpcd: no TCP address');
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    port: address.port,
    server,
    nextConnection: () => (ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise((r) => waiting.push(r))),
  };
}

function bridge(opts: Parameters<typeof connectToVpcd>[0]): VpcdBridge {
  const b = connectToVpcd(opts);
  cleanups.push(() => b.close());
  return b;
}

describe('VpcdFrameReader', () => {
  it('reassembles frames cut anywhere, and separates frames sent together', () => {
    const r = new VpcdFrameReader();
    expect(r.push(fromHex('00'))).toEqual([]);
    expect(r.push(fromHex('01'))).toEqual([]);
    expect(r.push(fromHex('04 00 05 00 A4 04'))).toEqual([fromHex('04')]);
    expect(r.pending).toBe(5);
    expect(r.push(fromHex('0C 00 00 01 01 00 01'))).toEqual([fromHex('00 A4 04 0C 00'), fromHex('01')]);
    expect(r.pending).toBe(2);
    expect(r.push(fromHex('00'))).toEqual([fromHex('00')]);
    expect(r.pending).toBe(0);
  });

  it('encodes the length big-endian, also past 255 bytes', () => {
    expect(toHex(encodeVpcdFrame(fromHex('3B DA')))).toBe('00 02 3B DA');
    expect(toHex(encodeVpcdFrame(new Uint8Array(0x0123)).subarray(0, 2))).toBe('01 23');
  });
});

describe('maskedApduHex', () => {
  it('masks VERIFY and CHANGE REFERENCE DATA data, and nothing else', () => {
    expect(maskedApduHex(fromHex('00 20 00 80 04 31 32 33 34'))).toBe('00 20 00 80 04 ** ** ** **');
    expect(maskedApduHex(fromHex('00 24 01 80 06 41 42 43 31 32 33'))).toBe('00 24 01 80 06 ** ** ** ** ** **');
    expect(maskedApduHex(fromHex('00 20 00 80'))).toBe('00 20 00 80');
    expect(maskedApduHex(fromHex('00 A4 02 0C 02 00 18'))).toBe('00 A4 02 0C 02 00 18');
  });
});

describe('connectToVpcd', () => {
  it('answers get-ATR with the card ATR and APDUs with the card response, including split frames', async () => {
    const vpcd = await fakeVpcd();
    const card = await newCard();
    const b = bridge({ card, port: vpcd.port, reconnect: false });
    await b.connected;
    const c = await vpcd.nextConnection();
    c.send(fromHex('00 01 04'));
    expect(await c.reply()).toBe('3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B');
    // SELECT JPKI AP, split in three TCP writes in the middle of the length and of the body.
    const select = fromHex('00 0F 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01');
    c.send(select.subarray(0, 1));
    await new Promise((r) => setTimeout(r, 20));
    c.send(select.subarray(1, 7));
    await new Promise((r) => setTimeout(r, 20));
    c.send(select.subarray(7));
    expect(await c.reply()).toBe('90 00');
    // Two frames in one write: SELECT 0018 and the empty VERIFY.
    c.send(fromHex('00 07 00 A4 02 0C 02 00 18 00 04 00 20 00 80'));
    expect(await c.reply()).toBe('90 00');
    expect(await c.reply()).toBe('63 C3');
    // Unknown INS: a clean status word, never an empty frame.
    c.send(fromHex('00 05 00 CA 01 00 00'));
    expect(await c.reply()).toBe('6D 00');
  });

  it('presents a destroyed chip as a mute card: get-ATR gets 40 zero bytes (longer than any ATR), never an empty frame', async () => {
    const vpcd = await fakeVpcd();
    const card = await createMyNumberCard({ jlis, authPin: '1234', issuedOn: '2025-04-01', keyLabel: 'test-card', state: 'destroyed' });
    const lines: string[] = [];
    const b = bridge({ card, port: vpcd.port, reconnect: false, onLog: (l) => lines.push(l) });
    await b.connected;
    const c = await vpcd.nextConnection();
    // power on, then get ATR (what vpcd sends at power-up), then a presence poll
    c.send(fromHex('00 01 01 00 01 04'));
    expect(await c.reply()).toBe(Array(40).fill('00').join(' '));
    c.send(fromHex('00 01 04'));
    expect(await c.reply()).toBe(Array(40).fill('00').join(' '));
    expect(lines).toContain('power on (chip destroyed: no usable ATR, pcscd sees an unresponsive card)');
    // The connection stays up: a mute card is still inserted.
    expect(c.socket.destroyed).toBe(false);
  });

  it('a card destroyed while inserted turns mute at the next get-ATR', async () => {
    const vpcd = await fakeVpcd();
    const card = await newCard();
    const b = bridge({ card, port: vpcd.port, reconnect: false });
    await b.connected;
    const c = await vpcd.nextConnection();
    c.send(fromHex('00 01 04'));
    expect(await c.reply()).toBe('3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B');
    card.destroy();
    c.send(fromHex('00 01 04'));
    expect((await c.reply()).split(' ')).toHaveLength(40);
    // An APDU anyway (pcscd does not send one to an unpowered card): an empty frame, 00 00.
    c.send(fromHex('00 0F 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01'));
    expect(await c.reply()).toBe('');
  });

  it('resets the session on power off, power on and reset, but keeps the PIN counter', async () => {
    const vpcd = await fakeVpcd();
    const card = await newCard();
    const b = bridge({ card, port: vpcd.port, reconnect: false });
    await b.connected;
    const c = await vpcd.nextConnection();
    for (const control of ['00', '01', '02']) {
      c.send(fromHex('00 0F 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01'));
      expect(await c.reply()).toBe('90 00');
      c.send(fromHex('00 07 00 A4 02 0C 02 00 18'));
      expect(await c.reply()).toBe('90 00');
      c.send(fromHex(`00 01 ${control}`)); // no reply to a control
      c.send(fromHex('00 04 00 20 00 80'));
      expect(await c.reply()).toBe('69 86'); // the selection is gone
    }
    c.send(fromHex('00 0F 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01 00 07 00 A4 02 0C 02 00 18 00 09 00 20 00 80 04 39 39 39 39'));
    expect(await c.reply()).toBe('90 00');
    expect(await c.reply()).toBe('90 00');
    expect(await c.reply()).toBe('63 C2');
    c.send(fromHex('00 01 02 00 0F 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01 00 07 00 A4 02 0C 02 00 18 00 04 00 20 00 80'));
    expect(await c.reply()).toBe('90 00');
    expect(await c.reply()).toBe('90 00');
    expect(await c.reply()).toBe('63 C2'); // the counter survives the reset
  });

  it('logs exchanges with the PIN masked', async () => {
    const vpcd = await fakeVpcd();
    const card = await newCard();
    const lines: string[] = [];
    const b = bridge({ card, port: vpcd.port, reconnect: false, onLog: (l) => lines.push(l) });
    await b.connected;
    const c = await vpcd.nextConnection();
    c.send(fromHex('00 09 00 20 00 80 04 31 32 33 34'));
    expect(await c.reply()).toBe('69 86');
    const text = lines.join('\n');
    expect(text).toContain('> 00 20 00 80 04 ** ** ** **');
    expect(text).not.toContain('31 32 33 34');
  });

  it('rejects `connected` when nothing listens and reconnect is off', async () => {
    const vpcd = await fakeVpcd();
    const port = vpcd.port;
    await new Promise<void>((r) => vpcd.server.close(() => r()));
    const b = bridge({ card: await newCard(), port, reconnect: false });
    await expect(b.connected).rejects.toThrow(/cannot connect to 127\.0\.0\.1:\d+ .*start pcscd/);
  });

  it('connects again after vpcd goes away and comes back, with a fresh card from the factory', async () => {
    const first = await fakeVpcd();
    const port = first.port;
    let made = 0;
    const cards = [await newCard(), await newCard()];
    const b = bridge({ card: () => cards[made++]!, port, backoffMs: { initial: 20, max: 100 } });
    await b.connected;
    const c1 = await first.nextConnection();
    c1.send(fromHex('00 01 04'));
    expect((await c1.reply()).startsWith('3B DA')).toBe(true);
    // pcscd stops: its listening socket and the connection go away.
    await new Promise<void>((r) => {
      first.server.close(() => r());
      c1.socket.destroy();
    });
    await new Promise((r) => setTimeout(r, 150)); // a few refused attempts
    const second = await fakeVpcd(port);
    const c2 = await second.nextConnection();
    c2.send(fromHex('00 01 04'));
    expect((await c2.reply()).startsWith('3B DA')).toBe(true);
    expect(made).toBe(2); // one card per connection, none for refused attempts
  });

  it('close() disconnects and stops reconnecting', async () => {
    const vpcd = await fakeVpcd();
    const b = connectToVpcd({ card: await newCard(), port: vpcd.port, backoffMs: { initial: 10, max: 10 } });
    await b.connected;
    const c = await vpcd.nextConnection();
    const ended = new Promise<void>((r) => c.socket.on('close', () => r()));
    await b.close();
    await ended;
    let again = false;
    vpcd.server.on('connection', () => (again = true));
    await new Promise((r) => setTimeout(r, 80));
    expect(again).toBe(false);
  });
});
