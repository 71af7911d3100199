import { fromHex } from '../../protocol/apdu.js';
import { createRng } from '../../domain/rng.js';
import { describeCommand, describeResponse } from '../apdu-log.js';
import { anonymizeText } from './anonymize.js';
import type { ImportedScenario } from './render.js';
import { idFromFileName, ImportError, type ImportOptions } from './result-xml.js';

/**
 * A pcscd `--apdu` log (Debian's pcscd: `pcscd --foreground --debug --apdu`) → a card persona
 * that answers the way the logged card did. pcscd prints each command as `APDU: 00 A4 …` and the
 * whole answer (data, then SW1 SW2) as `SW: … 90 00`, after a timestamp and often a source
 * location (`winscard.c:1624:SCardTransmit()`). VERIFY data is the PIN: it is never copied out.
 */

export interface LoggedExchange {
  /** 1-based line of the APDU: line. */
  line: number;
  command: Uint8Array;
  /** The whole answer, SW last; undefined when the log shows none (card gone, transmit failed). */
  response?: Uint8Array;
}

const APDU_LINE = /\bAPDU:\s*((?:[0-9A-Fa-f]{2}\s*)+)$/;
const SW_LINE = /\bSW:\s*((?:[0-9A-Fa-f]{2}\s*)+)$/;

export function parsePcscdLog(text: string, fileName: string): LoggedExchange[] {
  const out: LoggedExchange[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trimEnd();
    const a = APDU_LINE.exec(line);
    if (a) {
      out.push({ line: i + 1, command: fromHex(a[1]!.replace(/\s+/g, '')) });
      return;
    }
    const s = SW_LINE.exec(line);
    if (s) {
      const last = out.at(-1);
      if (!last || last.response) throw new ImportError(`${fileName}:${i + 1}: an SW: line without the APDU: line before it; is the log cut?`);
      last.response = fromHex(s[1]!.replace(/\s+/g, ''));
    }
  });
  if (out.length === 0) throw new ImportError(`${fileName}: no "APDU: …" lines; record one with \`pcscd --foreground --debug --apdu\` while the reader reads the card`);
  return out;
}

export interface CardObservations {
  /** Commands by name in order of first use, e.g. SELECT JPKI AP, SELECT EF 000A, READ BINARY ×6. */
  commands: Array<{ name: string; count: number }>;
  applications: string[];
  files: string[];
  /** Tries left reported before the first wrong PIN (VERIFY without data, or 63 Cx + 1). */
  triesAtStart?: number;
  wrongPins: number;
  pinAccepted: boolean;
  pinBlocked: boolean;
  /** VERIFY answered 69 84: no PIN set (顔認証マイナンバーカード). */
  pinless: boolean;
  /** Commands the log shows without an answer. */
  unanswered: number;
  signed: boolean;
}

const sw = (r: Uint8Array | undefined): number | undefined => (r && r.length >= 2 ? (r[r.length - 2]! << 8) | r[r.length - 1]! : undefined);

export function observeCard(exchanges: LoggedExchange[]): CardObservations {
  const counts = new Map<string, number>();
  const o: CardObservations = { commands: [], applications: [], files: [], wrongPins: 0, pinAccepted: false, pinBlocked: false, pinless: false, unanswered: 0, signed: false };
  for (const x of exchanges) {
    const { name } = describeCommand(x.command);
    const key = name.replace(/ offset [0-9A-F]{4}$/, '');
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const status = sw(x.response);
    if (status === undefined) {
      o.unanswered += 1;
      continue;
    }
    if (name.startsWith('SELECT EF ') && status === 0x9000 && !o.files.includes(name.slice(10))) o.files.push(name.slice(10));
    else if (name.startsWith('SELECT ') && !name.startsWith('SELECT EF') && status === 0x9000 && !o.applications.includes(name.slice(7))) o.applications.push(name.slice(7));
    if (name.startsWith('VERIFY')) {
      const withData = name === 'VERIFY';
      if ((status & 0xfff0) === 0x63c0) {
        const left = status & 0x0f;
        if (withData) {
          o.triesAtStart ??= left + 1;
          o.wrongPins += 1;
        } else o.triesAtStart ??= left;
      } else if (status === 0x6983) {
        o.pinBlocked = true;
        o.triesAtStart ??= 0;
      } else if (status === 0x6984) o.pinless = true;
      else if (status === 0x9000 && withData) o.pinAccepted = true;
    }
    if (name === 'COMPUTE DIGITAL SIGNATURE' && status === 0x9000) o.signed = true;
  }
  o.commands = [...counts].map(([name, count]) => ({ name, count }));
  return o;
}

