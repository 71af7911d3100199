import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetPersonIds, formatIssue, parseScenarioText } from './loader.js';

const scenario = (head: string, steps: string): string => `id: examples/back-office
title: back office
source:
  - seed: 000_dba35cb865ffb48d.txt
    section: footnote
at: 2025-04-01T09:00:00+09:00
${head}
personas:
  hanako:
    name: 佐藤　花子
    birthDate: 1972-11-03
steps:
${steps}
expect:
  batch: { state: done, validity: { hanako: "1" }, flagged: [] }
`;

describe('back-office steps and the central block', () => {
  it('loads batch, medical-info, home-consent, revoke and load-crl steps with their defaults', () => {
    const r = parseScenarioText(
      scenario(
        'central: { bulkProcessingMs: 0, qualificationOnly: true, crl: card-sim }',
        `  - batch-check: { patients: [hanako], date: 2025-04-02 }
  - batch-download:
  - request-medical-info: { patient: hanako, kind: pharmacy }
  - home-consent: { patient: hanako, consent: { pharmacy: true } }
  - revoke: { patient: hanako }
  - load-crl: {}`,
      ),
      'b.yaml',
    );
    expect(r.issues.map(formatIssue)).toEqual([]);
    const steps = r.scenarios[0]!.scenario.steps;
    expect(steps[0]).toEqual({ 'batch-check': { patients: ['hanako'], date: '2025-04-02', via: 'http' } });
    expect(steps[3]).toEqual({ 'home-consent': { patient: 'hanako', consent: { pharmacy: true }, flag: '2' } });
    expect(steps[4]).toEqual({ revoke: { patient: 'hanako', reason: 'revoked' } });
  });

  it('loads the 居宅同意取得型 Web steps (home-link, home-consent-web, home-fetch) with their defaults', () => {
    const r = parseScenarioText(
      scenario(
        '',
        `  - home-link:
  - home-link: { flag: "3" }
  - home-consent-web: { patient: hanako, pin: "4826", consent: { pharmacy: true } }
  - home-fetch: { patient: hanako }`,
      ),
      'b.yaml',
    );
    expect(r.issues.map(formatIssue)).toEqual([]);
    const steps = r.scenarios[0]!.scenario.steps;
    expect(steps).toEqual([
      { 'home-link': null },
      { 'home-link': { flag: '3' } },
      { 'home-consent-web': { patient: 'hanako', pin: '4826', consent: { pharmacy: true } } },
      { 'home-fetch': { patient: 'hanako' } },
    ]);
  });

  it('loads home-fetch `to: reception` and a homeVisit expectation; refuses another destination and an unknown homeVisit field', () => {
    const r = parseScenarioText(
      scenario(
        '',
        `  - home-link:
  - home-consent-web: { patient: hanako, pin: "4826", consent: {} }
  - home-fetch: { patient: hanako, to: reception }
  - expect:
      homeVisit: { patient: hanako, status: accepted, copayRatio: 30 }`,
      ),
      'b.yaml',
    );
    expect(r.issues.map(formatIssue)).toEqual([]);
    expect(r.scenarios[0]!.scenario.steps.slice(2)).toEqual([
      { 'home-fetch': { patient: 'hanako', to: 'reception' } },
      { expect: { homeVisit: { patient: 'hanako', status: 'accepted', copayRatio: 30 } } },
    ]);
    const bad = parseScenarioText(
      scenario('', '  - home-link:\n  - home-consent-web: { patient: hanako, pin: "4826", consent: {} }\n  - home-fetch: { patient: hanako, to: counter }\n  - expect:\n      homeVisit: { ratio: 30 }'),
      'b.yaml',
    );
    expect(bad.issues.map((i) => i.field)).toEqual(['steps.2.home-fetch.to', 'steps.3.expect.homeVisit.ratio']);
  });

  it('refuses a Web consent before any home-link, a home-fetch before that patient\'s Web consent, and an unquoted PIN', () => {
    const r = parseScenarioText(
      scenario('', '  - home-consent-web: { patient: hanako, pin: "4826", consent: {} }\n  - home-fetch: { patient: hanako }\n  - home-link:\n  - home-fetch: { patient: jiro }'),
      'b.yaml',
    );
    expect(r.issues.map(formatIssue)).toEqual([
      "b.yaml:13:5: steps.0: home-consent-web needs an earlier home-link step (the patient consents on the facility's URL it issues)",
      'b.yaml:16:28: steps.3.home-fetch.patient: no persona "jiro"; declared personas: hanako',
    ]);
    const early = parseScenarioText(scenario('', '  - home-link:\n  - home-fetch: { patient: hanako }'), 'b.yaml');
    expect(early.issues.map(formatIssue)).toEqual(['b.yaml:14:5: steps.1: home-fetch needs an earlier home-consent-web step of "hanako" (it fetches that consent\'s qualification)']);
    const unquoted = parseScenarioText(scenario('', '  - home-link:\n  - home-consent-web: { patient: hanako, pin: 4826, consent: {} }'), 'b.yaml');
    expect(unquoted.issues.map((i) => i.field)).toEqual(['steps.1.home-consent-web.pin']);
  });

  it('names an unknown persona in a batch-check at its line and column', () => {
    const r = parseScenarioText(scenario('', '  - batch-check: { patients: [hanako, jiro] }'), 'b.yaml');
    expect(r.issues.map(formatIssue)).toEqual(['b.yaml:13:39: steps.0.batch-check.patients.1: no persona "jiro"; declared personas: hanako']);
  });

  it('refuses revoke without the scenario’s own CRL, and batch-download before any batch-check', () => {
    const r = parseScenarioText(scenario('', '  - batch-download: { via: folder }\n  - revoke: { patient: hanako }'), 'b.yaml');
    expect(r.issues.map(formatIssue)).toEqual([
      "b.yaml:13:5: steps.0: batch-download needs an earlier batch-check step (it downloads with that upload's ReceptionNumber)",
      'b.yaml:14:5: steps.1: revoke needs the scenario\'s own J-LIS CRL: add "central: { crl: card-sim }"',
    ]);
  });

  it('points at central.dataset when the fixture file does not exist, relative to the scenario file', () => {
    const r = parseScenarioText(scenario('central: { dataset: fixtures/none.yaml }', '  - batch-check: { patients: [hanako] }'), '/tmp/x/b.yaml');
    expect(r.issues.map(formatIssue)).toEqual(['/tmp/x/b.yaml:7:21: central.dataset: no such file /tmp/x/fixtures/none.yaml; the path is relative to the scenario file']);
  });

  it('lets a batch-check name persons of central.dataset, and names both lists when a patient is in neither', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myna-rig-dataset-'));
    try {
      writeFileSync(join(dir, 'booked.json'), JSON.stringify({ persons: [{ id: 'kato' }, { id: 'mori' }] }));
      const ok = parseScenarioText(scenario('central: { dataset: booked.json }', '  - batch-check: { patients: [hanako, kato, mori] }'), join(dir, 'b.yaml'));
      expect(ok.issues.map(formatIssue)).toEqual([]);
      const bad = parseScenarioText(scenario('central: { dataset: booked.json }', '  - batch-check: { patients: [kato, jiro] }'), join(dir, 'b.yaml'));
      expect(bad.issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
        'steps.0.batch-check.patients.1: no persona "jiro"; declared personas: hanako or person ids of booked.json: kato, mori',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads no dataset ids from a file that is not a dataset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myna-rig-dataset-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), 'persons: 3\n');
      writeFileSync(join(dir, 'b.yaml'), '{ not yaml: [\n');
      expect(datasetPersonIds(join(dir, 'a.yaml'))).toEqual([]);
      expect(datasetPersonIds(join(dir, 'b.yaml'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads register-reference-number with its default transport, and names an unknown patient', () => {
    const ok = parseScenarioText(scenario('', '  - register-reference-number: { patient: hanako, number: K-000123 }\n  - batch-check: { patients: [hanako] }'), 'b.yaml');
    expect(ok.issues.map(formatIssue)).toEqual([]);
    expect(ok.scenarios[0]!.scenario.steps[0]).toEqual({ 'register-reference-number': { patient: 'hanako', number: 'K-000123', via: 'http' } });
    const bad = parseScenarioText(scenario('', '  - register-reference-number: { patient: jiro, number: "51" }\n  - batch-check: { patients: [hanako] }'), 'b.yaml');
    expect(bad.issues.map(formatIssue)).toEqual(['b.yaml:13:43: steps.0.register-reference-number.patient: no persona "jiro"; declared personas: hanako']);
  });

  it('refuses a 照会番号 longer than 50 characters', () => {
    const r = parseScenarioText(scenario('', `  - register-reference-number: { patient: hanako, number: "${'9'.repeat(51)}" }\n  - batch-check: { patients: [hanako] }`), 'b.yaml');
    expect(r.issues.map((i) => `${i.field}: ${i.message}`)).toEqual(['steps.0.register-reference-number.number: must be at most 50 characters']);
  });

  it('refuses operation information through the result files (it has none) and defaults the fetch to central', () => {
    const r = parseScenarioText(scenario('', '  - request-medical-info: { patient: hanako, kind: operation, via: folder }\n  - batch-check: { patients: [hanako] }'), 'b.yaml');
    expect(r.issues.map((i) => `${i.field}: ${i.message}`)).toEqual(['steps.0.request-medical-info.via: operation information (手術情報) has no result file (YZK/TKK); use via: central']);
    const ok = parseScenarioText(scenario('', '  - request-medical-info: { patient: hanako, kind: operation }\n  - batch-check: { patients: [hanako] }'), 'b.yaml');
    expect(ok.scenarios[0]!.scenario.steps[0]).toEqual({ 'request-medical-info': { patient: 'hanako', kind: 'operation', via: 'central' } });
  });

  it('refuses an unknown transport', () => {
    const r = parseScenarioText(scenario('', '  - batch-check: { patients: [hanako], via: ftp }'), 'b.yaml');
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.field).toBe('steps.0.batch-check.via');
  });
});
