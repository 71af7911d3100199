import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CliFixture, REPO } from './cli-fixture.js';

/**
 * `myna-rig import <file>`: a field file → a scenario that loads, runs, and reproduces what the
 * file shows, with personal data replaced (same length and character classes, ● and 外字 kept).
 */
const FIXTURES = join(REPO, 'tests/cli/fixtures/import');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** A res/ result in Shift_JIS: 資格無効 although the patient is insured, no 資格喪失日. */
const RES_CP932_INVALID = `<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>
<XmlMsg>
  <MessageHeader>
    <ProcessExecutionTime>20250404150000</ProcessExecutionTime>
    <CharacterCodeIdentifier>1</CharacterCodeIdentifier>
    <SegmentOfResult>1</SegmentOfResult>
    <QualificationConfirmationDate>20250404</QualificationConfirmationDate>
    <ReferenceClassification>2</ReferenceClassification>
    <MedicalInstitutionCode>1310000017</MedicalInstitutionCode>
  </MessageHeader>
  <MessageBody>
    <ResultList>
      <ResultOfQualificationConfirmation>
        <InsuredCardClassification>01</InsuredCardClassification>
        <InsurerNumber>06139929</InsurerNumber>
        <InsuredCardSymbol>902</InsuredCardSymbol>
        <InsuredIdentificationNumber>15</InsuredIdentificationNumber>
        <InsuredBranchNumber>00</InsuredBranchNumber>
        <PersonalFamilyClassification>1</PersonalFamilyClassification>
        <Name>森　翔太</Name>
        <NameKana>ﾓﾘ ｼｮｳﾀ</NameKana>
        <Sex1>1</Sex1>
        <Birthdate>19941021</Birthdate>
        <QualificationDate>20250401</QualificationDate>
        <InsurerName>東京都情報サービス産業健康保険組合</InsurerName>
      </ResultOfQualificationConfirmation>
    </ResultList>
    <ProcessingResultStatus>1</ProcessingResultStatus>
    <QualificationValidity>2</QualificationValidity>
  </MessageBody>
</XmlMsg>
`;

interface Imported {
  id: string;
  source: { imported: string; kind: string };
  at: string;
  faults?: Array<Record<string, unknown>>;
  personas: Record<string, { name: string; nameKana?: string; birthDate: string; sex: number; card: Record<string, unknown>; qualifications: Array<Record<string, unknown>> }>;
  steps: Array<Record<string, unknown>>;
  expect: Record<string, unknown>;
}

interface Results {
  scenarios: Array<{ status: string; resultFiles?: Array<{ text: string }>; traffic: Array<{ label: string }> }>;
}

describe('myna-rig import <result XML>', () => {
  it('UTF-8 face/ file with ● in the name: generated name of the same shape, gaiji-in-name fault; the run shows ● again', async () => {
    const fx = new CliFixture().write({ 'face/OQSsiquc01face_20250407092000.xml': fixture('face-black-circle.xml') });
    const r = await fx.run('import', 'face/OQSsiquc01face_20250407092000.xml', '--output', 'scenarios/field.yaml');
    expect(r.err).toContain('myna-rig: wrote scenarios/field.yaml; fill in its expect: block (TODO)');
    expect(r.code).toBe(0);
    const text = fx.read('scenarios/field.yaml');
    const s = parse(text) as Imported;
    expect(s.id).toBe('imported/oqssiquc01face-20250407092000');
    expect(s.source).toEqual({ imported: 'OQSsiquc01face_20250407092000.xml', kind: 'result-xml' });
    expect(s.at).toBe('2025-04-07T09:20:00+09:00');
    const p = s.personas.patient!;
    // ●田　花子: a 外字 stand-in where ● was, kanji, U+3000, kanji kanji.
    const chars = [...p.name];
    expect(chars).toHaveLength(5);
    expect(chars[0]).toBe('𠮷');
    expect(chars[2]).toBe('\u3000');
    for (const i of [1, 3, 4]) expect(chars[i]).toMatch(/^\p{Script=Han}$/u);
    expect(p.name).not.toBe('𠮷田　花子');
    expect([...p.nameKana!]).toHaveLength([...'ﾖｼﾀﾞ ﾊﾅｺ'].length);
    expect(p.nameKana![3]).toBe('ﾞ');
    expect(p.birthDate).toMatch(/^1983-01-(0[3-9]|1\d|2[0-8])$/);
    expect(p.sex).toBe(2);
    expect(s.faults).toEqual([{ kind: 'gaiji-in-name', chars: '𠮷', person: 'patient' }]);
    expect(p.qualifications[0]).toMatchObject({ insurerNumber: '01130012', insurerKind: 'kyokai', branch: '00', acquiredOn: '2005-04-01', relation: 'insured' });
    expect(p.qualifications[0]!.number).toMatch(/^\d{2}$/);
    expect(s.steps).toEqual([{ 'place-card': 'patient' }, { choose: 'pin' }, { 'enter-pin': '1234' }, { consent: 'agree-all' }, { 'remove-card': null }]);
    expect(s.expect).toEqual({});
    expect(text).toContain('expect: {}\n  # TODO: write what the reception must do');
    expect(text).toContain('# yaml-language-server: $schema=');

    const v = await fx.run('validate', 'scenarios/field.yaml');
    expect(v.code).toBe(0);
    const run = await fx.run('run', 'scenarios/field.yaml', '--reporter', 'json');
    expect(run.code).toBe(0);
    const xml = fx.json<Results>('reports/results.json').scenarios[0]!.resultFiles![0]!.text;
    expect(xml).toMatch(/<Name>●\p{Script=Han}　\p{Script=Han}\p{Script=Han}<\/Name>/u);
  }, 60_000);

  it('Shift_JIS res/ file with 資格無効 and no 資格喪失日: registration-lag; the run shows the qualification invalid too', async () => {
    const fx = new CliFixture().write({});
    const { writeFileSync } = await import('node:fs');
    writeFileSync(fx.path('OQSsiquc01res_0001.xml'), iconv.encode(RES_CP932_INVALID, 'cp932'));
    const r = await fx.run('import', 'OQSsiquc01res_0001.xml', '--output', 'lag.yaml', '--id', 'field/lag');
    expect(r.code).toBe(0);
    const text = fx.read('lag.yaml');
    expect(text).toContain('(Shift_JIS, CharacterCodeIdentifier 1)');
    const s = parse(text) as Imported;
    expect(s.id).toBe('field/lag');
    // acquired 2025-04-01, checked 2025-04-04: 3 days + 5 of margin.
    expect(s.faults).toEqual([{ kind: 'registration-lag', days: 8, person: 'patient' }]);
    expect([...s.personas.patient!.name]).toHaveLength(4);
    expect(s.personas.patient!.name).not.toContain('森');
    expect(s.personas.patient!.qualifications[0]).toMatchObject({ insurerNumber: '06139929', insurerKind: 'kumiai', acquiredOn: '2025-04-01' });
    const run = await fx.run('run', 'lag.yaml', '--reporter', 'json');
    expect(run.code).toBe(0);
    const xml = fx.json<Results>('reports/results.json').scenarios[0]!.resultFiles![0]!.text;
    expect(xml).toMatch(/<QualificationValidity>[24]<\/QualificationValidity>/);
  }, 60_000);

  it('the same seed gives the same scenario; printed to stdout without --output', async () => {
    const fx = new CliFixture().write({ 'f.xml': fixture('face-black-circle.xml') });
    const a = await fx.run('import', 'f.xml', '--seed', '5');
    const b = await fx.run('import', 'f.xml', '--seed', '5');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out).toContain('id: imported/f');
    expect(a.out).not.toContain('ﾖｼﾀﾞ');
  });

  it('a file that is neither a result XML nor a pcscd log is a usage error that says what import takes (exit 2)', async () => {
    const fx = new CliFixture().write({ 'bad.xml': '<XmlMsg><MessageHeader></MessageHeader>', 'notes.txt': 'hello\n' });
    const a = await fx.run('import', 'bad.xml');
    expect(a.code).toBe(2);
    expect(a.err).toContain('myna-rig: import: bad.xml: not a readable OQS result XML');
    const b = await fx.run('import', 'notes.txt');
    expect(b.code).toBe(2);
    expect(b.err).toContain('myna-rig: import: notes.txt: no "APDU: …" lines; record one with `pcscd --foreground --debug --apdu`');
    const c = await fx.run('import', 'missing.xml');
    expect(c.code).toBe(2);
    expect(c.err).toContain('missing.xml: no such file');
  });
});

