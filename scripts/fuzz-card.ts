/**
 * Throws 1,000,000 random command APDUs (fast-check) at a full My Number card — JPKI auth and
 * sign sides, 券面事項入力補助AP and 券面AP with their PIN A / PIN B — and checks that none escapes as an exception and every answer ends in a status
 * word (only 90 00 carries data) and none is 6F 00 (the card's answer to an exception it caught). Commands are biased towards the card's own vocabulary (its
 * CLA/INS/P1/P2 values, AID, file IDs, PINs) so that deep paths are reached, with a random
 * setup prefix (AP selected, PIN verified, key selected) and a fresh card every 1,000 runs.
 * Prints count and time; exits 1 on the first failure with the offending APDU.
 * Run: npx tsx scripts/fuzz-card.ts [--runs 1000000] [--seed 42]
 */
import fc from 'fast-check';
import { buildCommandApdu, fromHex, toHex } from '../src/protocol/apdu.js';
import { createMyNumberCard } from '../src/sim-card/create-card.js';
import { createSimulatedJlis } from '../src/sim-card/jlis-ca.js';
import type { MyNumberCard } from '../src/sim-card/jpki-card.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new Error(`fuzz-card: ${name} must be a non-negative integer`);
  return v;
}

const RUNS = arg('--runs', 1_000_000);
const SEED = arg('--seed', Date.now() % 2 ** 31);

// 983205673214: a made-up My Number with a valid check digit.
const MY_NUMBER = '983205673214';
const MY_NUMBER_HEX = [...MY_NUMBER].map((c) => c.charCodeAt(0).toString(16).toUpperCase()).join(' ');

const SETUPS: string[][] = [
  [],
  ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01'],
  ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01', '00 A4 02 0C 02 00 0A'],
  ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01', '00 A4 02 0C 02 00 18'],
  ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01', '00 A4 02 0C 02 00 1B'],
  ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01', '00 A4 02 0C 02 00 18', '00 20 00 80 04 31 32 33 34', '00 A4 02 0C 02 00 17'],
  ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01', '00 A4 02 0C 02 00 1B', '00 20 00 80 08 53 49 47 4E 31 32 33 34', '00 A4 02 0C 02 00 01'],
  ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01', '00 A4 02 0C 02 00 1B', '00 20 00 80 08 53 49 47 4E 31 32 33 34', '00 A4 02 0C 02 00 1A'],
  ['00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08', '00 A4 02 0C 02 00 11', '00 20 00 80 04 31 32 33 34', '00 A4 02 0C 02 00 02'],
  ['00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08', '00 A4 02 0C 02 00 14', `00 20 00 80 0C ${MY_NUMBER_HEX}`, '00 A4 02 0C 02 00 03'],
  ['00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02', '00 A4 02 0C 02 00 12'],
  ['00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02', '00 A4 02 0C 02 00 13', `00 20 00 80 0C ${MY_NUMBER_HEX}`, '00 A4 02 0C 02 00 02'],
];

const apdu = fc.record({
  setup: fc.integer({ min: 0, max: SETUPS.length - 1 }),
  cla: fc.oneof(fc.constantFrom(0x00, 0x80), fc.integer({ min: 0, max: 255 })),
  ins: fc.oneof(fc.constantFrom(0xa4, 0xb0, 0x20, 0x24, 0x2a), fc.integer({ min: 0, max: 255 })),
  p1: fc.oneof(fc.constantFrom(0x00, 0x01, 0x02, 0x04, 0x81, 0x8a), fc.integer({ min: 0, max: 255 })),
  p2: fc.oneof(fc.constantFrom(0x00, 0x0c, 0x80), fc.integer({ min: 0, max: 255 })),
  data: fc.oneof(
    fc.uint8Array({ minLength: 0, maxLength: 300 }),
    fc.constantFrom(
      fromHex('D3 92 F0 00 26 01 00 00 00 01'),
      fromHex('00 01'),
      fromHex('00 0A'),
      fromHex('00 1A'),
      fromHex('00 1B'),
      fromHex('31 32 33 34'),
      fromHex('53 49 47 4E 31 32 33 34'),
      fromHex('D3 92 10 00 31 00 01 01 04 02'),
      fromHex('D3 92 10 00 31 00 01 01 04 08'),
      fromHex('00 12'),
      fromHex('00 13'),
      fromHex('00 14'),
      fromHex('00 15'),
      fromHex(MY_NUMBER_HEX),
    ),
  ),
  le: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
  extended: fc.boolean(),
  raw: fc.option(fc.uint8Array({ minLength: 0, maxLength: 300 }), { nil: undefined, freq: 10 }),
});

async function main(): Promise<void> {
  const jlis = await createSimulatedJlis();
  const make = (): Promise<MyNumberCard> =>
    createMyNumberCard({ jlis, authPin: '1234', authCertificate: { notBefore: '2025-04-01', notAfter: '2030-03-31' }, keyLabel: 'fuzz-card', myNumber: MY_NUMBER });
  // A fresh card state per 1,000 runs: a card with counters run down stops exercising the good paths.
  const fresh = await Promise.all(Array.from({ length: 8 }, () => make()));
  let card = fresh[0]!;
  let runs = 0;
  const setups = SETUPS.map((s) => s.map((h) => fromHex(h)));
  let lastCommand: Uint8Array = new Uint8Array(0);
  const start = process.hrtime.bigint();
  try {
    fc.assert(
      fc.property(apdu, (a) => {
        if (runs % 1000 === 0) {
          card = fresh[(runs / 1000) % fresh.length]!;
          card.administrativeReset('auth', '1234');
          card.administrativeReset('sign', 'SIGN1234');
          for (const pin of ['text', 'text-pin-a', 'text-pin-b', 'face-pin-a', 'face-pin-b'] as const) card.administrativeReset(pin);
        }
        runs += 1;
        card.reset();
        for (const c of setups[a.setup]!) card.process(c);
        const command = a.raw ?? buildCommandApdu(a.cla, a.ins, a.p1, a.p2, { data: a.data, ...(a.le !== undefined ? { le: a.le } : {}), extended: a.extended });
        lastCommand = command;
        const r = card.process(command);
        if (!(r instanceof Uint8Array) || r.length < 2) throw new Error(`no status word (answer of ${r.length} bytes)`);
        // 6F 00 is what process() answers when a handler throws something unexpected: a bug.
        if (r[r.length - 2] === 0x6f && r[r.length - 1] === 0x00) throw new Error('6F 00: an exception was caught inside the card');
        if (r.length > 2 && !(r[r.length - 2] === 0x90 && r[r.length - 1] === 0x00)) {
          throw new Error(`data with a non-9000 status word ${toHex(r.subarray(r.length - 2))}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  } catch (error) {
    console.error(`fuzz-card: FAILED after ${runs} APDUs (seed ${SEED}); last command ${toHex(lastCommand)}`);
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
    return;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`fuzz-card: ${runs.toLocaleString('en')} random APDUs, seed ${SEED}, ${seconds.toFixed(1)} s (${Math.round(runs / seconds).toLocaleString('en')}/s): no exception, every answer ends with a status word`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
