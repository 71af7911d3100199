import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../domain/clock.js';
import { isoDate } from '../../domain/index.js';
import { NO_CONSENT } from '../../protocol/consent.js';
import { buildQualificationResult } from '../central/qualification-result.js';
import type { OqsQualificationRequest, OqsResultDocument } from '../../protocol/oqs-request.js';
import { decodeOqsXml, encodeOqsRequestXml } from '../../protocol/oqs-xml.js';
import type { CentralResult } from './central-client.js';
import { startFolderGateway, type FolderEvent, type FolderGateway } from './folders.js';
import { accountFor, dropFiles, sampleRequestFiles, VALID_REQUEST } from './test-malformed-requests.js';

const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function answerFor(request: OqsQualificationRequest): OqsResultDocument {
  return {
    XmlMsg: {
      MessageHeader: {
        ProcessExecutionTime: '20250401093000',
        CharacterCodeIdentifier: '0',
        SegmentOfResult: '1',
        QualificationConfirmationDate: request.XmlMsg.MessageHeader.QualificationConfirmationDate,
        ReferenceClassification: '2',
        MedicalInstitutionCode: request.XmlMsg.MessageHeader.MedicalInstitutionCode,
      },
      MessageBody: {
        QualificationConfirmSearchInfo: request.XmlMsg.MessageBody.QualificationConfirmSearchInfo,
        ProcessingResultStatus: '1',
        QualificationValidity: '4',
      },
    },
  };
}

async function gateway(
  central: (r: OqsQualificationRequest) => Promise<CentralResult<OqsResultDocument>> = async (r) => ({ ok: true, value: answerFor(r) }),
  encoding: 'utf8' | 'cp932' = 'utf8',
): Promise<{ gw: FolderGateway; events: FolderEvent[]; asked: OqsQualificationRequest[] }> {
  const root = await mkdtemp(join(tmpdir(), 'myna-folders-'));
  const events: FolderEvent[] = [];
  const asked: OqsQualificationRequest[] = [];
  const gw = await startFolderGateway({
    root,
    encoding,
    clock,
    medicalInstitutionCode: '1310000000',
    checkQualification: (r) => {
      asked.push(r);
      return central(r);
    },
    onEvent: (e) => events.push(e),
  });
  cleanups.push(async () => {
    await gw.close();
    await rm(root, { recursive: true, force: true });
  });
  return { gw, events, asked };
}

const resultOf = async (gw: FolderGateway, name: string) => {
  const decoded = decodeOqsXml(await readFile(join(gw.paths.res, name)));
  if ('error' in decoded) throw new Error(decoded.error.message);
  return decoded.message;
};