describe('myna-rig import <pcscd --apdu log>', () => {
  it('two wrong PINs then the right one: a card with 3 tries, the same VERIFY answers on replay; no PIN from the log', async () => {
    const fx = new CliFixture().write({ 'pcscd.log': fixture('pcscd-wrong-pin.log') });
    const r = await fx.run('import', 'pcscd.log', '--output', 'card.yaml');
    expect(r.code).toBe(0);
    const text = fx.read('card.yaml');
    expect(text).toContain('# Applications selected: JPKI AP; files selected: 000A, 0018.');
    expect(text).toContain('# Commands: SELECT JPKI AP ×1, SELECT EF 000A ×1, READ BINARY ×1, SELECT EF 0018 ×1, VERIFY ×3.');
    expect(text).toContain('# PIN: 3 tries left at the start, 2 wrong, then accepted.');
    for (const pin of ['5678', '5679', '5670', '35 36 37']) expect(text).not.toContain(pin);
    const s = parse(text) as Imported;
    expect(s.source).toEqual({ imported: 'pcscd.log', kind: 'pcscd-apdu-log' });
    expect(s.personas.holder!.card).toEqual({ pin: '1234', pinTriesLeft: 3 });
    expect(s.steps).toEqual([
      { 'place-card': 'holder' },
      { choose: 'pin' },
      { 'enter-pin': '9999' },
      { 'enter-pin': '9999' },
      { 'enter-pin': '1234' },
      { consent: 'agree-all' },
      { 'remove-card': null },
    ]);
    const run = await fx.run('run', 'card.yaml', '--reporter', 'json');
    expect(run.code).toBe(0);
    const verifies = fx.json<Results>('reports/results.json').scenarios[0]!.traffic.map((t) => t.label).filter((l) => l.startsWith('APDU VERIFY →'));
    expect(verifies).toEqual(['APDU VERIFY → 63 C2 wrong PIN, 2 tries left', 'APDU VERIFY → 63 C1 wrong PIN, 1 tries left', 'APDU VERIFY → 90 00 OK']);
  }, 60_000);

  it('a card whose VERIFY answers 69 84 becomes a PIN-less (face-only) card', async () => {
    const fx = new CliFixture().write({ 'p.log': 'APDU: 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01\nSW: 90 00\nAPDU: 00 20 00 80\nSW: 69 84\n' });
    const r = await fx.run('import', 'p.log');
    expect(r.code).toBe(0);
    const s = parse(r.out) as Imported;
    expect(s.personas.holder!.card).toEqual({ pinless: true });
    expect(s.steps).toEqual([{ 'place-card': 'holder' }, { choose: 'face' }, { 'present-face': 'match' }, { 'remove-card': null }]);
  });
});