export function importPcscdLog(text: string, fileName: string, opts: ImportOptions = {}): ImportedScenario {
  const exchanges = parsePcscdLog(text, fileName);
  const o = observeCard(exchanges);
  const rng = createRng(opts.seed ?? 1);
  const file = fileName.split(/[\\/]/).pop()!;
  const pin = '1234';
  const wrong = '9999';
  const destroyed = o.unanswered === exchanges.length;
  const card: Record<string, unknown> = destroyed
    ? { state: 'destroyed' }
    : o.pinless
      ? { pinless: true }
      : { pin, pinTriesLeft: Math.min(3, o.triesAtStart ?? 3) };
  const steps: Array<Record<string, unknown>> = [{ 'place-card': 'holder' }];
  if (!destroyed && o.pinless) steps.push({ choose: 'face' }, { 'present-face': 'match' });
  else if (!destroyed && o.triesAtStart !== 0 && (o.wrongPins > 0 || o.pinAccepted || o.pinBlocked)) {
    steps.push({ choose: 'pin' });
    for (let i = 0; i < o.wrongPins; i++) steps.push({ 'enter-pin': wrong });
    if (o.pinAccepted) steps.push({ 'enter-pin': pin }, { consent: 'agree-all' });
  }
  steps.push({ 'remove-card': null });
  const describeResponseOf = (x: LoggedExchange): string => (x.response ? describeResponse(x.response).sw : 'no answer');
  return {
    header: [
      `Imported by \`myna-rig import\` from ${file} (pcscd --apdu log, ${exchanges.length} command${exchanges.length === 1 ? '' : 's'}).`,
      `Applications selected: ${o.applications.join(', ') || '(none)'}; files selected: ${o.files.join(', ') || '(none)'}.`,
      `Commands: ${o.commands.map((c) => `${c.name} ×${c.count}`).join(', ')}.`,
      `PIN: ${o.pinless ? 'none set (VERIFY → 69 84: a face-only card)' : `${o.triesAtStart ?? 'unknown'} tries left at the start, ${o.wrongPins} wrong, ${o.pinAccepted ? 'then accepted' : o.pinBlocked ? 'then blocked (69 83)' : 'never accepted'}`}${o.signed ? '; the card signed' : ''}.`,
      ...(o.unanswered > 0 ? [`${o.unanswered} command${o.unanswered === 1 ? '' : 's'} got no answer${destroyed ? ': the chip answers nothing (state: destroyed)' : ''}.`] : []),
      `Last exchange: ${describeCommand(exchanges.at(-1)!.command).name} → ${describeResponseOf(exchanges.at(-1)!)}.`,
      'The PIN digits in the log were not copied: the persona uses 1234 and a wrong try enters 9999.',
      'The log carries no personal data the rig needs: name, birth date and qualification are made up.',
    ],
    scenario: {
      id: opts.id ?? idFromFileName(file),
      title: `TODO: what goes wrong (imported from ${file})`,
      tags: ['imported'],
      source: { imported: file, kind: 'pcscd-apdu-log' },
      at: '2025-04-07T09:00:00+09:00',
      personas: {
        holder: {
          name: anonymizeText('山田　太郎', rng),
          birthDate: '1980-05-15',
          sex: 1,
          card,
          qualifications: [{ insurerNumber: '01130012', insurerName: '全国健康保険協会東京支部', insurerKind: 'kyokai', number: String(rng.int(10, 9999)), acquiredOn: '2010-04-01' }],
        },
      },
      steps,
    },
    expectTodo: [
      'TODO: write what the reception must do, from the rules (cite them in `source`).',
      'e.g. after a locked PIN: reader: { screen: …, pinAvailable: false } and outcome: { status: fallback }',
    ],
  };
}
