import { afterEach, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../scenarios/loader.js';
import type { Scenario } from '../scenarios/schema.js';
import { BulkCheckDownloadResult } from '../protocol/oqs-messages.js';
import { zipSync } from 'fflate';
import type { BackOfficeAnswer } from '../protocol/back-office.js';
import { batchCheck, batchDownload, fileRefusal, homeConsentWeb, homeFetch, homeLink, homeQualificationAnswer, registerReferenceNumber, requestMedicalInfo, sendOqs, xmlFromZip } from './back-office-steps.js';
import { executeScenario } from './execute.js';
import { assembleRig, type Rig } from './rig.js';
import { referenceAdapter, type SutAdapter } from './sut-adapter.js';

const SCENARIO = `id: unit/reference-number
title: 照会番号
source:
  - seed: 000_dba35cb865ffb48d.txt
    section: footnote
at: 2025-06-02T09:00:00+09:00
central: { bulkProcessingMs: 0 }
personas:
  hanako:
    name: 佐藤　花子
    birthDate: 1972-11-03
    sex: 2
    qualifications:
      - { insurerNumber: "06139929", insurerName: 東京都情報サービス産業健康保険組合, insurerKind: kumiai, symbol: "501", number: "7781", branch: "00", acquiredOn: 2010-04-01 }
  jiro:
    name: 鈴木　次郎
    birthDate: 1985-06-20
    qualifications:
      - { insurerNumber: "01130012", insurerName: 全国健康保険協会東京支部, insurerKind: kyokai, symbol: "20202020", number: "35", branch: "00", acquiredOn: 2012-10-01 }
steps:
  - register-reference-number: { patient: hanako, number: K-000123, via: folder }
  - register-reference-number: { patient: jiro, number: K-000123 }
  - batch-check: { patients: [hanako, jiro] }
expect:
  batch: { state: done }
`;

function loaded(): Scenario {
  const r = parseScenarioText(SCENARIO, 'unit.yaml');
  expect(r.issues).toEqual([]);
  return r.scenarios[0]!.scenario;
}

type StepAt<K extends string> = Extract<Scenario['steps'][number], Record<K, unknown>>;

describe('register-reference-number on a real rig (OQSsiimm01 through the terminal)', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('registers the number over the folder gateway; the next 一括照会 answer for that patient carries it, the other patient’s none', async () => {
    const scenario = loaded();
    rig = await assembleRig(scenario, referenceAdapter());
    await registerReferenceNumber(rig, scenario, scenario.steps[0] as StepAt<'register-reference-number'>, 0);
    await batchCheck(rig, scenario, scenario.steps[2] as StepAt<'batch-check'>, 2);
    const download = { XmlMsg: { MessageHeader: { MedicalInstitutionCode: '1310000017' }, MessageBody: { ReceptionNumber: rig.backOffice.receptionNumber } } };
    const units = BulkCheckDownloadResult.parse(await sendOqs(rig, 'http', 'OQSmuquc02', download)).XmlMsg.MessageBody.BulkConfirmUnit;
    expect(units.map((u) => [u.QualificationConfirmSearchInfo.ArbitraryIdentifier, u.ReferenceNumber])).toEqual([
      ['hanako', 'K-000123'],
      ['jiro', undefined],
    ]);
  }, 30_000);

  it('fails the step with central’s code when the number is held by another patient here (MRX044)', async () => {
    const scenario = loaded();
    rig = await assembleRig(scenario, referenceAdapter());
    await registerReferenceNumber(rig, scenario, scenario.steps[0] as StepAt<'register-reference-number'>, 0);
    await expect(registerReferenceNumber(rig, scenario, scenario.steps[1] as StepAt<'register-reference-number'>, 1)).rejects.toThrow(
      /^step 1: register-reference-number: central refused 照会番号 "K-000123" for "jiro": MRX044 /,
    );
  }, 30_000);
});

