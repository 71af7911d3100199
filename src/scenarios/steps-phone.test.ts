import { describe, expect, it } from 'vitest';
import { formatIssue, parseScenarioText } from './loader.js';

/** The smartphone, face-capture and maintenance steps and the card / reader fields they need. */
const scenario = (card: string, steps: string, reader = ''): string => `id: examples/phone
title: phone
source:
  - seed: 001_61ed4242cd0736b5.txt
    section: 外来診療等におけるスマホ搭載対応
at: 2025-10-06T09:00:00+09:00
${reader}personas:
  kazuko:
    name: 中村　和子
    birthDate: 1953-05-20
    card: ${card}
steps:
${steps}
expect:
  outcome: { status: accepted }
`;

describe('scenario language: phones, face capture, maintenance', () => {
  it('reads place-phone, the phone persona and the reader options as written', () => {
    const text = scenario(
      '{ token: android, pin: "5827", myNumber: "123456789018", issuedOn: 2020-01-10, securityCode: "0420", pinBFormat: yyyymmdd, facePinATriesLeft: 2 }',
      [
        '  - place-phone: { persona: kazuko, carrier: android, pin: "5827" }',
        '  - consent: carry-over',
        '  - consent: reselect',
        '  - face-capture-timeout:',
        '  - inject-reader-fault: { kind: maintenance, reason: settings }',
        '  - close-maintenance:',
        '  - inject-reader-fault: { kind: face-fail-next, reason: mask, count: 2 }',
        '  - present-face: { persona: kazuko, quality: mask }',
      ].join('\n'),
      'reader:\n  profile: vendor-d\n  faceLockAfter: 5\n  screenTimeoutS: 45\n  faceCaptureTimeoutS: 20\n  faceFailNext: restart\n  phoneReader: false\n',
    );
    const r = parseScenarioText(text, 'phone.yaml');
    expect(r.issues.map(formatIssue)).toEqual([]);
    const s = r.scenarios[0]!.scenario;
    expect(s.personas.kazuko!.card).toMatchObject({ token: 'android', myNumber: '123456789018', issuedOn: '2020-01-10', securityCode: '0420', pinBFormat: 'yyyymmdd', facePinATriesLeft: 2 });
    expect(s.reader).toEqual({ profile: 'vendor-d', faults: [], faceLockAfter: 5, screenTimeoutS: 45, faceCaptureTimeoutS: 20, faceFailNext: 'restart', phoneReader: false });
    expect(s.steps).toEqual([
      { 'place-phone': { persona: 'kazuko', carrier: 'android', pin: '5827' } },
      { consent: 'carry-over' },
      { consent: 'reselect' },
      { 'face-capture-timeout': null },
      { 'inject-reader-fault': { kind: 'maintenance', reason: 'settings' } },
      { 'close-maintenance': null },
      { 'inject-reader-fault': { kind: 'face-fail-next', reason: 'mask', count: 2 } },
      { 'present-face': { persona: 'kazuko', quality: 'mask' } },
    ]);
  });

  it('names the field of a carrier that is not a phone kind', () => {
    const r = parseScenarioText(scenario('{ token: iphone }', '  - place-phone: { persona: kazuko, carrier: pixel }'), 'bad.yaml');
    expect(r.scenarios).toEqual([]);
    expect(r.issues.map(formatIssue)).toEqual(['bad.yaml:13:46: steps.0.place-phone.carrier: Invalid option: expected one of "android"|"iphone"']);
  });

  it('refuses a biometric result other than succeeds / fails', () => {
    const r = parseScenarioText(scenario('{ token: iphone, biometric: maybe }', '  - place-phone: { persona: kazuko, carrier: iphone }'), 'bio.yaml');
    expect(r.issues.map(formatIssue)[0]).toMatch(/^bio\.yaml:11:\d+: personas\.kazuko\.card\.biometric: /);
  });
});
