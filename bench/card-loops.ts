/** Timed loops shared by bench/card.ts and its workers: each returns operations and seconds. */
import { fromHex } from '../src/protocol/apdu.js';
import type { MyNumberCard } from '../src/sim-card/jpki-card.js';

export interface LoopResult {
  ops: number;
  seconds: number;
}

const SELECT_JPKI_AP = fromHex('00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01');
// SHA-256 DigestInfo of "abc" (FIPS 180-2), as a client sends it.
const SIGN = fromHex(
  '80 2A 00 80 33 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 BA 78 16 BF 8F 01 CF EA 41 41 40 DE 5D AE 22 23 B0 03 61 A3 96 17 7A 9C B4 10 FF 61 F2 00 15 AD 00',
);

function expectOk(response: Uint8Array, what: string): void {
  if (response[response.length - 2] !== 0x90 || response[response.length - 1] !== 0x00) {
    throw new Error(`bench: ${what} did not answer 90 00`);
  }
}

/** Logs in with PIN 1234 and signs for `seconds`, checking every answer. */
export function signLoop(card: MyNumberCard, seconds: number): LoopResult {
  expectOk(card.process(SELECT_JPKI_AP), 'SELECT JPKI AP');
  expectOk(card.process(fromHex('00 A4 02 0C 02 00 18')), 'SELECT 0018');
  expectOk(card.process(fromHex('00 20 00 80 04 31 32 33 34')), 'VERIFY');
  expectOk(card.process(fromHex('00 A4 02 0C 02 00 17')), 'SELECT 0017');
  return timed(seconds, () => {
    const r = card.process(SIGN);
    if (r.length !== 258) throw new Error('bench: SIGN did not return 256 bytes + 90 00');
  });
}

/** READ BINARY of the auth certificate in 256-byte chunks for `seconds`. */
export function readLoop(card: MyNumberCard, seconds: number): LoopResult {
  expectOk(card.process(SELECT_JPKI_AP), 'SELECT JPKI AP');
  expectOk(card.process(fromHex('00 A4 02 0C 02 00 0A')), 'SELECT 000A');
  const read = fromHex('00 B0 00 00 00');
  return timed(seconds, () => {
    const r = card.process(read);
    if (r.length !== 258) throw new Error('bench: READ BINARY did not return 256 bytes + 90 00');
  });
}

function timed(seconds: number, op: () => void): LoopResult {
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let ops = 0;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 16; i++) op();
    ops += 16;
    now = process.hrtime.bigint();
  }
  return { ops, seconds: Number(now - start) / 1e9 };
}
