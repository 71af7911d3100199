import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFiles, type LoadedScenario } from '../../src/scenarios/loader.js';
import { runScenarios } from '../../src/runner/run.js';
import { referenceAdapter } from '../../src/runner/sut-adapter.js';
import type { RunResult } from '../../src/runner/results.js';
import { brokenBackOffices, brokenReceptions } from './broken-receptions.js';

/**
 * The whole rig on loopback with real sockets: card (APDUs), reader (WebSocket client), terminal,
 * central (HTTP, pkijs), and the reference reception — then the same scenarios against each
 * deliberately broken reception.
 */
const DIR = 'scenarios/conformance';
let scenarios: LoadedScenario[] = [];

beforeAll(async () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => join(DIR, f));
  const loaded = await loadScenarioFiles(files);
  expect(loaded.issues).toEqual([]);
  scenarios = loaded.scenarios;
});

const runWith = (adapter: ReturnType<typeof referenceAdapter>): Promise<RunResult> =>
  runScenarios(scenarios, { adapter, seed: 1, reporters: [], concurrency: 2 });

const statusById = (run: RunResult): Record<string, string> => Object.fromEntries(run.scenarios.map((s) => [s.id, s.status]));

describe('built-in scenarios on the full rig', () => {
  it('all pass against the reference reception', async () => {
    const run = await runWith(referenceAdapter());
    const problems = run.scenarios.filter((s) => s.status !== 'passed').map((s) => `${s.id}: ${s.error ?? s.failures.map((f) => f.message).join('; ')}`);
    expect(problems).toEqual([]);
    expect(run.summary.passed).toBe(scenarios.length);
  }, 120_000);

  // Which broken reception each scenario must catch: literal, so a scenario that stops catching
  // its fault shows up here.
  const mustFail: Record<string, string[]> = {
    'ignores-pin-lock': ['conformance/pin-locked-offer-face', 'conformance/pin-locked-before-visit'],
    'ten-wari-on-failure': [
      'conformance/cert-expired-beyond-grace',
      'conformance/cert-grace-literal-first-refused-day',
      'conformance/qualification-lost-invalid',
      'conformance/registration-lag-shown-invalid',
      'conformance/card-suspended-after-loss-report',
      'conformance/chip-broken',
      'conformance/foreign-resident-not-displayed',
      'conformance/card-suspended-crl',
      'conformance/crl-stale-refused-then-fresh',
    ],
    'ignores-certificate-rejection': [
      'conformance/cert-expired-beyond-grace',
      'conformance/cert-grace-literal-first-refused-day',
      'conformance/card-suspended-after-loss-report',
      'conformance/card-suspended-crl',
      'conformance/smartphone-cert-in-grace-use-card',
    ],
    'flat-three-tenths': [
      'conformance/late-elder-one-tenth',
      'conformance/preschool-two-tenths',
      'conformance/ratio-boundary-70-next-month',
      'conformance/ratio-boundary-preschool-april-2nd-child',
      'conformance/visual-check-after-face-fails',
      'conformance/smartphone-android-accepted',
      'conformance/reader-maintenance-refuses-card',
      'conformance/face-mask-falls-back-to-pin',
      'conformance/home-consent-web-to-reception',
    ],
    'ratio-by-birthday-age': ['conformance/ratio-boundary-70-birth-month', 'conformance/ratio-boundary-preschool-april-1st-child'],
    'limit-needs-consent': ['conformance/limit-category-without-consent'],
    'never-offers-visual-check': [
      'conformance/visual-check-after-face-fails',
      'conformance/face-backlight-falls-back-to-pin',
      'conformance/face-mask-falls-back-to-pin',
    ],
    'refuses-black-circle-name': ['conformance/black-circle-name-accepted'],
    'shows-kana-name': [
      'conformance/pin-check-accepted',
      'conformance/pin-locked-offer-face',
      'conformance/cert-expired-in-grace',
      'conformance/late-elder-one-tenth',
      'conformance/preschool-two-tenths',
      'conformance/card-not-registered-registers-at-reader',
      'conformance/cert-expiring-soon-notice',
      'conformance/pinless-card-face-only',
      'conformance/smartphone-android-accepted',
      'conformance/smartphone-iphone-accepted',
      'conformance/smartphone-site-without-phone-reader',
      'conformance/home-consent-web-to-reception',
    ],
    'phone-failure-ten-wari': ['conformance/smartphone-iphone-unlock-fails'],
    'maintenance-means-ten-wari': ['conformance/reader-maintenance-refuses-card'],
    'note-means-failure': [
      'conformance/cert-expired-in-grace',
      'conformance/cert-grace-month-end-last-day',
      'conformance/cert-expiring-soon-notice',
      'conformance/smartphone-cert-in-grace-use-card',
    ],
    'picks-first-qualification': ['conformance/double-enrolment-ask-patient'],
    'missing-expiry-means-expired': ['conformance/expiry-missing-still-valid'],
    'processing-means-final': ['conformance/batch-precheck-processing-not-invalid'],
    'family-shares-result': ['conformance/batch-child-invalid-parent-valid'],
    'new-qualification-means-valid': ['conformance/batch-precheck-dataset-lost-and-changed'],
    'shows-cached-medical-info': [
      'conformance/medical-info-consent-withdrawn',
      'conformance/medical-info-window-expired',
      'conformance/home-consent-drive-through-24h',
      'conformance/home-consent-web-card-signed',
    ],
    'ignores-refusal': [
      'conformance/consent-carried-over',
      'conformance/consent-no-carryover-before-2025-02',
      'conformance/qualification-only-facility',
      'conformance/medical-info-consent-withdrawn',
      'conformance/medical-info-window-expired',
      'conformance/home-consent-drive-through-24h',
      'conformance/home-consent-web-card-signed',
    ],
    'trusts-oqs-blindly': [
      'conformance/clinic-record-mis-linkage',
      'conformance/clinic-record-old-surname',
      'conformance/clinic-record-name-order',
      'conformance/reference-number-other-patient',
    ],
    'ignores-reference-number': ['conformance/reference-number-other-patient'],
  };

  const adapterFor = (name: string): ReturnType<typeof referenceAdapter> =>
    name in brokenBackOffices ? referenceAdapter({ name, decideBackOffice: brokenBackOffices[name] }) : referenceAdapter({ name, decide: brokenReceptions[name] });

  const caughtBy = new Map<string, string[]>();

  it.each(Object.keys(mustFail))('broken reception "%s" fails the scenarios written for it', async (name) => {
    const run = await runWith(adapterFor(name));
    const status = statusById(run);
    for (const id of mustFail[name]!) expect.soft(status[id], `${id} against ${name}`).toBe('failed');
    for (const s of run.scenarios) if (s.status === 'failed') caughtBy.set(s.id, [...(caughtBy.get(s.id) ?? []), name]);
    expect(run.scenarios.every((s) => s.status !== 'error'), 'no rig errors').toBe(true);
  }, 120_000);

  it('every built-in scenario is failed by at least one broken reception', () => {
    const uncaught = scenarios.map((s) => s.scenario.id).filter((id) => !caughtBy.has(id));
    expect(uncaught).toEqual([]);
  });
});
