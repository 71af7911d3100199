/**
 * Real PC/SC clients nobody here wrote read the 券面事項入力補助AP (text AP) and the 券面AP of the
 * emulated card, through pcscd and vsmartcard's vpcd: `opensc-tool --send-apdu` (several `-s` in
 * one session, so the card keeps the selected AP and the verified PIN between them) and
 * `scriptor` from pcsc-tools (a file of APDUs, one session). The card is the built-in persona
 * `with-my-number` (My Number 983205673214, text PIN 1234, the default test holder 試験 太郎,
 * born 1980-04-01), issued 2025-04-01.
 *
 * Expected bytes are literals from the file layouts in src/sim-card/text-ap.ts and face-ap.ts:
 * text EF 0001 `FF 10 0C <12 ASCII digits> FF FF`; text EF 0002 `FF 20 <len> DF 21 <offsets>
 * DF 22 name DF 23 address DF 24 birth DF 25 sex`; face EF 0002 `FF 20 82 <len> DF 21 <offsets>
 * DF 22 … DF 2A` with PNG images in DF 25 / 26 / 27 / 2A.
 *
 * Needs root (pcscd) and the packages pcscd vsmartcard-vpcd opensc pcsc-tools;
 * MYNA_RIG_SKIP_INTEROP=1 skips.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDate } from '../../src/domain/index.js';
import { BUILTIN_CARD_PERSONAS, cardOptionsFromPersona } from '../../src/sim-card/card-persona.js';
import { createMyNumberCard } from '../../src/sim-card/create-card.js';
import { createSimulatedJlis } from '../../src/sim-card/jlis-ca.js';
import { connectToVpcd, type VpcdBridge } from '../../src/sim-card/vpcd-bridge.js';
import { acquirePcscLock, ensurePcscd, missingPrograms, run, VPCD_PORT, waitFor, type Pcscd } from './pcsc-env.js';

const SKIP = process.env['MYNA_RIG_SKIP_INTEROP'] === '1';
const SCRIPTOR = '/usr/bin/scriptor';
const READER = 'Virtual PCD 00 00';
/** OPENSC_DRIVER=jpki only skips the driver probing (≈ 1.7 s a command); the APDUs are ours. */
const FORCED = { OPENSC_DRIVER: 'jpki' };

const SELECT_TEXT_AP = '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08';
const SELECT_FACE_AP = '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02';
const SELECT_EF = (fid: string): string => `00 A4 02 0C 02 ${fid}`;
const READ_BINARY = (offset: number, le: number): string => `00 B0 ${hexByte(offset >> 8)} ${hexByte(offset & 0xff)} ${hexByte(le)}`;
/** VERIFY with the PIN as ASCII digits (the persona's test-only PINs, as in the other interop tests). */
const VERIFY = (pin: string): string => `00 20 00 80 ${hexByte(pin.length)} ${[...pin].map((c) => hexByte(c.charCodeAt(0))).join(' ')}`;
const TRIES_QUERY = '00 20 00 80';

const TEXT_PIN = '1234';
const PIN_A = '983205673214';
/** PIN B, yymmdd form: birth 800401 + card expiry year 2035 + security code 0000. */
const PIN_B = '80040120350000';
const PNG_SIGNATURE = '89 50 4E 47 0D 0A 1A 0A';

interface Response {
  sw: string;
  data: string;
}

let pcscd: Pcscd | undefined;
let releaseLock: (() => void) | undefined;
let bridge: VpcdBridge | undefined;
let dir: string;

