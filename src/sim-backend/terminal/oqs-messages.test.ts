import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VirtualClock, isoDate } from '../../domain/index.js';
import { decodeOqsMessageResult, OqsSocketResult, type BulkCheckDownloadResult, type BulkUploadResult } from '../../protocol/oqs-messages.js';
import { decodeOqsXml } from '../../protocol/oqs-xml.js';
// Test only: the real central on loopback behind the terminal (simulators never import each other in code).
import { startCentral, type CentralServer } from '../central/server.js';
import { EligibilityStore } from '../central/store.js';
import { startTerminal, type Terminal } from './server.js';

const FACILITY = '1310000000';
const clock = new VirtualClock('2025-04-01T17:00:00+09:00');
let central: CentralServer;
let terminal: Terminal;
let root: string;

beforeAll(async () => {
  const store = new EligibilityStore();
  store.addPerson({ id: 'jiro', name: '架空　次郎', birthDate: isoDate('1980-01-15'), sex: 1 }, [
    {
      insurerNumber: '138057',
      insurerName: '架空市',
      insurerKind: 'kokuho',
      symbol: '架空',
      number: '0456',
      branch: '00',
      relation: 'insured',
      cardClassification: '01',
      acquiredOn: isoDate('2020-04-01'),
      incomeClass: 'general',
    },
  ]);
  central = await startCentral({ clock, store, trustAnchors: [], oqs: { bulkProcessingMs: 5 * 60_000 } });
  root = await mkdtemp(join(tmpdir(), 'myna-oqs-msg-'));
  terminal = await startTerminal({ clock, centralUrl: central.url, medicalInstitutionCode: FACILITY, folders: { root, encoding: 'cp932', pollIntervalMs: 50 } });
});
afterAll(async () => {
  await terminal?.close();
  await central?.close();
  await rm(root, { recursive: true, force: true });
});

