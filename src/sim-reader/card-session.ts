/**
 * The reader's side of the card conversation: the few JPKI APDU sequences a face-auth reader
 * needs (read the user-authentication certificate, ask the PIN's tries left, verify and sign).
 * Byte layouts follow the public client drivers of the My Number card (SELECT by DF name with
 * P2=0C, READ BINARY by offset, VERIFY with the PIN as ASCII, COMPUTE DIGITAL SIGNATURE 80 2A).
 */
import { createHash } from 'node:crypto';
import { buildCommandApdu, parseResponseApdu, swHex, toHex, type ResponseApdu } from '../protocol/apdu.js';
import { AID, JPKI_EF, SHA256_DIGEST_INFO_PREFIX, type CardTransport } from '../protocol/card-transport.js';

/** The card answered a command with a status word the reader does not expect. */
export class CardCommandError extends Error {
  override readonly name = 'CardCommandError';
  constructor(
    /** What the reader was doing, e.g. "SELECT EF 000A". */
    readonly command: string,
    readonly sw: number,
    detail = '',
  ) {
    super(`card answered ${swHex(sw)} to ${command}${detail ? ` (${detail})` : ''}; expected 9000 — check that a JPKI card is placed and not locked or damaged`);
  }
}

/** The card answered 90 00 but with data the reader cannot use. */
export class CardDataError extends Error {
  override readonly name = 'CardDataError';
  constructor(readonly command: string, detail: string) {
    super(`unusable answer to ${command}: ${detail}`);
  }
}

export type PinSignResult =
  | { kind: 'signed'; signature: Uint8Array }
  | { kind: 'wrong'; triesLeft: number }
  | { kind: 'locked' };

const SW_OK = 0x9000;
/** READ BINARY's P1 bit 8 switches to SFI addressing, so offsets stay below 0x8000. */
const MAX_OFFSET = 0x7fff;
const SHORT_LE_MAX = 256;

async function exchange(transport: CardTransport, command: Uint8Array, name: string): Promise<ResponseApdu> {
  const raw = await transport.transmit(command);
  if (raw.length < 2) throw new CardDataError(name, `response of ${raw.length} bytes has no status word`);
  return parseResponseApdu(raw);
}

async function expectOk(transport: CardTransport, command: Uint8Array, name: string): Promise<ResponseApdu> {
  const r = await exchange(transport, command, name);
  if (r.sw !== SW_OK) throw new CardCommandError(name, r.sw, toHex(command.slice(0, 4)));
  return r;
}

const fid = (ef: number): Uint8Array => Uint8Array.from([(ef >> 8) & 0xff, ef & 0xff]);
const efName = (ef: number): string => `SELECT EF ${toHex(fid(ef), '')}`;

export function selectJpkiAp(transport: CardTransport): Promise<ResponseApdu> {
  return expectOk(transport, buildCommandApdu(0x00, 0xa4, 0x04, 0x0c, { data: AID.JPKI }), 'SELECT JPKI AP');
}

export function selectEf(transport: CardTransport, ef: number): Promise<ResponseApdu> {
  return expectOk(transport, buildCommandApdu(0x00, 0xa4, 0x02, 0x0c, { data: fid(ef) }), efName(ef));
}

async function readBinary(transport: CardTransport, offset: number, le: number): Promise<Uint8Array> {
  const name = `READ BINARY at offset ${offset}`;
  const r = await expectOk(transport, buildCommandApdu(0x00, 0xb0, (offset >> 8) & 0x7f, offset & 0xff, { le }), name);
  return r.data;
}

/**
 * SELECT JPKI AP, SELECT EF 000A, read the 4-byte header `30 82 HH LL` to learn the length,
 * then the rest in short READ BINARYs of at most 256 bytes at increasing offsets.
 */
export async function readAuthCertificate(transport: CardTransport): Promise<Uint8Array> {
  await selectJpkiAp(transport);
  await selectEf(transport, JPKI_EF.AUTH_CERT);
  const head = await readBinary(transport, 0, 4);
  if (head.length !== 4 || head[0] !== 0x30 || head[1] !== 0x82) {
    throw new CardDataError('READ BINARY at offset 0', `expected a DER header 30 82 HH LL, got ${toHex(head) || 'nothing'}`);
  }
  const total = ((head[2]! << 8) | head[3]!) + 4;
  if (total - 1 > MAX_OFFSET) throw new CardDataError('READ BINARY at offset 0', `certificate of ${total} bytes is too long for short offsets`);
  const out = new Uint8Array(total);
  out.set(head, 0);
  let offset = 4;
  while (offset < total) {
    const chunk = await readBinary(transport, offset, Math.min(SHORT_LE_MAX, total - offset));
    // A card that answers 90 00 with no data would otherwise loop for ever.
    if (chunk.length === 0) throw new CardDataError(`READ BINARY at offset ${offset}`, `no data, ${total - offset} bytes still missing`);
    const take = Math.min(chunk.length, total - offset);
    out.set(chunk.subarray(0, take), offset);
    offset += take;
  }
  return out;
}

/**
 * What the empty VERIFY says about the user-authentication PIN: tries left, or that the card has
 * no PIN at all (顔認証マイナンバーカード — only face or 目視 can identify its holder).
 */
