/**
 * ISO/IEC 7816-4 command and response APDUs, short and extended forms (cases 1–4).
 * Parsing never throws: a malformed command comes back as `{ ok: false, sw }` so that the card
 * can answer it with a status word, as a real card does.
 */

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Lc bytes), empty when absent. */
  data: Uint8Array;
  /** Expected response length; 0 when absent. A present Le of 00 (or 0000) means 256 (65536). */
  le: number;
  /** Whether an Le field was present at all. */
  hasLe: boolean;
  extended: boolean;
}

export type ParseResult = { ok: true; apdu: CommandApdu } | { ok: false; sw: number; reason: string };

/** Status words used by the card. */
export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED_NO_EF: 0x6986,
  WRONG_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  INCORRECT_P1P2: 0x6a86,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  UNKNOWN: 0x6f00,
} as const;

/** `63 Cx`: verification failed, x tries left. */
export const swTriesLeft = (tries: number): number => 0x63c0 | (tries & 0x0f);

export function parseCommandApdu(bytes: Uint8Array): ParseResult {
  const n = bytes.length;
  if (n < 4) return { ok: false, sw: SW.WRONG_LENGTH, reason: `command shorter than 4 bytes (${n})` };
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const base = { cla, ins, p1, p2 };
  const empty = new Uint8Array(0);
  if (n === 4) return { ok: true, apdu: { ...base, data: empty, le: 0, hasLe: false, extended: false } };
  const b4 = bytes[4]!;
  if (n === 5) {
    // Case 2 short: Le only.
    return { ok: true, apdu: { ...base, data: empty, le: b4 === 0 ? 256 : b4, hasLe: true, extended: false } };
  }
  if (b4 !== 0) {
    // Short Lc.
    const lc = b4;
    if (n === 5 + lc) return { ok: true, apdu: { ...base, data: bytes.slice(5, 5 + lc), le: 0, hasLe: false, extended: false } };
    if (n === 6 + lc) {
      const le = bytes[5 + lc]!;
      return { ok: true, apdu: { ...base, data: bytes.slice(5, 5 + lc), le: le === 0 ? 256 : le, hasLe: true, extended: false } };
    }
    return { ok: false, sw: SW.WRONG_LENGTH, reason: `Lc=${lc} does not match a body of ${n - 5} bytes` };
  }
  // b4 === 0 with more bytes: extended form.
  if (n === 7) {
    const le = (bytes[5]! << 8) | bytes[6]!;
    return { ok: true, apdu: { ...base, data: empty, le: le === 0 ? 65536 : le, hasLe: true, extended: true } };
  }
  if (n < 7) return { ok: false, sw: SW.WRONG_LENGTH, reason: `extended header truncated (${n} bytes)` };
  const lc = (bytes[5]! << 8) | bytes[6]!;
  if (lc === 0) return { ok: false, sw: SW.WRONG_LENGTH, reason: 'extended Lc of 0' };
  if (n === 7 + lc) return { ok: true, apdu: { ...base, data: bytes.slice(7, 7 + lc), le: 0, hasLe: false, extended: true } };
  if (n === 9 + lc) {
    const le = (bytes[7 + lc]! << 8) | bytes[8 + lc]!;
    return { ok: true, apdu: { ...base, data: bytes.slice(7, 7 + lc), le: le === 0 ? 65536 : le, hasLe: true, extended: true } };
  }
  return { ok: false, sw: SW.WRONG_LENGTH, reason: `extended Lc=${lc} does not match a body of ${n - 7} bytes` };
}

export interface BuildOptions {
  data?: Uint8Array;
  /** Expected length; 256 (short) / 65536 (extended) are encoded as 00 / 0000. Omit for no Le. */
  le?: number;
  /** Force the extended form even when the short one would do. */
  extended?: boolean;
}

export function buildCommandApdu(cla: number, ins: number, p1: number, p2: number, opts: BuildOptions = {}): Uint8Array {
  const data = opts.data ?? new Uint8Array(0);
  const le = opts.le;
  const extended = opts.extended || data.length > 255 || (le !== undefined && le > 256);
  const out: number[] = [cla, ins, p1, p2];
  if (!extended) {
    if (data.length > 0) out.push(data.length, ...data);
    if (le !== undefined) out.push(le === 256 ? 0 : le);
  } else {
    if (data.length > 0) out.push(0, (data.length >> 8) & 0xff, data.length & 0xff, ...data);
    if (le !== undefined) {
      const v = le === 65536 ? 0 : le;
      if (data.length === 0) out.push(0);
      out.push((v >> 8) & 0xff, v & 0xff);
    }
  }
  return Uint8Array.from(out);
}

export function responseApdu(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = (sw >> 8) & 0xff;
  out[data.length + 1] = sw & 0xff;
  return out;
}

export function swOnly(sw: number): Uint8Array {
  return responseApdu(new Uint8Array(0), sw);
}

export interface ResponseApdu {
  data: Uint8Array;
  sw: number;
}

export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new RangeError(`response shorter than 2 bytes (${bytes.length}): no status word`);
  const sw = (bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]!;
  return { data: bytes.slice(0, bytes.length - 2), sw };
}

export function toHex(bytes: Uint8Array, sep = ' '): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(sep);
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError(`not hex bytes: "${hex}"`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export const swHex = (sw: number): string => sw.toString(16).padStart(4, '0').toUpperCase();
