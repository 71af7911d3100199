import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock, isoDate } from '../../domain/index.js';
// Test only: the real central on loopback behind the terminal (simulators never import each other in code).
import { startCentral, type CentralServer } from '../central/server.js';
import { EligibilityStore } from '../central/store.js';
import { resultFileName, zipResult } from './bulk-zip.js';
import { startTerminal, type Terminal } from './server.js';

const FACILITY = '1310000000';
const clock = new VirtualClock('2025-04-01T17:00:00+09:00');
let central: CentralServer;
let terminal: Terminal;
let root: string;

beforeAll(async () => {
  const store = new EligibilityStore();
  store.addPerson({ id: 'jiro', name: '架空　次郎', birthDate: isoDate('1980-01-15'), sex: 1 }, [
    { insurerNumber: '138057', insurerName: '架空市', insurerKind: 'kokuho', symbol: '架空', number: '0456', branch: '00', relation: 'insured', cardClassification: '01', acquiredOn: isoDate('2020-04-01'), incomeClass: 'general' },
  ]);
  central = await startCentral({ clock, store, trustAnchors: [], oqs: { bulkProcessingMs: 5 * 60_000 } });
  root = await mkdtemp(join(tmpdir(), 'myna-bulk-zip-'));
  terminal = await startTerminal({ clock, centralUrl: central.url, medicalInstitutionCode: FACILITY, folders: { root, encoding: 'utf8', pollIntervalMs: 50, bulkResultFormat: 'zip' } });
});
afterAll(async () => {
  await terminal?.close();
  await central?.close();
  await rm(root, { recursive: true, force: true });
});

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>';

async function drop(name: string, xml: string): Promise<void> {
  const temp = join(terminal.folders!.paths.req, `${name}.tmp`);
  await writeFile(temp, xml);
  await rename(temp, join(terminal.folders!.paths.req, name));
  await terminal.folders!.whenIdle(5000);
}

/** The one entry of a zipped result, by name and as text. */
async function unzipped(name: string): Promise<{ entries: string[]; text: string }> {
  const files = unzipSync(new Uint8Array(await readFile(join(terminal.folders!.paths.res, name))));
  const entries = Object.keys(files);
  return { entries, text: strFromU8(files[entries[0]!]!) };
}