function hexByte(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

function spaced(hex: string): string {
  return (hex.replace(/\s/g, '').toUpperCase().match(/../g) ?? []).join(' ');
}

/** UTF-8 / ASCII text as spaced upper-case hex, for reading expected TLV values. */
function textHex(text: string): string {
  return spaced(Buffer.from(text, 'utf8').toString('hex'));
}

/**
 * One `opensc-tool -s … -s …` session. Its output, per APDU: `Sending: …`, then
 * `Received (SW1=0x90, SW2=0x00)` and, with data, `:` and a hex dump of 16 bytes a line
 * (hex in columns 0–47, ASCII after).
 */
async function openscSession(apdus: string[]): Promise<Response[]> {
  const r = await run('/usr/bin/opensc-tool', ['-r', '0', ...apdus.flatMap((a) => ['-s', a.replace(/ /g, '')])], { env: FORCED });
  expect(r.code, `opensc-tool failed: ${r.stderr}`).toBe(0);
  const blocks = r.stdout.split('Sending: ').slice(1);
  expect(blocks).toHaveLength(apdus.length);
  return blocks.map((block) => {
    const m = /Received \(SW1=0x([0-9A-Fa-f]{2}), SW2=0x([0-9A-Fa-f]{2})\)(:?)\n([\s\S]*)/.exec(block);
    if (!m) throw new Error(`opensc-tool: no "Received (SW1=…, SW2=…)" in the output block ${JSON.stringify(block)}`);
    return { sw: `${m[1]}${m[2]}`.toUpperCase(), data: m[3] === ':' ? hexDumpBytes(m[4]!) : '' };
  });
}

/**
 * The bytes of OpenSC's util_hex_dump_asc: per line up to 16 `XX ` then as many ASCII characters;
 * the first line is not padded (4 characters a byte), later ones pad the hex to 48 columns.
 */
function hexDumpBytes(dump: string): string {
  const lines = dump.split('\n').filter((l) => l !== '');
  return lines
    .map((line, i) => {
      const n = i === 0 ? line.length / 4 : line.length - 48;
      const hex = line.slice(0, 3 * n);
      if (!Number.isInteger(n) || n < 1 || n > 16 || !/^([0-9A-F]{2} )+$/.test(hex)) throw new Error(`opensc-tool: unexpected hex dump line ${i} ${JSON.stringify(line)}`);
      return hex.trim();
    })
    .join(' ');
}

/**
 * One `scriptor` session over a file of APDUs. Its output, per APDU: `> <command>`, then
 * `< <response bytes, 16 a line> … SW1 SW2 : <meaning>`.
 */
async function scriptorSession(apdus: string[]): Promise<Response[]> {
  const file = join(dir, `apdus-${Date.now()}.txt`);
  writeFileSync(file, `${apdus.join('\n')}\n`);
  const r = await run(SCRIPTOR, ['-r', READER, file]);
  expect(r.code, `scriptor failed: ${r.stderr}`).toBe(0);
  const blocks = r.stdout.split(/^< /m).slice(1);
  expect(blocks).toHaveLength(apdus.length);
  return blocks.map((block) => {
    const end = block.indexOf(' : ');
    if (end < 0) throw new Error(`scriptor: no " : <meaning>" after the response ${JSON.stringify(block)}`);
    const bytes = spaced(block.slice(0, end)).split(' ');
    return { sw: bytes.slice(-2).join(''), data: bytes.slice(0, -2).join(' ') };
  });
}

/** BER-TLV with 1- or 2-byte tags (first byte 1F-masked) and definite lengths — the test's own reader. */
function parseTlvs(bytes: number[], from: number, to: number): Array<{ tag: string; at: number; value: number[] }> {
  const out: Array<{ tag: string; at: number; value: number[] }> = [];
  let i = from;
  while (i < to) {
    const at = i;
    let tag = hexByte(bytes[i++]!);
    if ((bytes[at]! & 0x1f) === 0x1f) tag += hexByte(bytes[i++]!);
    let len = bytes[i++]!;
    if (len === 0x81) len = bytes[i++]!;
    else if (len === 0x82) {
      len = (bytes[i]! << 8) | bytes[i + 1]!;
      i += 2;
    }
    out.push({ tag, at, value: bytes.slice(i, i + len) });
    i += len;
  }
  return out;
}

const bytesOf = (hex: string): number[] => (hex === '' ? [] : hex.split(' ').map((b) => parseInt(b, 16)));
const hexOf = (bytes: number[]): string => bytes.map(hexByte).join(' ');

describe.skipIf(SKIP)('PC/SC clients read the text AP and the 券面AP (pcscd + vpcd)', () => {
  beforeAll(async () => {
    const missing = [...missingPrograms(), ...(existsSync(SCRIPTOR) ? [] : [SCRIPTOR])];
    if (missing.length > 0) {
      throw new Error(`interop: missing ${missing.join(', ')}; apt-get install -y pcscd vsmartcard-vpcd opensc pcsc-tools (or MYNA_RIG_SKIP_INTEROP=1)`);
    }
    dir = mkdtempSync(join(tmpdir(), 'myna-interop-ap-'));
    const jlis = await createSimulatedJlis();
    const persona = BUILTIN_CARD_PERSONAS['with-my-number']!;
    // today 2026-04-01 → issued 2025-04-01, the holder's birthday; card expiry its 10th after: 2035-04-01.
    const card = await createMyNumberCard({ jlis, ...cardOptionsFromPersona(persona, isoDate('2026-04-01')) });
    releaseLock = await acquirePcscLock();
    pcscd = await ensurePcscd();
    bridge = connectToVpcd({ card, port: VPCD_PORT });
    await bridge.connected;
    await waitFor(
      `the card to appear in reader "${READER}"`,
      async () => /^0\s+Yes\s+Virtual PCD 00 00/m.test((await run('/usr/bin/opensc-tool', ['-l'], { timeoutMs: 5000 })).stdout),
      10_000,
    );
  }, 240_000);

  afterAll(async () => {
    await bridge?.close();
    await pcscd?.stop();
    releaseLock?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opensc-tool: the text AP refuses EF 0001 before VERIFY (69 82), counts a wrong PIN (63 C2), then reads the My Number', async () => {
    const r = await openscSession([
      SELECT_TEXT_AP,
      SELECT_EF('00 01'),
      READ_BINARY(0, 0),
      SELECT_EF('00 11'),
      TRIES_QUERY,
      VERIFY('0000'),
      TRIES_QUERY,
      VERIFY(TEXT_PIN),
      TRIES_QUERY,
      SELECT_EF('00 01'),
      READ_BINARY(0, 0),
    ]);
    expect(r.map((x) => x.sw)).toEqual(['9000', '9000', '6982', '9000', '63C3', '63C2', '63C2', '9000', '63C3', '9000', '9000']);
    expect(r[2]!.data).toBe('');
    // FF 10 0C, "983205673214" in ASCII, FF FF.
    expect(r[10]!.data).toBe('FF 10 0C 39 38 33 32 30 35 36 37 33 32 31 34 FF FF');
  });

  it('opensc-tool: the text AP’s EF 0002 holds the basic four — name and address in UTF-8, birth, sex', async () => {
    const r = await openscSession([SELECT_TEXT_AP, SELECT_EF('00 11'), VERIFY(TEXT_PIN), SELECT_EF('00 02'), READ_BINARY(0, 0)]);
    expect(r.map((x) => x.sw)).toEqual(['9000', '9000', '9000', '9000', '9000']);
    const ef = r[4]!.data;
    // 試験 太郎 = E8 A9 A6 E9 A8 93 20 E5 A4 AA E9 83 8E (13 bytes); the address is 72 bytes of UTF-8.
    const name = 'DF 22 0D E8 A9 A6 E9 A8 93 20 E5 A4 AA E9 83 8E';
    const address = `DF 23 48 ${textHex('東京都千代田区霞が関一丁目一番一号（テスト専用）')}`;
    const birth = 'DF 24 08 31 39 38 30 30 34 30 31'; // "19800401"
    const sex = 'DF 25 01 31'; // "1", male
    // FF 20, 117 bytes; DF 21 with the offsets 14, 30, 105, 116 of the four TLVs.
    expect(ef).toBe(['FF 20 75 DF 21 08 00 0E 00 1E 00 69 00 74', name, address, birth, sex].join(' '));
  });

  it('opensc-tool: a new session that SELECTs the text AP again must VERIFY again (69 82 without)', async () => {
    await openscSession([SELECT_TEXT_AP, SELECT_EF('00 11'), VERIFY(TEXT_PIN)]);
    const r = await openscSession([SELECT_TEXT_AP, SELECT_EF('00 02'), READ_BINARY(0, 0)]);
    expect(r.map((x) => x.sw)).toEqual(['9000', '9000', '6982']);
  });

  it('scriptor: the 券面AP refuses the card face without PIN (69 82), then gives it after VERIFY PIN A', async () => {
    const first = await scriptorSession([SELECT_FACE_AP, SELECT_EF('00 02'), READ_BINARY(0, 0), SELECT_EF('00 13'), VERIFY(PIN_A), SELECT_EF('00 02'), READ_BINARY(0, 5)]);
    expect(first.map((x) => x.sw)).toEqual(['9000', '9000', '6982', '9000', '9000', '9000', '9000']);
    expect(first[2]!.data).toBe('');
    // FF 20 82 <2-byte length>: the images make the file longer than 255 bytes.
    expect(first[6]!.data).toMatch(/^FF 20 82 [0-9A-F]{2} [0-9A-F]{2}$/);
    const header = bytesOf(first[6]!.data);
    const total = 5 + ((header[3]! << 8) | header[4]!);
    const reads = Array.from({ length: Math.ceil(total / 256) }, (_, i) => READ_BINARY(i * 256, Math.min(256, total - i * 256) % 256));
    // A new session, and its SELECT of the AP, drops the verified PIN: VERIFY again.
    const r = await scriptorSession([SELECT_FACE_AP, SELECT_EF('00 13'), VERIFY(PIN_A), SELECT_EF('00 02'), ...reads]);
    for (const x of r) expect(x.sw).toBe('9000');
    const ef = bytesOf(r.slice(4).map((x) => x.data).join(' '));
    expect(ef).toHaveLength(total);

    const [offsets, ...fields] = parseTlvs(ef, 5, ef.length);
    expect(offsets!.tag).toBe('DF21');
    expect(fields.map((f) => f.tag)).toEqual(['DF22', 'DF23', 'DF24', 'DF25', 'DF26', 'DF27', 'DF28', 'DF29', 'DF2A']);
    // DF 21: the big-endian file offset of each of DF 22 … DF 2A, first right after DF 21 (5 + 3 + 18 = 26).
    expect(offsets!.value.slice(0, 2)).toEqual([0x00, 0x1a]);
    const pointed = Array.from({ length: 9 }, (_, i) => (offsets!.value[2 * i]! << 8) | offsets!.value[2 * i + 1]!);
    expect(pointed).toEqual(fields.map((f) => f.at));
    const field = (tag: string): number[] => fields.find((f) => f.tag === tag)!.value;
    expect(hexOf(field('DF22'))).toBe(textHex('19800401'));
    expect(hexOf(field('DF23'))).toBe(textHex('1'));
    expect(hexOf(field('DF29'))).toBe(textHex('20350401'));
    // DF 24: an RSA-2048 SubjectPublicKeyInfo (30 82 01 22 30 0D 06 09 2A 86 48 86 F7 0D 01 01 01).
    expect(hexOf(field('DF24').slice(0, 17))).toBe('30 82 01 22 30 0D 06 09 2A 86 48 86 F7 0D 01 01 01');
    // The images: PNG signature, then IHDR (length 13) with width and height as face-ap.ts draws them.
    for (const [tag, width, height] of [
      ['DF25', 48, 8],
      ['DF26', 64, 12],
      ['DF27', 24, 30],
      ['DF2A', 16, 8],
    ] as const) {
      const png = field(tag);
      expect(hexOf(png.slice(0, 8)), tag).toBe(PNG_SIGNATURE);
      expect(hexOf(png.slice(8, 24)), tag).toBe(`00 00 00 0D 49 48 44 52 00 00 00 ${hexByte(width)} 00 00 00 ${hexByte(height)}`);
      expect(hexOf(png.slice(-8)), tag).toBe('49 45 4E 44 AE 42 60 82'); // "IEND" and its CRC
    }
  });

  it('scriptor: the name image sits at its DF 21 offset — DF 25 82 <len> then 89 50 4E 47, read by offset alone', async () => {
    // DF 22 starts at 0x1A (right after DF 21); DF 25 at 0x29 + 5 + 0x126 = 0x0154, as DF 24 holds a
    // 294-byte RSA-2048 SubjectPublicKeyInfo.
    const r = await scriptorSession([SELECT_FACE_AP, SELECT_EF('00 13'), VERIFY(PIN_A), SELECT_EF('00 02'), READ_BINARY(0x1a, 0), READ_BINARY(0x0154, 13)]);
    expect(r.map((x) => x.sw)).toEqual(['9000', '9000', '9000', '9000', '9000', '9000']);
    expect(r[4]!.data.startsWith('DF 22 08 31 39 38 30 30 34 30 31 DF 23 01 31 DF 24 82 01 26')).toBe(true);
    expect(r[5]!.data).toMatch(/^DF 25 82 [0-9A-F]{2} [0-9A-F]{2} 89 50 4E 47 0D 0A 1A 0A$/);
  });

  it('opensc-tool: PIN B (birth yymmdd + expiry year + security code) opens the card face too; a wrong PIN A counts 63 C2', async () => {
    const r = await openscSession([
      SELECT_FACE_AP,
      SELECT_EF('00 13'),
      VERIFY('000000000000'),
      SELECT_EF('00 12'),
      VERIFY(PIN_B),
      SELECT_EF('00 02'),
      READ_BINARY(0x1a, 15),
    ]);
    expect(r.map((x) => x.sw)).toEqual(['9000', '9000', '63C2', '9000', '9000', '9000', '9000']);
    expect(r[6]!.data).toBe(`DF 22 08 ${textHex('19800401')} DF 23 01 31`);
  });
});