describe('folder gateway: req/ → res/', () => {
  it('creates face/, req/, res/ and req/error/', async () => {
    const { gw } = await gateway();
    expect((await readdir(gw.paths.root)).sort()).toEqual(['face', 'req', 'res']);
    expect(await readdir(gw.paths.req)).toEqual(['error']);
  });

  it('answers a Shift_JIS request in res/ (UTF-8 result), passes the tree to central and removes the request', async () => {
    const { gw, asked, events } = await gateway();
    await writeFile(join(gw.paths.req, 'OQSsiquc01req_202504010001.xml'), encodeOqsRequestXml(VALID_REQUEST, { encoding: 'cp932' }));
    await gw.whenIdle(3000);
    expect(asked).toEqual([VALID_REQUEST]);
    expect(await readdir(gw.paths.req)).toEqual(['error']);
    expect(await readdir(gw.paths.res)).toEqual(['OQSsiquc01res_202504010001.xml']);
    const result = await resultOf(gw, 'OQSsiquc01res_202504010001.xml');
    expect(result.XmlMsg.MessageHeader.CharacterCodeIdentifier).toBe('0');
    expect(result.XmlMsg.MessageBody.QualificationConfirmSearchInfo?.InsurerNumber).toBe('  138057');
    expect(events.map((e) => e.kind)).toEqual(['request-answered']);
  });

  it('answers within 300 ms of the rename into req/', async () => {
    const { gw } = await gateway();
    const temp = join(gw.paths.root, 'draft.xml');
    await writeFile(temp, encodeOqsRequestXml(VALID_REQUEST, { encoding: 'utf8' }));
    const started = Date.now();
    await rename(temp, join(gw.paths.req, 'OQSsiquc01req_fast.xml'));
    while (!(await readdir(gw.paths.res)).includes('OQSsiquc01res_fast.xml')) {
      if (Date.now() - started > 300) throw new Error('no result within 300 ms');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(Date.now() - started).toBeLessThanOrEqual(300);
  });

  it('refuses a request with an unknown element: SegmentOfResult 9, our ErrorCode, the request in req/error/', async () => {
    const { gw, asked } = await gateway();
    const bad = encodeOqsRequestXml(VALID_REQUEST, { encoding: 'utf8' }).toString('utf8').replace('<Birthdate>', '<Nickname>x</Nickname><Birthdate>');
    await writeFile(join(gw.paths.req, 'OQSsiquc01req_bad.xml'), bad);
    await gw.whenIdle(3000);
    expect(asked).toEqual([]);
    expect(await readdir(gw.paths.reqError)).toEqual(['OQSsiquc01req_bad.xml']);
    const header = (await resultOf(gw, 'OQSsiquc01res_bad.xml')).XmlMsg.MessageHeader;
    expect(header).toMatchObject({
      SegmentOfResult: '9',
      ErrorCode: 'MRX007',
      ErrorMessage:
        'XmlMsg/MessageBody/QualificationConfirmSearchInfo/Nickname: <Nickname> is not an element of <QualificationConfirmSearchInfo> here; expected one of InsurerNumber, InsuredCardSymbol, InsuredIdentificationNumber, InsuredBranchNumber, Birthdate, LimitApplicationCertificateRelatedConsFlg, ArbitraryIdentifier',
      ReferenceClassification: '2',
      MedicalInstitutionCode: '1310000000',
      QualificationConfirmationDate: '20250401',
    });
  });

  it('refuses a request when central does not answer (MRX020), keeping the request in req/error/', async () => {
    const { gw } = await gateway(async () => ({ ok: false, failure: { kind: 'http-error', detail: 'HTTP 503: outage' } }));
    await writeFile(join(gw.paths.req, 'OQSsiquc01req_x.xml'), encodeOqsRequestXml(VALID_REQUEST, { encoding: 'utf8' }));
    await gw.whenIdle(3000);
    const header = (await resultOf(gw, 'OQSsiquc01res_x.xml')).XmlMsg.MessageHeader;
    expect(header.ErrorCode).toBe('MRX020');
    expect(header.ArbitraryFileIdentifier).toBe('受付0001');
    expect(await readdir(gw.paths.reqError)).toEqual(['OQSsiquc01req_x.xml']);
  });

  it('answers another request kind with unsupported-request and moves a stray file aside without a result', async () => {
    const { gw } = await gateway();
    await writeFile(join(gw.paths.req, 'OQSmuquc01req_batch.xml'), '<XmlMsg/>');
    await writeFile(join(gw.paths.req, 'readme.txt'), 'hello');
    await gw.whenIdle(3000);
    expect((await resultOf(gw, 'OQSmuquc01res_batch.xml')).XmlMsg.MessageHeader.ErrorCode).toBe('MRX012');
    expect((await readdir(gw.paths.reqError)).sort()).toEqual(['OQSmuquc01req_batch.xml', 'readme.txt']);
    expect(await readdir(gw.paths.res)).toEqual(['OQSmuquc01res_batch.xml']);
  });

  it('leaves a client temp file alone until it is renamed', async () => {
    const { gw } = await gateway();
    await writeFile(join(gw.paths.req, 'OQSsiquc01req_t.xml.tmp'), encodeOqsRequestXml(VALID_REQUEST, { encoding: 'utf8' }));
    await gw.whenIdle(3000);
    expect((await readdir(gw.paths.req)).sort()).toEqual(['OQSsiquc01req_t.xml.tmp', 'error']);
    expect(await readdir(gw.paths.res)).toEqual([]);
  });

  it('never overwrites an earlier request of the same name in req/error/', async () => {
    const { gw } = await gateway();
    for (let i = 0; i < 2; i++) {
      await writeFile(join(gw.paths.req, 'OQSsiquc01req_dup.xml'), `<bad ${i}`);
      await gw.whenIdle(3000);
    }
    expect((await readdir(gw.paths.reqError)).sort()).toEqual(['OQSsiquc01req_dup.dup1.xml', 'OQSsiquc01req_dup.xml']);
  });
});

describe('folder gateway: face/', () => {
  it('writes a face result atomically under the given name, in CP932 with ● for 𠮷', async () => {
    const { gw, events } = await gateway(undefined, 'cp932');
    const message = answerFor(VALID_REQUEST);
    message.XmlMsg.MessageBody.ResultList = {
      ResultOfQualificationConfirmation: [
        { InsuredCardClassification: '01', InsurerNumber: '  138057', InsuredIdentificationNumber: '0456', PersonalFamilyClassification: '1', Name: '𠮷田　一郎', Sex1: '1', Birthdate: '19800115', InsurerName: '架空市' },
      ],
    };
    const name = 'OQSsiquc01res_face_131000000000000000000000000001_20250401093000.xml';
    const replaced = await gw.writeFaceResult(name, message);
    expect(replaced).toEqual([{ char: '𠮷', codePoint: 'U+20BB7', where: 'XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[0]/Name' }]);
    expect(await readdir(gw.paths.face)).toEqual([name]);
    const bytes = await readFile(join(gw.paths.face, name));
    expect(bytes.includes(Buffer.from([0x3c, 0x4e, 0x61, 0x6d, 0x65, 0x3e, 0x81, 0x9c]))).toBe(true); // <Name>●
    expect(events.at(-1)).toMatchObject({ kind: 'face-written', file: name, replaced });
  });

  it('writes the 照会番号 a facility registered as ReferenceNumber, after the observed elements (central result → face file)', async () => {
    const { gw } = await gateway();
    const message = buildQualificationResult({
      person: { id: 'hanako', name: '架空　花子', nameKana: 'ｶｸｳ ﾊﾅｺ', birthDate: isoDate('1945-03-03'), sex: 2 },
      qualifications: [
        { insurerNumber: '39131015', insurerName: '架空県後期高齢者医療広域連合', insurerKind: 'koki', number: '00012345', relation: 'insured', cardClassification: '01', acquiredOn: isoDate('2020-03-03'), incomeClass: 'general' },
      ],
      date: isoDate('2025-04-01'),
      now: Date.parse('2025-04-01T09:30:00+09:00'),
      consent: NO_CONSENT,
      certificateStatus: 'valid',
      medicalInstitutionCode: '1310000000',
      referenceNumber: 'K-0001',
    });
    const name = 'OQSsiquc01res_face_131000000000000000000000000002_20250401093000.xml';
    await gw.writeFaceResult(name, message);
    expect((await readFile(join(gw.paths.face, name))).toString('utf8')).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
        '<XmlMsg>',
        '    <MessageHeader>',
        '        <ProcessExecutionTime>20250401093000</ProcessExecutionTime>',
        '        <CharacterCodeIdentifier>0</CharacterCodeIdentifier>',
        '        <SegmentOfResult>1</SegmentOfResult>',
        '        <QualificationConfirmationDate>20250401</QualificationConfirmationDate>',
        '        <ReferenceClassification>1</ReferenceClassification>',
        '        <MedicalInstitutionCode>1310000000</MedicalInstitutionCode>',
        '    </MessageHeader>',
        '    <MessageBody>',
        '        <ResultList>',
        '            <ResultOfQualificationConfirmation>',
        '                <DiagnosisInfoConsFlg>0</DiagnosisInfoConsFlg>',
        '                <PersonalFamilyClassification>1</PersonalFamilyClassification>',
        '                <Sex1>2</Sex1>',
        '                <Name>架空　花子</Name>',
        '                <InsurerNumber>39131015</InsurerNumber>',
        '                <NameKana>ｶｸｳ ﾊﾅｺ</NameKana>',
        '                <LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>',
        '                <InsuredCardClassification>01</InsuredCardClassification>',
        '                <Birthdate>19450303</Birthdate>',
        '                <InsuredIdentificationNumber>00012345</InsuredIdentificationNumber>',
        '                <SpecificHealthCheckupsInfoConsFlg>0</SpecificHealthCheckupsInfoConsFlg>',
        '                <PharmacistsInfoConsFlg>0</PharmacistsInfoConsFlg>',
        '                <InsurerName>架空県後期高齢者医療広域連合</InsurerName>',
        '                <InsuredName>架空　花子</InsuredName>',
        '                <QualificationDate>20200303</QualificationDate>',
        '                <InsuredPartialContributionRatio>010</InsuredPartialContributionRatio>',
        '                <LimitApplicationCertificateRelatedConsTime>20250401093000</LimitApplicationCertificateRelatedConsTime>',
        '                <OperationInfoConsFlg>0</OperationInfoConsFlg>',
        '                <ReferenceNumber>K-0001</ReferenceNumber>',
        '            </ResultOfQualificationConfirmation>',
        '        </ResultList>',
        '        <ProcessingResultStatus>1</ProcessingResultStatus>',
        '        <QualificationValidity>1</QualificationValidity>',
        '    </MessageBody>',
        '</XmlMsg>',
        '',
      ].join('\n'),
    );
  });
});

describe('folder gateway: malformed request files (property, 300 files)', () => {
  it('answers or moves aside every file, loses none, and keeps watching', async () => {
    const { gw } = await gateway();
    const files = sampleRequestFiles(300, 5);
    expect(new Set(files.map((f) => f.kind))).toEqual(new Set(['valid', 'truncated', 'wrong-encoding', 'unknown-element', 'huge', 'garbage', 'stray-name']));
    await dropFiles(gw.paths.req, files);
    await gw.whenIdle(20_000);
    const accounting = await accountFor(gw, files);
    expect(accounting.problems).toEqual([]);
    expect(accounting.answered + accounting.refused + accounting.movedAside).toBe(300);
    expect(gw.stats()).toMatchObject({ answered: accounting.answered, refused: accounting.refused, movedAside: accounting.movedAside, pending: 0 });
    // Still watching: one more valid request is answered.
    await writeFile(join(gw.paths.req, 'OQSsiquc01req_after.xml'), encodeOqsRequestXml(VALID_REQUEST, { encoding: 'utf8' }));
    await gw.whenIdle(3000);
    expect((await resultOf(gw, 'OQSsiquc01res_after.xml')).XmlMsg.MessageHeader.SegmentOfResult).toBe('1');
  });
});
