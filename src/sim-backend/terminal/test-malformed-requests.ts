import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import type { OqsQualificationRequest } from '../../protocol/oqs-request.js';
import { decodeOqsXml, encodeOqsRequestXml, MAX_OQS_XML_BYTES } from '../../protocol/oqs-xml.js';
import type { FolderGateway } from './folders.js';

/**
 * Test and bench support (not built into dist): request files of every bad kind the issue names
 * — truncated, wrong encoding, unknown elements, huge — plus valid ones and stray names, and the
 * check that every one of them was answered or moved aside.
 */

export const VALID_REQUEST: OqsQualificationRequest = {
  XmlMsg: {
    MessageHeader: { QualificationConfirmationDate: '20250401', MedicalInstitutionCode: '1310000000', ArbitraryFileIdentifier: '受付0001' },
    MessageBody: {
      QualificationConfirmSearchInfo: {
        InsurerNumber: '  138057',
        InsuredCardSymbol: '12-3',
        InsuredIdentificationNumber: '0456',
        InsuredBranchNumber: '01',
        Birthdate: '19800115',
        LimitApplicationCertificateRelatedConsFlg: '1',
      },
    },
  },
};

export interface RequestFile {
  kind: 'valid' | 'truncated' | 'wrong-encoding' | 'unknown-element' | 'huge' | 'garbage' | 'stray-name';
  /** A request name unless kind is stray-name. */
  name: string;
  bytes: Buffer;
}

const utf8 = encodeOqsRequestXml(VALID_REQUEST, { encoding: 'utf8' });
const sjis = encodeOqsRequestXml(VALID_REQUEST, { encoding: 'cp932' });

const fileBody = fc.oneof(
  fc.constant<Omit<RequestFile, 'name'>>({ kind: 'valid', bytes: utf8 }),
  fc.constant<Omit<RequestFile, 'name'>>({ kind: 'valid', bytes: sjis }),
  fc.integer({ min: 0, max: utf8.length - 2 }).map((n) => ({ kind: 'truncated' as const, bytes: utf8.subarray(0, n) })),
  fc.integer({ min: 0, max: sjis.length - 2 }).map((n) => ({ kind: 'truncated' as const, bytes: sjis.subarray(0, n) })),
  // Shift_JIS bytes under a UTF-8 declaration, UTF-8 bytes under a Shift_JIS one, UTF-16.
  fc.constantFrom(
    { kind: 'wrong-encoding' as const, bytes: Buffer.concat([utf8.subarray(0, utf8.indexOf('?>') + 2), sjis.subarray(sjis.indexOf('?>') + 2)]) },
    { kind: 'wrong-encoding' as const, bytes: Buffer.concat([sjis.subarray(0, sjis.indexOf('?>') + 2), Buffer.from('<XmlMsg><MessageHeader>𠮷\uFFFD</MessageHeader></XmlMsg>')]) },
    { kind: 'wrong-encoding' as const, bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf8.toString('utf8'), 'utf16le')]) },
    { kind: 'wrong-encoding' as const, bytes: Buffer.from(utf8.toString('utf8').replace('UTF-8', 'EUC-JP')) },
  ),
  fc
    .tuple(fc.constantFrom('<MessageHeader>', '<MessageBody>', '<QualificationConfirmSearchInfo>', '<XmlMsg>'), fc.stringMatching(/^[A-Z][A-Za-z]{0,11}$/), fc.string({ maxLength: 8 }))
    .filter(([, tag]) => !['InsurerNumber', 'Birthdate'].includes(tag))
    .map(([after, tag, text]) => {
      const xml = utf8.toString('utf8');
      // eslint-disable-next-line no-control-regex -- markup and characters XML 1.0 forbids
      const safe = text.replace(/[<&\u0000-\u001F\uFFFE\uFFFF]/g, '');
      return { kind: 'unknown-element' as const, bytes: Buffer.from(xml.replace(after, `${after}<X${tag}>${safe}</X${tag}>`)) };
    }),
  fc.integer({ min: 1, max: 4096 }).map((extra) => ({ kind: 'huge' as const, bytes: Buffer.alloc(MAX_OQS_XML_BYTES + extra, 0x20) })),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => ({ kind: 'garbage' as const, bytes: Buffer.from(b) })),
);

/** `count` files with unique names; about 1 in 40 carries a name that is not a request at all. */
export function sampleRequestFiles(count: number, seed: number): RequestFile[] {
  const bodies = fc.sample(fc.tuple(fileBody, fc.integer({ min: 0, max: 39 })), { numRuns: count, seed });
  return bodies.map(([body, roll], i) =>
    roll === 0
      ? { kind: 'stray-name', name: `note-${i}.txt`, bytes: body.bytes }
      : { ...body, name: `OQSsiquc01req_${String(i).padStart(12, '0')}.xml` },
  );
}

export async function dropFiles(reqDir: string, files: readonly RequestFile[]): Promise<void> {
  for (const f of files) await writeFile(join(reqDir, f.name), f.bytes);
}

export interface Accounting {
  answered: number;
  refused: number;
  movedAside: number;
  /** Human-readable problems; empty when every file is accounted for. */
  problems: string[];
}

/** Every file answered in res/ or moved to req/error/ (or both, for a refused request); none left, none lost. */
export async function accountFor(gateway: FolderGateway, files: readonly RequestFile[]): Promise<Accounting> {
  const req = new Set(await readdir(gateway.paths.req));
  const res = new Set(await readdir(gateway.paths.res));
  const aside = new Set(await readdir(gateway.paths.reqError));
  const out: Accounting = { answered: 0, refused: 0, movedAside: 0, problems: [] };
  for (const f of files) {
    if (req.has(f.name)) out.problems.push(`${f.name} (${f.kind}) is still in req/`);
    if (f.kind === 'stray-name') {
      if (aside.has(f.name)) out.movedAside += 1;
      else out.problems.push(`${f.name} was not moved to req/error/`);
      continue;
    }
    const resultName = f.name.replace('OQSsiquc01req_', 'OQSsiquc01res_');
    if (!res.has(resultName)) {
      out.problems.push(`${f.name} (${f.kind}) has no result ${resultName}`);
      continue;
    }
    const decoded = decodeOqsXml(await readFile(join(gateway.paths.res, resultName)));
    if ('error' in decoded) {
      out.problems.push(`${resultName}: our own result does not decode: ${decoded.error.message}`);
      continue;
    }
    const failed = decoded.message.XmlMsg.MessageHeader.SegmentOfResult === '9';
    if (failed && !aside.has(f.name)) out.problems.push(`${f.name} (${f.kind}) was refused but is not in req/error/`);
    if (!failed && aside.has(f.name)) out.problems.push(`${f.name} (${f.kind}) was answered but also moved aside`);
    if (failed) out.refused += 1;
    else out.answered += 1;
    if (f.kind !== 'valid' && f.kind !== 'truncated' && !failed) out.problems.push(`${f.name} (${f.kind}) was answered as if it were valid`);
  }
  const extra = [...req].filter((n) => n !== 'error');
  if (extra.length > 0) out.problems.push(`req/ still holds ${extra.slice(0, 5).join(', ')}`);
  return out;
}

/** For decoding a Shift_JIS result in checks. */
export const decodeCp932 = (b: Buffer): string => iconv.decode(b, 'cp932');