const UPLOAD = (fileId: string) => `<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>
<XmlMsg><MessageHeader><QualificationConfirmationDate>20250402</QualificationConfirmationDate><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode><ArbitraryFileIdentifier>${fileId}</ArbitraryFileIdentifier></MessageHeader>
<MessageBody>
<QualificationConfirmSearchInfo><InsurerNumber>  138057</InsurerNumber><InsuredCardSymbol>架空</InsuredCardSymbol><InsuredIdentificationNumber>0456</InsuredIdentificationNumber><InsuredBranchNumber>00</InsuredBranchNumber><Birthdate>19800115</Birthdate><LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg><ArbitraryIdentifier>P0001</ArbitraryIdentifier></QualificationConfirmSearchInfo>
</MessageBody></XmlMsg>`;
const DOWNLOAD = (n: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="no"?><XmlMsg><MessageHeader><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader><MessageBody><ReceptionNumber>${n}</ReceptionNumber></MessageBody></XmlMsg>`;

/** As real clients do: write under a temporary name, then rename into req/. */
async function drop(name: string, bytes: Buffer): Promise<void> {
  const temp = join(terminal.folders!.paths.req, `${name}.tmp`);
  await writeFile(temp, bytes);
  await rename(temp, join(terminal.folders!.paths.req, name));
  await terminal.folders!.whenIdle(5000);
}

async function resultFile<T>(kind: 'OQSmuquc01' | 'OQSmuquc02', name: string): Promise<{ tree: T; text: string }> {
  const bytes = await readFile(join(terminal.folders!.paths.res, name));
  const decoded = decodeOqsMessageResult(kind, bytes);
  if ('error' in decoded) throw new Error(`${name}: ${decoded.error.where}: ${decoded.error.message}`);
  return { tree: decoded.result as T, text: iconv.decode(bytes, 'cp932') };
}

describe('一括照会 through the folders: OQSmuquc01req → receipt, OQSmuquc02req → 処理中, then the result', () => {
  it('answers each request in res/ under the same suffix, removes the requests, and writes CP932 (CharacterCodeIdentifier 1)', async () => {
    await drop('OQSmuquc01req_202504010001.xml', iconv.encode(UPLOAD('yoyaku'), 'cp932'));
    const receipt = await resultFile<BulkUploadResult>('OQSmuquc01', 'OQSmuquc01res_202504010001.xml');
    expect(receipt.text).toContain('<CharacterCodeIdentifier>1</CharacterCodeIdentifier>');
    expect(receipt.tree.XmlMsg.MessageHeader.ArbitraryFileIdentifier).toBe('yoyaku');
    const number = receipt.tree.XmlMsg.MessageBody.ReceptionNumber!;
    expect(number).toMatch(/^20250401\d{6}$/);

    await drop('OQSmuquc02req_202504010002.xml', Buffer.from(DOWNLOAD(number)));
    const early = await resultFile<BulkCheckDownloadResult>('OQSmuquc02', 'OQSmuquc02res_202504010002.xml');
    expect(early.tree.XmlMsg.MessageHeader.SegmentOfResult).toBe('2');

    clock.advance(5 * 60_000);
    await drop('OQSmuquc02req_202504010003.xml', Buffer.from(DOWNLOAD(number)));
    const done = await resultFile<BulkCheckDownloadResult>('OQSmuquc02', 'OQSmuquc02res_202504010003.xml');
    expect(done.tree.XmlMsg.MessageHeader.SegmentOfResult).toBe('1');
    expect(done.text).toMatch(/<BulkConfirmUnit>[\s\S]*<Name>架空　次郎<\/Name>[\s\S]*<\/BulkConfirmUnit>/);
    expect(done.tree.XmlMsg.MessageBody.BulkConfirmUnit.map((u) => u.QualificationValidity)).toEqual(['1']);
    expect((await readdir(terminal.folders!.paths.req)).filter((n) => n !== 'error')).toEqual([]);
  });

  it('answers a malformed upload with SegmentOfResult 9 naming the element, and moves it to req/error/', async () => {
    await drop('OQSmuquc01req_bad.xml', iconv.encode(UPLOAD('bad').replace('<Birthdate>19800115', '<Birthdate>1980-01-15'), 'cp932'));
    const decoded = decodeOqsXml(await readFile(join(terminal.folders!.paths.res, 'OQSmuquc01res_bad.xml')));
    if ('error' in decoded) throw new Error(decoded.error.message);
    expect(decoded.message.XmlMsg.MessageHeader.SegmentOfResult).toBe('9');
    expect(decoded.message.XmlMsg.MessageHeader.ErrorCode).toBe('MRX010');
    expect(decoded.message.XmlMsg.MessageHeader.ErrorMessage).toMatch(/^XmlMsg\/MessageBody\/QualificationConfirmSearchInfo\[0\]\/Birthdate: /);
    expect(await readdir(terminal.folders!.paths.reqError)).toContain('OQSmuquc01req_bad.xml');
  });
});

describe('the same messages as JSON: POST /oqs/<kind> and WebSocket /oqs', () => {
  const uploadTree = {
    XmlMsg: {
      MessageHeader: { QualificationConfirmationDate: '20250402', MedicalInstitutionCode: FACILITY },
      MessageBody: {
        QualificationConfirmSearchInfo: [
          { InsurerNumber: '  138057', InsuredCardSymbol: '架空', InsuredIdentificationNumber: '0456', InsuredBranchNumber: '00', Birthdate: '19800115', LimitApplicationCertificateRelatedConsFlg: '1' },
        ],
      },
    },
  };
  const http = async (kind: string, body: unknown) => {
    const res = await fetch(`${terminal.url}/oqs/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { XmlMsg: { MessageHeader: Record<string, string>; MessageBody: Record<string, unknown> } } };
  };

  it('answers over HTTP exactly the trees of the files: receipt, 処理中, result; and the single check OQSsiquc01', async () => {
    const receipt = await http('OQSmuquc01', uploadTree);
    expect(receipt.status).toBe(200);
    const number = receipt.body.XmlMsg.MessageBody.ReceptionNumber as string;
    const early = await http('OQSmuquc02', JSON.parse(JSON.stringify({ XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { ReceptionNumber: number } } })));
    expect(early.body.XmlMsg.MessageHeader.SegmentOfResult).toBe('2');
    clock.advance(5 * 60_000);
    const done = await http('OQSmuquc02', { XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { ReceptionNumber: number } } });
    expect(done.body.XmlMsg.MessageHeader.NumberOfProcessingResult).toBe('1');
    const single = await http('OQSsiquc01', {
      XmlMsg: { MessageHeader: { QualificationConfirmationDate: '20250402', MedicalInstitutionCode: FACILITY }, MessageBody: { QualificationConfirmSearchInfo: uploadTree.XmlMsg.MessageBody.QualificationConfirmSearchInfo[0] } },
    });
    expect([single.status, single.body.XmlMsg.MessageHeader.ReferenceClassification, single.body.XmlMsg.MessageBody.QualificationValidity]).toEqual([200, '2', '1']);
  });

  it('answers an invalid tree with the error result the file would get (400, MRX009 / MRX010), an unknown kind with 404 (MRX012)', async () => {
    const missing = await http('OQSmuquc02', { XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: {} } });
    expect([missing.status, missing.body.XmlMsg.MessageHeader.SegmentOfResult, missing.body.XmlMsg.MessageHeader.ErrorCode]).toEqual([400, '9', 'MRX009']);
    expect(missing.body.XmlMsg.MessageHeader.ErrorMessage).toBe('XmlMsg/MessageBody/ReceptionNumber: <ReceptionNumber> is required here and missing');
    const unknown = await http('OQSmuxyz01', uploadTree);
    expect([unknown.status, unknown.body.XmlMsg.MessageHeader.ErrorCode]).toEqual([404, 'MRX012']);
  });

  it('answers WebSocket frames by id, and a malformed frame with protocol.error without closing', async () => {
    const ws = new WebSocket(terminal.oqsUrl);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    ws.send('{not json');
    ws.send(JSON.stringify({ v: 1, id: 'u1', kind: 'OQSmuquc01', request: uploadTree }));
    const deadline = Date.now() + 3000;
    while (frames.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    ws.close();
    expect(frames[0]).toMatchObject({ v: 1, type: 'protocol.error', code: 'malformed-json' });
    const answer = OqsSocketResult.parse(frames[1]);
    expect([answer.id, answer.kind, answer.status]).toEqual(['u1', 'OQSmuquc01', 200]);
    expect((answer.result as BulkUploadResult).XmlMsg.MessageBody.ReceptionNumber).toMatch(/^20250401\d{6}$/);
  });
});