export type PinStatus = { kind: 'pin'; triesLeft: number } | { kind: 'pinless' };

/** The answer of a PIN-less card to every VERIFY, the tries-left query included. */
export const SW_PIN_NOT_SET = 0x6984;

/**
 * SELECT EF 0018 and the empty VERIFY `00 20 00 80`: `63 Cx` → x tries left; `69 83` (some cards
 * answer a blocked PIN so even to the query) → 0 tries; `69 84` → a PIN-less card.
 */
export async function queryPinStatus(transport: CardTransport): Promise<PinStatus> {
  await selectEf(transport, JPKI_EF.AUTH_PIN);
  const name = 'VERIFY (tries-left query)';
  const r = await exchange(transport, buildCommandApdu(0x00, 0x20, 0x00, 0x80), name);
  if ((r.sw & 0xfff0) === 0x63c0) return { kind: 'pin', triesLeft: r.sw & 0x0f };
  if (r.sw === 0x6983) return { kind: 'pin', triesLeft: 0 };
  if (r.sw === SW_PIN_NOT_SET) return { kind: 'pinless' };
  throw new CardCommandError(name, r.sw, 'expected 63 Cx, 69 83 or 69 84');
}

/**
 * The tries left on the PIN (queryPinStatus for a card that must have one). Throws a
 * CardCommandError with 69 84 for a PIN-less card; use queryPinStatus to tell it apart.
 */
export async function queryPinTries(transport: CardTransport): Promise<number> {
  const status = await queryPinStatus(transport);
  if (status.kind === 'pinless') throw new CardCommandError('VERIFY (tries-left query)', SW_PIN_NOT_SET, 'the card has no PIN: use queryPinStatus');
  return status.triesLeft;
}

/** The DigestInfo bytes the card signs: SHA-256 DigestInfo prefix ‖ SHA-256(data). */
export function sha256DigestInfo(data: Uint8Array): Uint8Array {
  const digest = createHash('sha256').update(data).digest();
  const out = new Uint8Array(SHA256_DIGEST_INFO_PREFIX.length + digest.length);
  out.set(SHA256_DIGEST_INFO_PREFIX, 0);
  out.set(digest, SHA256_DIGEST_INFO_PREFIX.length);
  return out;
}

/**
 * SELECT EF 0018, VERIFY the PIN; on 90 00 SELECT EF 0017 and sign the SHA-256 DigestInfo of
 * SHA-256(data) (`80 2A 00 80 33 … 00`). Assumes the JPKI AP is still selected from
 * readAuthCertificate, as on a real reader within one card session.
 * The PIN never appears in an error message.
 */
export async function verifyPinAndSign(transport: CardTransport, pin: string, data: Uint8Array): Promise<PinSignResult> {
  if (!/^[0-9]{4}$/.test(pin)) throw new RangeError(`verifyPinAndSign: the PIN must be 4 digits (got ${pin.length} characters)`);
  await selectEf(transport, JPKI_EF.AUTH_PIN);
  const verifyName = 'VERIFY PIN';
  const v = await exchange(transport, buildCommandApdu(0x00, 0x20, 0x00, 0x80, { data: new TextEncoder().encode(pin) }), verifyName);
  if ((v.sw & 0xfff0) === 0x63c0) return { kind: 'wrong', triesLeft: v.sw & 0x0f };
  if (v.sw === 0x6983 || v.sw === 0x6984) return { kind: 'locked' };
  if (v.sw !== SW_OK) throw new CardCommandError(verifyName, v.sw, 'expected 9000, 63 Cx, 6983 or 6984');
  return { kind: 'signed', signature: await signWithAuthKey(transport, data) };
}

/**
 * SELECT EF 0017 and COMPUTE DIGITAL SIGNATURE over the SHA-256 DigestInfo of `data`, without a
 * VERIFY: for a key whose holder was verified some other way (an iPhone unlocked by biometrics).
 * A card that still wants its PIN answers 69 82, thrown as a CardCommandError.
 */
export async function signWithAuthKey(transport: CardTransport, data: Uint8Array): Promise<Uint8Array> {
  await selectEf(transport, JPKI_EF.AUTH_KEY);
  const signName = 'COMPUTE DIGITAL SIGNATURE';
  const s = await expectOk(transport, buildCommandApdu(0x80, 0x2a, 0x00, 0x80, { data: sha256DigestInfo(data), le: 256 }), signName);
  if (s.data.length === 0) throw new CardDataError(signName, 'no signature bytes');
  return s.data;
}

/** EF 0006 label of a phone's JPKI (jpki-apdu.md §A.3); a My Number card says JPKIAPICCTOKEN2. */
export const ANDROID_TOKEN_LABEL = 'JPKIAPGPSETOKEN';

/**
 * The token label: SELECT JPKI AP, SELECT EF 0006, READ BINARY 32 bytes of space-padded ASCII,
 * trimmed. Leaves EF 0006 selected; readAuthCertificate selects the AP again.
 */
export async function readTokenLabel(transport: CardTransport): Promise<string> {
  await selectJpkiAp(transport);
  await selectEf(transport, JPKI_EF.TOKEN_INFO);
  const bytes = await readBinary(transport, 0, 32);
  return String.fromCharCode(...bytes.filter((b) => b >= 0x20 && b < 0x7f)).trim();
}
