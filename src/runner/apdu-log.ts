import { AID, type CardTransport } from '../protocol/card-transport.js';
import { parseCommandApdu, swHex, toHex } from '../protocol/apdu.js';

/**
 * APDUs as a person reads them in a report: the command's name (SELECT JPKI AP, VERIFY, READ
 * BINARY, COMPUTE DIGITAL SIGNATURE …), its bytes with VERIFY data masked (a PIN must never reach
 * a report), long data shortened, and the answer's status word with its meaning.
 */

/** Bytes of data shown before a long field is cut (a certificate is ~1.5 KB). */
export const APDU_DATA_SHOWN = 16;

export interface LoggedCommand {
  name: string;
  /** Header and body in hex; VERIFY data as `** ** ** **`; long data cut with its size. */
  hex: string;
}

export interface LoggedResponse {
  sw: string;
  meaning: string;
  /** Response data in hex, cut after APDU_DATA_SHOWN bytes with the full size. */
  data?: string;
}

const AID_NAMES: Array<[Uint8Array, string]> = [
  [AID.JPKI, 'JPKI AP'],
  [AID.TEXT, '券面事項入力補助 AP'],
  [AID.FACE, '券面 AP'],
];

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function shortHex(bytes: Uint8Array, shown = APDU_DATA_SHOWN): string {
  if (bytes.length <= shown) return toHex(bytes);
  return `${toHex(bytes.slice(0, shown))} … (${bytes.length} bytes)`;
}

/** Names a command APDU by CLA/INS/P1/P2 (jpki-apdu.md: the commands a face-auth reader sends). */
export function commandName(cla: number, ins: number, p1: number, p2: number, data: Uint8Array): string {
  switch (ins) {
    case 0xa4: {
      if (p1 === 0x04) return `SELECT ${AID_NAMES.find(([aid]) => sameBytes(aid, data))?.[1] ?? `AID ${toHex(data, '')}`}`;
      if (p1 === 0x02 || data.length === 2) return `SELECT EF ${toHex(data, '')}`;
      return 'SELECT';
    }
    case 0x20:
      return data.length === 0 ? 'VERIFY (tries left?)' : 'VERIFY';
    case 0xb0:
      return `READ BINARY offset ${((p1 << 8) | p2).toString(16).padStart(4, '0').toUpperCase()}`;
    case 0x2a:
      return cla === 0x80 && p1 === 0x00 && p2 === 0x80 ? 'COMPUTE DIGITAL SIGNATURE' : `PSO ${toHex(Uint8Array.from([p1, p2]), '')}`;
    case 0x84:
      return 'GET CHALLENGE';
    case 0x88:
      return 'INTERNAL AUTHENTICATE';
    case 0xca:
    case 0xcb:
      return 'GET DATA';
    case 0x24:
      return 'CHANGE REFERENCE DATA';
    case 0x2c:
      return 'RESET RETRY COUNTER';
    default:
      return `INS ${toHex(Uint8Array.from([ins]))}`;
  }
}

export function describeCommand(bytes: Uint8Array): LoggedCommand {
  const parsed = parseCommandApdu(bytes);
  if (!parsed.ok) return { name: `malformed (${parsed.reason})`, hex: shortHex(bytes, 32) };
  const { cla, ins, p1, p2, data } = parsed.apdu;
  const name = commandName(cla, ins, p1, p2, data);
  const header = toHex(bytes.slice(0, 4));
  if (data.length === 0) return { name, hex: toHex(bytes) };
  const lcLen = parsed.apdu.extended ? 3 : 1;
  const lc = toHex(bytes.slice(4, 4 + lcLen));
  const trailer = bytes.slice(4 + lcLen + data.length);
  // VERIFY carries the PIN: only its length is shown.
  const body = ins === 0x20 ? Array.from(data, () => '**').join(' ') : shortHex(data);
  return { name, hex: [header, lc, body, trailer.length > 0 ? toHex(trailer) : ''].filter(Boolean).join(' ') };
}

export function swMeaning(sw: number): string {
  if (sw === 0x9000) return 'OK';
  if ((sw & 0xfff0) === 0x63c0) return `wrong PIN, ${sw & 0x0f} tries left`;
  if ((sw & 0xff00) === 0x6100) return `${sw & 0xff} more bytes available`;
  const known: Record<number, string> = {
    0x6700: 'wrong length',
    0x6982: 'security status not satisfied',
    0x6983: 'PIN blocked',
    0x6984: 'reference data not usable',
    0x6985: 'conditions of use not satisfied',
    0x6986: 'command not allowed (no EF selected)',
    0x6a80: 'wrong data',
    0x6a82: 'file not found',
    0x6a86: 'incorrect P1 P2',
    0x6b00: 'wrong P1 P2',
    0x6d00: 'instruction not supported',
    0x6e00: 'class not supported',
    0x6f00: 'no precise diagnosis',
  };
  return known[sw] ?? 'unknown status';
}

export function describeResponse(bytes: Uint8Array): LoggedResponse {
  if (bytes.length < 2) return { sw: '(none)', meaning: `response of ${bytes.length} bytes has no status word` };
  const sw = (bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]!;
  const data = bytes.slice(0, -2);
  return { sw: swHex(sw).replace(/^(..)/, '$1 '), meaning: swMeaning(sw), ...(data.length > 0 ? { data: shortHex(data) } : {}) };
}

export interface ApduExchange {
  command: LoggedCommand;
  response?: LoggedResponse;
  /** The transport failed (a destroyed chip, a card removed mid-command). */
  error?: string;
}

/** A transport that reports every exchange (described, masked) and otherwise is the card. */
export function tapTransport(card: CardTransport, onExchange: (e: ApduExchange) => void): CardTransport {
  // An iPhone's biometric unlock is no APDU: passed through so the reader can reach it.
  const biometricUnlock = card.biometricUnlock?.bind(card);
  return {
    get atr() {
      return card.atr;
    },
    ...(biometricUnlock !== undefined ? { biometricUnlock } : {}),
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      const described = describeCommand(command);
      try {
        const response = await card.transmit(command);
        onExchange({ command: described, response: describeResponse(response) });
        return response;
      } catch (e) {
        onExchange({ command: described, error: (e as Error).message });
        throw e;
      }
    },
  };
}