describe('malformed files of the other kinds: each answered or moved aside, none lost, watcher alive', () => {
  it('300 generated files as OQSmuquc01 / OQSmuquc02 / OQSsiimm01 / YZKsiquc01 requests', async () => {
    const { sampleRequestFiles, dropFiles } = await import('./test-malformed-requests.js');
    const kinds = ['OQSmuquc01', 'OQSmuquc02', 'OQSsiimm01', 'YZKsiquc01'] as const;
    const files = sampleRequestFiles(300, 20251123).map((f, i) => (f.kind === 'stray-name' ? f : { ...f, name: f.name.replace('OQSsiquc01req_', `${kinds[i % kinds.length]}req_p`) }));
    await dropFiles(terminal.folders!.paths.req, files);
    await terminal.folders!.whenIdle(60_000);
    const res = new Set(await readdir(terminal.folders!.paths.res));
    const aside = new Set(await readdir(terminal.folders!.paths.reqError));
    const problems: string[] = [];
    let refused = 0;
    for (const f of files) {
      if (f.kind === 'stray-name') {
        if (!aside.has(f.name)) problems.push(`${f.name} not moved aside`);
        continue;
      }
      const resultName = f.name.replace('req_', 'res_');
      if (!res.has(resultName)) {
        problems.push(`${f.name} (${f.kind}) has no result`);
        continue;
      }
      const text = (await readFile(join(terminal.folders!.paths.res, resultName))).toString('latin1');
      const failed = text.includes('<SegmentOfResult>9</SegmentOfResult>');
      if (failed) refused += 1;
      if (failed !== aside.has(f.name)) problems.push(`${f.name} (${f.kind}): refused=${failed} but in req/error=${aside.has(f.name)}`);
      if (!failed && f.kind !== 'valid' && f.kind !== 'truncated') problems.push(`${f.name} (${f.kind}) answered as valid`);
    }
    expect(problems).toEqual([]);
    expect(refused).toBeGreaterThan(150);
    expect((await readdir(terminal.folders!.paths.req)).filter((n) => n !== 'error')).toEqual([]);
    // Still watching: a valid upload afterwards is answered.
    await drop('OQSmuquc01req_after.xml', iconv.encode(UPLOAD('after'), 'cp932'));
    expect(await readdir(terminal.folders!.paths.res)).toContain('OQSmuquc01res_after.xml');
  }, 90_000);
});
