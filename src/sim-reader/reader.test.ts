import { createHash, generateKeyPairSync, privateEncrypt, verify, constants, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseCommandApdu, responseApdu, swOnly, toHex } from '../protocol/apdu.js';
import { AID, type CardTransport } from '../protocol/card-transport.js';
import { ReaderToTerminal, type TerminalToReader } from '../protocol/reader-link.js';
import { faceEmbedding } from './face-model.js';
import { SimReader } from './reader.js';
import type { ReaderScreen } from './machine.js';

const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const NONCE = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
/** A 304-byte stand-in for the certificate DER: header 30 82 01 2C + 300 bytes. */
const CERT = Uint8Array.from([0x30, 0x82, 0x01, 0x2c, ...Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff)]);

let cardKey: { privateKey: KeyObject; publicKey: KeyObject };
let readerKey: { privateKey: KeyObject; publicKey: KeyObject };

beforeAll(() => {
  cardKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
});

/** A minimal JPKI card: enough of SELECT / READ BINARY / VERIFY / SIGN for the reader. */
function fakeCard(pin: string, tries: number): CardTransport & { sent: string[] } {
  const sent: string[] = [];
  let ef = -1;
  let verified = false;
  let left = tries;
  const answer = (cmd: Uint8Array): Uint8Array => {
    const parsed = parseCommandApdu(cmd);
    if (!parsed.ok) return swOnly(parsed.sw);
    const { cla, ins, p1, p2, data, le } = parsed.apdu;
    if (cla === 0x00 && ins === 0xa4 && p1 === 0x04) {
      if (toHex(data) !== toHex(AID.JPKI)) return swOnly(0x6a82);
      verified = false;
      return swOnly(0x9000);
    }
    if (cla === 0x00 && ins === 0xa4 && p1 === 0x02) {
      ef = (data[0]! << 8) | data[1]!;
      return swOnly(0x9000);
    }
    if (cla === 0x00 && ins === 0xb0 && ef === 0x000a) {
      const off = (p1 << 8) | p2;
      return responseApdu(CERT.slice(off, off + le), 0x9000);
    }
    if (cla === 0x00 && ins === 0x20 && ef === 0x0018) {
      if (data.length === 0) return swOnly(0x63c0 | left);
      if (left === 0) return swOnly(0x6983);
      if (new TextDecoder().decode(data) === pin) {
        left = 3;
        verified = true;
        return swOnly(0x9000);
      }
      left--;
      return swOnly(0x63c0 | left);
    }
    if (cla === 0x80 && ins === 0x2a && ef === 0x0017) {
      if (!verified) return swOnly(0x6982);
      return responseApdu(new Uint8Array(privateEncrypt({ key: cardKey.privateKey, padding: constants.RSA_PKCS1_PADDING }, data)), 0x9000);
    }
    return swOnly(0x6d00);
  };
  return {
    atr: Uint8Array.from([0x3b, 0x88]),
    sent,
    transmit: (cmd) => {
      sent.push(toHex(cmd));
      return Promise.resolve(answer(cmd));
    },
  };
}

type Reply = (message: TerminalToReader | string) => void;
interface TestTerminal {
  url: string;
  received: ReaderToTerminal[];
  sockets: WebSocket[];
  close(): Promise<void>;
}