describe('fileRefusal: the refusal code of a YZK/TKK result file', () => {
  it.each([
    ['MRX045 consent-expired: 同意から24時間を過ぎています', 'consent-expired'],
    ['MRX045 no-consent: 同意がありません', 'no-consent'],
    ['MRX048 医療機関 1310000017 は資格確認限定型です。', 'qualification-only-facility'],
    ['MRX047 該当する資格情報がありません', 'MRX047'],
    [undefined, 'file-refused'],
  ])('%s → %s', (contents, code) => {
    expect(fileRefusal(contents)).toBe(code);
  });
});

describe('request-medical-info through the terminal’s result files', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  const HOME = SCENARIO.replace(
    /steps:[\s\S]*$/,
    `steps:
  - home-consent: { patient: hanako, consent: { pharmacy: true } }
  - request-medical-info: { patient: hanako, kind: pharmacy, via: folder }
  - request-medical-info: { patient: hanako, kind: diagnosis, via: ws }
  - request-medical-info: { patient: hanako, kind: checkup, via: http }
expect:
  medicalInfo: { shown: false }
`,
  );

  it('hands the back office a YZK release, then the 薬剤+診療 file and the TKK file refused for want of consent', async () => {
    const r = parseScenarioText(HOME, 'unit.yaml');
    expect(r.issues).toEqual([]);
    const scenario = r.scenarios[0]!.scenario;
    const seen: unknown[] = [];
    rig = await assembleRig(scenario, referenceAdapter());
    const backOffice = rig.sut.backOffice!;
    const deliver = backOffice.deliver.bind(backOffice);
    backOffice.deliver = async (answer) => {
      seen.push({ ...answer, ...('entries' in answer ? { entries: typeof answer.entries } : {}) });
      return deliver(answer);
    };
    await fetch(`${rig.centralUrl}/v1/home-consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ medicalInstitutionCode: '1310000017', personId: 'hanako', consent: { diagnosis: false, pharmacy: true, checkup: false, operation: false }, medicalTreatmentFlag: '2' }),
    });
    for (const i of [1, 2, 3]) await requestMedicalInfo(rig, scenario, scenario.steps[i] as StepAt<'request-medical-info'>, i);
    expect(seen).toEqual([
      { kind: 'medical-info', patient: 'hanako', medicalKind: 'pharmacy', status: 200, entries: 'number' },
      { kind: 'medical-info', patient: 'hanako', medicalKind: 'diagnosis', status: 403, refusal: 'no-consent' },
      { kind: 'medical-info', patient: 'hanako', medicalKind: 'checkup', status: 403, refusal: 'no-consent' },
    ]);
  }, 30_000);
});

describe('a registered 照会番号 reaches the card check’s face/ result file', () => {
  it('writes ReferenceNumber K-000123 into the result of hanako’s card check after the registration', async () => {
    const text = SCENARIO.replace(
      /steps:[\s\S]*$/,
      `steps:
  - register-reference-number: { patient: hanako, number: K-000123, via: ws }
  - place-card: hanako
  - choose: pin
  - enter-pin: "1234"
  - consent: agree-all
expect:
  outcome: { status: accepted }
`,
    );
    const r = parseScenarioText(text, 'unit.yaml');
    expect(r.issues).toEqual([]);
    const result = await executeScenario(r.scenarios[0]!, { adapter: referenceAdapter(), seed: 1 });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('passed');
    const face = (result.resultFiles ?? []).filter((f) => f.folder === 'face');
    expect(face).toHaveLength(1);
    expect(face[0]!.text).toContain('<ReferenceNumber>K-000123</ReferenceNumber>');
  }, 30_000);
});

describe('一括照会 over the folder gateway with terminal.folders.bulkResultFormat: zip', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('reads the OQSmuquc02 result from its .zip in res/ and hands it to the reception', async () => {
    const text = SCENARIO.replace('central: { bulkProcessingMs: 0 }', 'central: { bulkProcessingMs: 0 }\nterminal: { folders: { bulkResultFormat: zip } }');
    const r = parseScenarioText(text, 'unit.yaml');
    expect(r.issues).toEqual([]);
    const scenario = r.scenarios[0]!.scenario;
    expect(scenario.terminal).toEqual({ folders: { bulkResultFormat: 'zip' } });
    rig = await assembleRig(scenario, referenceAdapter());
    await batchCheck(rig, scenario, { 'batch-check': { patients: ['hanako', 'jiro'], via: 'folder' } }, 0);
    await batchDownload(rig, { 'batch-download': { via: 'folder' } }, 1);
    const desk = await rig.sut.backOffice!.outcome();
    // Both are insured on the scenario date: OQSCD006 1 有効, nobody flagged.
    expect(desk.batch).toEqual({ state: 'done', validity: { hanako: '1', jiro: '1' }, flagged: [] });
  }, 30_000);
});

describe('xmlFromZip: the result XML inside a zipped bulk result', () => {
  const xml = new TextEncoder().encode('<?xml version="1.0"?><XmlMsg/>');
  it('returns the entry named as the .xml file', () => {
    expect(xmlFromZip(zipSync({ 'OQSmuquc02res_a.xml': xml }), 'OQSmuquc02res_a.xml', 'res/OQSmuquc02res_a.zip')).toEqual(xml);
  });
  it('says which entry is missing and which are there', () => {
    expect(() => xmlFromZip(zipSync({ 'other.xml': xml }), 'OQSmuquc02res_a.xml', 'res/OQSmuquc02res_a.zip')).toThrow(
      'res/OQSmuquc02res_a.zip: no entry OQSmuquc02res_a.xml in the zip (entries: other.xml); the terminal writes the result XML under the .xml name',
    );
  });
  it('says when the bytes are no zip', () => {
    expect(() => xmlFromZip(xml, 'OQSmuquc02res_a.xml', 'res/OQSmuquc02res_a.zip')).toThrow(/^res\/OQSmuquc02res_a\.zip: not a readable zip \(/);
  });
});

const HOME_SCENARIO = `id: unit/home-fetch-to-reception
title: 在宅受付Web → 受付
source:
  - seed: 000_dba35cb865ffb48d.txt
    section: footnote
at: 2025-06-02T09:00:00+09:00
personas:
  hanako:
    name: 佐藤　花子
    birthDate: 1972-11-03
    sex: 2
    card: { pin: "4826" }
    qualifications:
      - { insurerNumber: "06139929", insurerName: 東京都情報サービス産業健康保険組合, insurerKind: kumiai, symbol: "501", number: "7781", branch: "00", acquiredOn: 2010-04-01 }
steps:
  - register-reference-number: { patient: hanako, number: K-000123 }
  - home-link: {}
  - home-consent-web: { patient: hanako, pin: "4826", consent: { pharmacy: true } }
  - home-fetch: { patient: hanako }
  - home-fetch: { patient: hanako, to: reception }
expect:
  traffic: { homeQualification: served }
`;

describe('home-fetch `to: reception`: the home-consented qualification handed to the reception', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('hands nothing without `to`; with it, the result (ReferenceNumber included) or the refusal, and the reception decides', async () => {
    const r = parseScenarioText(HOME_SCENARIO, 'home.yaml');
    expect(r.issues).toEqual([]);
    const scenario = r.scenarios[0]!.scenario;
    const delivered: BackOfficeAnswer[] = [];
    const inner = referenceAdapter();
    const spying: SutAdapter = {
      name: 'spy',
      async start(endpoints) {
        const session = await inner.start(endpoints);
        return { ...session, backOffice: { deliver: async (a) => (delivered.push(a), session.backOffice!.deliver(a)), outcome: () => session.backOffice!.outcome() } };
      },
    };
    rig = await assembleRig(scenario, spying);
    const steps = scenario.steps;
    await registerReferenceNumber(rig, scenario, steps[0] as StepAt<'register-reference-number'>, 0);
    await homeLink(rig, steps[1] as StepAt<'home-link'>, 1);
    await homeConsentWeb(rig, steps[2] as StepAt<'home-consent-web'>, 2);
    await homeFetch(rig, steps[3] as StepAt<'home-fetch'>, 3);
    expect([delivered.length, rig.backOffice.homeQualification]).toEqual([0, 'served']);

    await homeFetch(rig, steps[4] as StepAt<'home-fetch'>, 4);
    const first = delivered[0];
    if (first?.kind !== 'home-qualification') throw new Error(`expected a home-qualification answer, got ${first?.kind}`);
    const record = first.result?.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0];
    expect([first.patient, first.status, first.consentTime, first.availableUntil, record?.InsuredIdentificationNumber, record?.ReferenceNumber]).toEqual([
      'hanako',
      200,
      '20250602090000',
      '20250603090000',
      '7781',
      'K-000123',
    ]);
    // 50 years old on 2025-06-02: 3割 (seed 002: 70歳未満の者は3割).
    expect((await rig.sut.backOffice!.outcome()).homeVisit).toEqual({ patient: 'hanako', status: 'accepted', qualificationValidity: '1', copayRatio: 30, displayedName: '佐藤　花子' });

    // One second past consent + 24 h: the refusal goes to the reception, which confirms nothing.
    rig.clock.advance(24 * 3_600_000 + 1000);
    await homeFetch(rig, steps[4] as StepAt<'home-fetch'>, 5);
    expect(delivered[1]).toEqual({ kind: 'home-qualification', patient: 'hanako', status: 403, refusal: 'home-consent-expired' });
    expect((await rig.sut.backOffice!.outcome()).homeVisit).toEqual({ patient: 'hanako', status: 'pending', reason: 'home-consent-expired' });
  });
});

describe('homeQualificationAnswer: central\'s answer to a home fetch as a back-office answer', () => {
  it('refuses a served answer whose result is no OQS result tree, naming the path', () => {
    expect(() => homeQualificationAnswer('hanako', 200, { result: { XmlMsg: { MessageHeader: {} } } }, 7)).toThrow(/^step 7: home-fetch: central's result for "hanako" is not an OQS result tree at result\.XmlMsg\.MessageHeader\.ProcessExecutionTime: /);
  });
  it('keeps the code of a refusal, and refuses one without a code', () => {
    expect(homeQualificationAnswer('hanako', 404, { error: { code: 'home-consent-not-found', message: 'x' } }, 1)).toEqual({ kind: 'home-qualification', patient: 'hanako', status: 404, refusal: 'home-consent-not-found' });
    expect(() => homeQualificationAnswer('hanako', 500, { oops: true }, 1)).toThrow('step 1: home-fetch: central answered HTTP 500 without an error code: {"oops":true}');
  });
});

const REFUSAL_SCENARIO = `id: unit/home-consent-web-refused
title: 在宅受付Web の拒否
source:
  - seed: 000_dba35cb865ffb48d.txt
    section: footnote
at: 2025-06-02T09:00:00+09:00
personas:
  hanako:
    name: 佐藤　花子
    birthDate: 1972-11-03
    card: { pin: "4826" }
    qualifications:
      - { insurerNumber: "06139929", insurerName: 東京都情報サービス産業健康保険組合, insurerKind: kumiai, number: "7781", acquiredOn: 2010-04-01 }
  mai:
    name: 斎藤　舞
    birthDate: 2001-12-01
    registered: false
    card: { pin: "1201" }
    qualifications:
      - { insurerNumber: "06139929", insurerName: 東京都情報サービス産業健康保険組合, insurerKind: kumiai, number: "7782", acquiredOn: 2020-04-01 }
steps:
  - home-link: {}
  - home-consent-web: { patient: hanako, pin: "0000", consent: {}, expect: { refused: pin-wrong } }
  - home-consent-web: { patient: mai, pin: "1201", consent: {}, expect: { refused: not-registered } }
  - home-consent-web: { patient: mai, pin: "1201", consent: {}, expect: { refused: certificate-expired } }
  - home-consent-web: { patient: hanako, pin: "4826", consent: {}, expect: { refused: not-registered } }
  - home-consent-web: { patient: mai, pin: "1201", consent: {} }
expect:
  traffic: { homeQualification: { absent: true } }
`;

describe('home-consent-web `expect: { refused }`: a refusal that is the point of the step', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('passes on exactly the expected refusal; fails on another code, on an accepted consent, and on a refusal nobody expected', async () => {
    const r = parseScenarioText(REFUSAL_SCENARIO, 'refused.yaml');
    expect(r.issues).toEqual([]);
    const scenario = r.scenarios[0]!.scenario;
    const step = (i: number) => scenario.steps[i] as StepAt<'home-consent-web'>;
    rig = await assembleRig(scenario, referenceAdapter());
    await homeLink(rig, scenario.steps[0] as StepAt<'home-link'>, 0);
    // The card answers the wrong PIN itself (2 tries left); nothing reaches central.
    await expect(homeConsentWeb(rig, step(1), 1)).resolves.toBeUndefined();
    await expect(homeConsentWeb(rig, step(2), 2)).resolves.toBeUndefined();
    await expect(homeConsentWeb(rig, step(3), 3)).rejects.toThrow(/^step 3: home-consent-web: expected refusal "certificate-expired", got "not-registered": central did not accept the consent of "mai": /);
    await expect(homeConsentWeb(rig, step(4), 4)).rejects.toThrow(/^step 4: home-consent-web: expected the consent of "hanako" to be refused \(not-registered\), but central accepted it \(checkId home-/);
    await expect(homeConsentWeb(rig, step(5), 5)).rejects.toThrow(/^step 5: home-consent-web: central did not accept the consent of "mai": .*\(not-registered\)$/);
    // Only the consent central accepted is kept for a home-fetch.
    expect(Object.keys(rig.backOffice.homeChecks ?? {})).toEqual(['hanako']);
  });

  it('refuses an unknown refusal code at load time, naming the field', () => {
    const r = parseScenarioText(REFUSAL_SCENARIO.replace('refused: pin-wrong', 'refused: wrong-pin'), 'refused.yaml');
    expect(r.issues.map((i) => i.field)).toEqual(['steps.1.home-consent-web.expect.refused']);
  });
});

describe('home-link `withdraw: true`: the facility withdraws its マイナ在宅受付Web URL', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  const WITHDRAWN = REFUSAL_SCENARIO.replace(
    /^steps:\n[\s\S]*?^expect:/m,
    `steps:
  - home-link: {}
  - home-consent-web: { patient: hanako, pin: "4826", consent: {} }
  - home-link: { withdraw: true }
  - home-consent-web: { patient: hanako, pin: "4826", consent: {}, expect: { refused: home-link-withdrawn } }
  - home-consent-web: { patient: hanako, pin: "4826", consent: {} }
expect:`,
  );

  it('a patient who opens the URL after the withdrawal is refused home-link-withdrawn (before the card is touched)', async () => {
    const r = parseScenarioText(WITHDRAWN, 'withdrawn.yaml');
    expect(r.issues).toEqual([]);
    const scenario = r.scenarios[0]!.scenario;
    const step = (i: number) => scenario.steps[i] as StepAt<'home-consent-web'>;
    rig = await assembleRig(scenario, referenceAdapter());
    await homeLink(rig, scenario.steps[0] as StepAt<'home-link'>, 0);
    await expect(homeConsentWeb(rig, step(1), 1)).resolves.toBeUndefined();
    await homeLink(rig, scenario.steps[2] as StepAt<'home-link'>, 2);
    await expect(homeConsentWeb(rig, step(3), 3)).resolves.toBeUndefined();
    await expect(homeConsentWeb(rig, step(4), 4)).rejects.toThrow(/^step 4: home-consent-web: the facility withdrew the URL "hanako" opened \(home-link-withdrawn\)$/);
  });

  it('a withdrawal with no URL issued before it is a load-time issue on its field', () => {
    const r = parseScenarioText(WITHDRAWN.replace('  - home-link: {}\n', ''), 'withdrawn.yaml');
    expect(r.issues.map((i) => [i.field, i.message])).toContainEqual(['steps.1.home-link.withdraw', 'a withdrawal needs an earlier home-link step that issued the URL']);
  });
});