describe('resultFileName', () => {
  it('zips the BulkConfirmUnit download kinds only, and only when asked', () => {
    expect(resultFileName('OQSmuquc02', '202504010001', 'zip')).toBe('OQSmuquc02res_202504010001.zip');
    expect(resultFileName('OQSmutic02', 'a', 'zip')).toBe('OQSmutic02res_a.zip');
    expect(resultFileName('OQSmuhvq02', 'a', 'zip')).toBe('OQSmuhvq02res_a.zip');
    expect(resultFileName('OQSmuonq02', 'a', 'zip')).toBe('OQSmuonq02res_a.zip');
    expect(resultFileName('OQSmuquc01', 'a', 'zip')).toBe('OQSmuquc01res_a.xml');
    expect(resultFileName('OQSmuimm02', 'a', 'zip')).toBe('OQSmuimm02res_a.xml');
    expect(resultFileName('OQSsiquc01', 'a', 'zip')).toBe('OQSsiquc01res_a.xml');
    expect(resultFileName('OQSmuquc02', 'a', 'xml')).toBe('OQSmuquc02res_a.xml');
  });

  it('zipResult: a zip (PK\\x03\\x04) whose one entry holds the bytes unchanged', () => {
    const zip = zipResult('x.xml', Buffer.from('<XmlMsg/>'), Date.parse('2025-04-01T17:00:00+09:00'));
    expect([...zip.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    expect(Object.entries(unzipSync(new Uint8Array(zip))).map(([k, v]) => [k, strFromU8(v)])).toEqual([['x.xml', '<XmlMsg/>']]);
  });
});

describe('照会番号 in 一括照会 results, written as .zip (bulkResultFormat zip)', () => {
  it('registers K-0001 by OQSsiimm01req, then OQSmuquc02res_….zip holds the XML with ReferenceNumber in the result and the unit', async () => {
    await drop(
      'OQSsiimm01req_202504010001.xml',
      `${XML_DECL}<XmlMsg><MessageHeader><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader><MessageBody><ReferenceNumberRegistrationInfo><ReferenceNumber>K-0001</ReferenceNumber><InsurerNumber>  138057</InsurerNumber><InsuredCardSymbol>架空</InsuredCardSymbol><InsuredIdentificationNumber>0456</InsuredIdentificationNumber><InsuredBranchNumber>00</InsuredBranchNumber></ReferenceNumberRegistrationInfo></MessageBody></XmlMsg>`,
    );
    expect((await readFile(join(terminal.folders!.paths.res, 'OQSsiimm01res_202504010001.xml'), 'utf8')).includes('<ProcessingResultStatus>1</ProcessingResultStatus>')).toBe(true);

    await drop(
      'OQSmuquc01req_202504010002.xml',
      `${XML_DECL}<XmlMsg><MessageHeader><QualificationConfirmationDate>20250402</QualificationConfirmationDate><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader><MessageBody><QualificationConfirmSearchInfo><InsurerNumber>  138057</InsurerNumber><InsuredCardSymbol>架空</InsuredCardSymbol><InsuredIdentificationNumber>0456</InsuredIdentificationNumber><InsuredBranchNumber>00</InsuredBranchNumber><Birthdate>19800115</Birthdate><LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg><ArbitraryIdentifier>P0001</ArbitraryIdentifier></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`,
    );
    // The upload receipt is not a download: it stays .xml.
    const receipt = await readFile(join(terminal.folders!.paths.res, 'OQSmuquc01res_202504010002.xml'), 'utf8');
    expect(receipt).toContain('<ReceptionNumber>20250401000001</ReceptionNumber>');

    const download = `${XML_DECL}<XmlMsg><MessageHeader><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader><MessageBody><ReceptionNumber>20250401000001</ReceptionNumber></MessageBody></XmlMsg>`;
    await drop('OQSmuquc02req_202504010003.xml', download);
    const early = await unzipped('OQSmuquc02res_202504010003.zip');
    expect(early.entries).toEqual(['OQSmuquc02res_202504010003.xml']);
    expect(early.text).toContain('<SegmentOfResult>2</SegmentOfResult>');

    clock.advance(5 * 60_000);
    await drop('OQSmuquc02req_202504010004.xml', download);
    const done = await unzipped('OQSmuquc02res_202504010004.zip');
    expect(done.entries).toEqual(['OQSmuquc02res_202504010004.xml']);
    const expected = [
      XML_DECL,
      '<XmlMsg>',
      '    <MessageHeader>',
      '        <ProcessExecutionTime>20250401170500</ProcessExecutionTime>',
      '        <CharacterCodeIdentifier>0</CharacterCodeIdentifier>',
      '        <SegmentOfResult>1</SegmentOfResult>',
      '        <ReceptionNumber>20250401000001</ReceptionNumber>',
      '        <NumberOfProcessingResult>1</NumberOfProcessingResult>',
      '        <NumberOfNormalProcessing>1</NumberOfNormalProcessing>',
      '        <NumberOfError>0</NumberOfError>',
      '        <MedicalInstitutionCode>1310000000</MedicalInstitutionCode>',
      '    </MessageHeader>',
      '    <MessageBody>',
      '        <BulkConfirmUnit>',
      '            <QualificationConfirmSearchInfo>',
      '                <InsurerNumber>  138057</InsurerNumber>',
      '                <InsuredCardSymbol>架空</InsuredCardSymbol>',
      '                <InsuredIdentificationNumber>0456</InsuredIdentificationNumber>',
      '                <InsuredBranchNumber>00</InsuredBranchNumber>',
      '                <Birthdate>19800115</Birthdate>',
      '                <LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>',
      '                <ArbitraryIdentifier>P0001</ArbitraryIdentifier>',
      '            </QualificationConfirmSearchInfo>',
      '            <ProcessingResultStatus>1</ProcessingResultStatus>',
      '            <QualificationValidity>1</QualificationValidity>',
      '            <ResultOfQualificationConfirmation>',
      '                <PersonalFamilyClassification>1</PersonalFamilyClassification>',
      '                <Sex1>1</Sex1>',
      '                <Name>架空　次郎</Name>',
      '                <InsurerNumber>  138057</InsurerNumber>',
      '                <InsuredCardSymbol>架空</InsuredCardSymbol>',
      '                <LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>',
      '                <InsuredCardClassification>01</InsuredCardClassification>',
      '                <InsuredBranchNumber>00</InsuredBranchNumber>',
      '                <Birthdate>19800115</Birthdate>',
      '                <InsuredIdentificationNumber>0456</InsuredIdentificationNumber>',
      '                <InsurerName>架空市</InsurerName>',
      '                <InsuredName>架空　次郎</InsuredName>',
      '                <QualificationDate>20200401</QualificationDate>',
      '                <LimitApplicationCertificateRelatedConsTime>20250401170000</LimitApplicationCertificateRelatedConsTime>',
      '                <ReferenceNumber>K-0001</ReferenceNumber>',
      '            </ResultOfQualificationConfirmation>',
      '            <ReferenceNumber>K-0001</ReferenceNumber>',
      '        </BulkConfirmUnit>',
      '    </MessageBody>',
      '</XmlMsg>',
      '',
    ].join('\n');
    expect(done.text).toBe(expected);

    // The system's unzip reads the same file (skipped only when the binary is absent).
    if (existsSync('/usr/bin/unzip')) {
      expect(execFileSync('/usr/bin/unzip', ['-p', join(terminal.folders!.paths.res, 'OQSmuquc02res_202504010004.zip')]).toString('utf8')).toBe(expected);
    }
    // Written atomically: no temporary file left beside the results.
    expect((await readdir(terminal.folders!.paths.res)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('zips the error result of a malformed download request too (one name to wait for), naming the element', async () => {
    await drop(
      'OQSmuquc02req_bad.xml',
      `${XML_DECL}<XmlMsg><MessageHeader><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader><MessageBody><ReceptionNumber>not-a-number!</ReceptionNumber></MessageBody></XmlMsg>`,
    );
    const bad = await unzipped('OQSmuquc02res_bad.zip');
    expect(bad.entries).toEqual(['OQSmuquc02res_bad.xml']);
    expect(bad.text).toContain('<SegmentOfResult>9</SegmentOfResult>');
    expect(bad.text).toContain('<ErrorCode>MRX010</ErrorCode>');
    expect(bad.text).toMatch(/<ErrorMessage>XmlMsg\/MessageBody\/ReceptionNumber: /);
    expect(await readdir(terminal.folders!.paths.reqError)).toContain('OQSmuquc02req_bad.xml');
  });
});

describe('医療扶助 / オンライン診療等 bulk kinds through the folders and the JSON twin', () => {
  it('OQSmutic01req → receipt (.xml), OQSmutic02req → .zip; the same over POST /oqs/OQSmutic01', async () => {
    await drop(
      'OQSmutic01req_202504010010.xml',
      `${XML_DECL}<XmlMsg><MessageHeader><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader><MessageBody><QualificationConfirmSearchInfo><MedicalTreatmentMonth>202504</MedicalTreatmentMonth></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`,
    );
    const receipt = await readFile(join(terminal.folders!.paths.res, 'OQSmutic01res_202504010010.xml'), 'utf8');
    const number = /<ReceptionNumber>(\d+)<\/ReceptionNumber>/.exec(receipt)?.[1];
    expect(number).toMatch(/^20250401\d{6}$/);
    await drop('OQSmutic02req_202504010011.xml', `${XML_DECL}<XmlMsg><MessageHeader><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader><MessageBody><ReceptionNumber>${number}</ReceptionNumber></MessageBody></XmlMsg>`);
    const early = await unzipped('OQSmutic02res_202504010011.zip');
    expect(early.entries).toEqual(['OQSmutic02res_202504010011.xml']);
    expect(early.text).toContain('<SegmentOfResult>2</SegmentOfResult>');

    const res = await fetch(`${terminal.url}/oqs/OQSmutic01`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { QualificationConfirmSearchInfo: { MedicalTreatmentMonth: '2025-04' } } } }),
    });
    const body = (await res.json()) as { XmlMsg: { MessageHeader: Record<string, string> } };
    expect([res.status, body.XmlMsg.MessageHeader.SegmentOfResult, body.XmlMsg.MessageHeader.ErrorCode]).toEqual([400, '9', 'MRX010']);
    expect(body.XmlMsg.MessageHeader.ErrorMessage).toBe(
      'XmlMsg/MessageBody/QualificationConfirmSearchInfo/MedicalTreatmentMonth: must be yyyyMM (6 digits, month 01–12)',
    );
  });

  it('OQSmuonq01req with half a range gets an error result naming the missing element (MRX009), and goes to req/error/', async () => {
    await drop(
      'OQSmuonq01req_half.xml',
      `${XML_DECL}<XmlMsg><MessageHeader><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader><MessageBody><QualificationConfirmSearchInfo><ConsentDateFrom>20250401</ConsentDateFrom><MedicalTreatmentFlag>3</MedicalTreatmentFlag></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`,
    );
    const text = await readFile(join(terminal.folders!.paths.res, 'OQSmuonq01res_half.xml'), 'utf8');
    expect(text).toContain('<SegmentOfResult>9</SegmentOfResult>');
    expect(text).toContain('<ErrorCode>MRX009</ErrorCode>');
    expect(text).toContain('<ErrorMessage>XmlMsg/MessageBody/QualificationConfirmSearchInfo/ConsentDateTo: &lt;ConsentDateTo&gt; is required here and missing</ErrorMessage>');
    expect(await readdir(terminal.folders!.paths.reqError)).toContain('OQSmuonq01req_half.xml');
  });

  it('OQSmuonq01req by examination dates is answered with a receipt', async () => {
    await drop(
      'OQSmuonq01req_exam.xml',
      `${XML_DECL}<XmlMsg><MessageHeader><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader><MessageBody><QualificationConfirmSearchInfo><ExaminationDateFrom>20250401</ExaminationDateFrom><ExaminationDateTo>20250430</ExaminationDateTo><MedicalTreatmentFlag>3</MedicalTreatmentFlag></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`,
    );
    const text = await readFile(join(terminal.folders!.paths.res, 'OQSmuonq01res_exam.xml'), 'utf8');
    expect(text).toContain('<SegmentOfResult>1</SegmentOfResult>');
    expect(text).toMatch(/<ReceptionNumber>20250401\d{6}<\/ReceptionNumber>/);
  });
});