/** A terminal that answers each reader message through `handle`. */
async function startTerminal(handle: (m: ReaderToTerminal, reply: Reply) => void): Promise<TestTerminal> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/reader' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: ReaderToTerminal[] = [];
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    const reply: Reply = (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
    ws.on('message', (data) => {
      // Every message the reader sends must match the published schema.
      const m = ReaderToTerminal.parse(JSON.parse(String(data)));
      received.push(m);
      handle(m, reply);
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/reader`,
    received,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

interface TerminalBehaviour {
  accept?: boolean;
  answerChallenge?: boolean;
}

function happyTerminal(b: TerminalBehaviour = {}) {
  return (m: ReaderToTerminal, reply: Reply): void => {
    if (m.type === 'hello') reply({ v: 1, type: 'hello.ack', terminalId: 'term-1' });
    if (m.type === 'challenge.request' && b.answerChallenge !== false) {
      reply({ v: 1, type: 'challenge', sessionId: m.sessionId, challengeId: 'c-1', nonce: NONCE_B64 });
    }
    if (m.type === 'auth.result') {
      reply(
        b.accept === false
          ? { v: 1, type: 'auth.verdict', sessionId: m.sessionId, accepted: false, errorCode: '006', message: 'certificate expired beyond grace' }
          : { v: 1, type: 'auth.verdict', sessionId: m.sessionId, accepted: true, checkId: 'k-1', certificateStatus: 'valid' },
      );
    }
    if (m.type === 'consent.result') reply({ v: 1, type: 'session.completed', sessionId: m.sessionId, validity: '1' });
  };
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
  vi.restoreAllMocks();
});

async function rig(b: TerminalBehaviour = {}) {
  const terminal = await startTerminal(happyTerminal(b));
  open.push(terminal);
  const reader = new SimReader({ readerId: 'r1', vendor: 'vendor-a', terminalUrl: terminal.url, attestationKey: { privateKey: readerKey.privateKey } });
  open.push(reader);
  await reader.connect();
  return { terminal, reader };
}

describe('SimReader against a test terminal', () => {
  it('connects: hello with reader id and vendor, then idle', async () => {
    const { terminal, reader } = await rig();
    expect(terminal.received).toEqual([{ v: 1, type: 'hello', readerId: 'r1', vendor: 'vendor-a' }]);
    expect(reader.terminalId).toBe('term-1');
    expect(reader.screen()).toEqual({ screen: 'idle', message: 'マイナンバーカードを置いてください', lines: ['マイナンバーカードを置いてください'] });
  });

  it('runs a full PIN flow to done, with a card signature that verifies', async () => {
    const { terminal, reader } = await rig();
    const card = fakeCard('1234', 3);
    const screens: string[] = [];
    reader.onScreen((s: ReaderScreen) => screens.push(s.screen));

    await reader.dispatch({ type: 'card.placed', card });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'auth-select', pinAvailable: true, triesLeft: 3 });

    await reader.dispatch({ type: 'choose.pin' });
    await reader.dispatch({ type: 'pin.entered', pin: '1234' });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('consent-bulk');

    await reader.dispatch({ type: 'consent.agree-all' });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('done');
    expect(screens).toEqual(['reading', 'auth-select', 'pin-entry', 'checking', 'consent-bulk', 'checking', 'done']);

    expect(terminal.received.map((m) => m.type)).toEqual(['hello', 'challenge.request', 'auth.result', 'consent.result']);
    const auth = terminal.received[2]!;
    if (auth.type !== 'auth.result') throw new Error('expected auth.result');
    expect(auth).toMatchObject({ sessionId: 'r1-s1', method: 'pin', challengeId: 'c-1' });
    expect(auth.certificate).toBe(Buffer.from(CERT).toString('base64'));
    expect(auth.signature).toBeDefined();
    // RSA PKCS#1 v1.5 over SHA-256(nonce): what the central system checks.
    expect(verify('sha256', NONCE, cardKey.publicKey, Buffer.from(auth.signature!, 'base64'))).toBe(true);
    expect(terminal.received[3]).toEqual({
      v: 1,
      type: 'consent.result',
      sessionId: 'r1-s1',
      checkId: 'k-1',
      consent: { diagnosis: true, pharmacy: true, checkup: true, operation: true },
      bulk: true,
    });
    expect(card.sent).toContain('00 20 00 80 04 31 32 33 34');

    await reader.dispatch({ type: 'card.removed' });
    expect(reader.screen().screen).toBe('idle');
  });

  it('face model: the card carries the holder face; another persona fails, the holder matches with score 1', async () => {
    const { terminal, reader } = await rig();
    await reader.dispatch({ type: 'card.placed', card: fakeCard('1234', 3), holderFace: faceEmbedding('taro') });
    await reader.whenIdle();
    await reader.dispatch({ type: 'choose.face' });
    await reader.dispatch({ type: 'face.presented', persona: 'taro', quality: 'backlight' });
    expect(reader.screen()).toMatchObject({ screen: 'face-capture', faceGuidance: 'backlight' });
    await reader.dispatch({ type: 'face.presented', persona: 'hanako' });
    expect(reader.screen()).toMatchObject({ screen: 'face-capture', message: '顔認証に失敗しました。もう一度カメラに顔を向けてください' });
    await reader.dispatch({ type: 'face.presented', persona: 'taro' });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('consent-bulk');
    const auth = terminal.received.find((m) => m.type === 'auth.result');
    if (auth?.type !== 'auth.result') throw new Error('expected auth.result');
    expect(auth.attestation?.faceScore).toBe(1);
  });

  it('tick(now): a screen left 60 s (the generic profile) ends the session with session.ended timeout', async () => {
    const { terminal, reader } = await rig();
    await reader.dispatch({ type: 'card.placed', card: fakeCard('1234', 3) });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('auth-select');
    await reader.tick(1_000_000);
    await reader.tick(1_060_000);
    expect(reader.screen().screen).toBe('idle');
    await vi.waitFor(() =>
      expect(terminal.received.filter((m) => m.type === 'session.ended')).toEqual([{ v: 1, type: 'session.ended', sessionId: 'r1-s1', reason: 'timeout' }]),
    );
  });

  it('face flow: the reader attestation verifies with its public key; the PIN is never tried', async () => {
    const { terminal, reader } = await rig();
    const card = fakeCard('1234', 3);
    await reader.dispatch({ type: 'card.placed', card });
    await reader.whenIdle();
    await reader.dispatch({ type: 'choose.face' });
    await reader.dispatch({ type: 'face.presented', match: true, score: 0.87 });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('consent-bulk');

    const auth = terminal.received.find((m) => m.type === 'auth.result');
    if (auth?.type !== 'auth.result') throw new Error('expected auth.result');
    expect(auth.method).toBe('face');
    expect(auth.signature).toBeUndefined();
    expect(auth.attestation).toMatchObject({ readerId: 'r1', faceScore: 0.87 });
    const payload = Buffer.concat([NONCE, createHash('sha256').update(CERT).digest(), Buffer.from('face', 'ascii')]);
    const sig = Buffer.from(auth.attestation!.signature, 'base64');
    expect(verify('sha256', payload, { key: readerKey.publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
    // Tampering with the method must break it.
    const other = Buffer.concat([NONCE, createHash('sha256').update(CERT).digest(), Buffer.from('pin', 'ascii')]);
    expect(verify('sha256', other, { key: readerKey.publicKey, dsaEncoding: 'der' }, sig)).toBe(false);
    expect(card.sent.filter((c) => c.startsWith('00 20 00 80 04'))).toEqual([]);

    await reader.dispatch({ type: 'consent.individually' });
    for (const agree of [true, false, false, true]) await reader.dispatch({ type: 'consent.item', agree });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('done');
    expect(terminal.received.at(-1)).toMatchObject({
      type: 'consent.result',
      consent: { diagnosis: true, pharmacy: false, checkup: false, operation: true },
      bulk: false,
    });
  });

  it('a wrong PIN on the last try locks it: back to auth-select, pin-locked notice', async () => {
    const { terminal, reader } = await rig();
    await reader.dispatch({ type: 'card.placed', card: fakeCard('1234', 1) });
    await reader.whenIdle();
    await reader.dispatch({ type: 'choose.pin' });
    await reader.dispatch({ type: 'pin.entered', pin: '9999' });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'auth-select', pinAvailable: false, triesLeft: 0 });
    // The notice is on its way over the socket; wait until the terminal has it.
    await vi.waitFor(() =>
      expect(terminal.received.at(-1)).toEqual({ v: 1, type: 'reader.notice', sessionId: 'r1-s1', code: 'pin-locked', triesLeft: 0 }),
    );
  });

  it('a card placed with its PIN already locked: pin-locked notice right away', async () => {
    const { terminal, reader } = await rig();
    await reader.dispatch({ type: 'card.placed', card: fakeCard('1234', 0) });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'auth-select', pinAvailable: false });
    await vi.waitFor(() => expect(terminal.received.map((m) => m.type)).toEqual(['hello', 'challenge.request', 'reader.notice']));
  });

  it('a rejected certificate shows error 006', async () => {
    const { terminal, reader } = await rig({ accept: false });
    await reader.dispatch({ type: 'card.placed', card: fakeCard('1234', 3) });
    await reader.whenIdle();
    await reader.dispatch({ type: 'choose.pin' });
    await reader.dispatch({ type: 'pin.entered', pin: '1234' });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'error', errorCode: '006' });
    await vi.waitFor(() =>
      expect(terminal.received.at(-1)).toEqual({
        v: 1,
        type: 'reader.notice',
        sessionId: 'r1-s1',
        code: 'certificate-rejected',
        message: 'certificate expired beyond grace',
      }),
    );
  });

  it('removing the card mid-session sends session.ended; the next card gets session s2', async () => {
    const { terminal, reader } = await rig();
    await reader.dispatch({ type: 'card.placed', card: fakeCard('1234', 3) });
    await reader.whenIdle();
    await reader.dispatch({ type: 'card.removed' });
    expect(reader.screen().screen).toBe('idle');
    await reader.dispatch({ type: 'card.placed', card: fakeCard('1234', 3) });
    await reader.whenIdle();
    await vi.waitFor(() =>
      expect(terminal.received.slice(1).map((m) => [m.type, 'sessionId' in m ? m.sessionId : ''])).toEqual([
        ['challenge.request', 'r1-s1'],
        ['session.ended', 'r1-s1'],
        ['challenge.request', 'r1-s2'],
      ]),
    );
  });

  it('a card that cannot be read shows error 001', async () => {
    const { reader } = await rig();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const broken: CardTransport = { atr: Uint8Array.from([0x3b]), transmit: () => Promise.resolve(Uint8Array.from([0x6a, 0x82])) };
    await reader.dispatch({ type: 'card.placed', card: broken });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'error', errorCode: '001' });
  });

  it('whenIdle names what it is still waiting for', async () => {
    const { reader } = await rig({ answerChallenge: false });
    await reader.dispatch({ type: 'card.placed', card: fakeCard('1234', 3) });
    await expect(reader.whenIdle(150)).rejects.toThrow("waiting for 'challenge' from the terminal for session r1-s1");
  });

  it('ignores malformed and unknown terminal messages, and protocol errors outside a session', async () => {
    const terminal = await startTerminal(happyTerminal());
    open.push(terminal);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const reader = new SimReader({ readerId: 'r1', terminalUrl: terminal.url, attestationKey: { privateKey: readerKey.privateKey } });
    open.push(reader);
    await reader.connect();
    const ws = terminal.sockets[0]!;
    ws.send('not json');
    ws.send(JSON.stringify({ v: 1, type: 'self-destruct' }));
    ws.send(JSON.stringify({ v: 1, type: 'protocol.error', code: 'bad-message', message: 'x' }));
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(3));
    expect(reader.screen().screen).toBe('idle');
    // Still works afterwards.
    await reader.dispatch({ type: 'card.placed', card: fakeCard('1234', 3) });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('auth-select');
    // A protocol error during a session ends on the error screen.
    ws.send(JSON.stringify({ v: 1, type: 'protocol.error', code: 'unknown-session', message: 'no such session' }));
    await vi.waitFor(() => expect(reader.screen().screen).toBe('error'));
  });

  it('goes link-down when the terminal closes the link', async () => {
    const { terminal, reader } = await rig();
    terminal.sockets[0]!.close();
    await vi.waitFor(() => expect(reader.screen().screen).toBe('link-down'));
  });

  it('refuses an attestation key that is not EC P-256', () => {
    expect(
      () => new SimReader({ readerId: 'r9', terminalUrl: 'ws://127.0.0.1:1/reader', attestationKey: { privateKey: cardKey.privateKey } }),
    ).toThrow('SimReader r9: attestationKey.privateKey must be an EC P-256 private key');
  });

  it('connect() fails with a clear message when no terminal listens', async () => {
    const terminal = await startTerminal(happyTerminal());
    const url = terminal.url;
    await terminal.close();
    const reader = new SimReader({ readerId: 'r1', terminalUrl: url, attestationKey: { privateKey: readerKey.privateKey } });
    await expect(reader.connect()).rejects.toThrow(`SimReader r1: cannot connect to the terminal at ${url}`);
  });
});
