import { describe, expect, it } from 'vitest';
import { formatIssue, parseScenarioText } from './loader.js';

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

  it('refuses an unknown transport', () => {
    const r = parseScenarioText(scenario('', '  - batch-check: { patients: [hanako], via: ftp }'), 'b.yaml');
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.field).toBe('steps.0.batch-check.via');
  });
});
