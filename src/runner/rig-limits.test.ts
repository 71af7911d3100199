import { afterEach, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../scenarios/loader.js';
import { assembleRig, type Rig } from './rig.js';
import type { SutAdapter } from './sut-adapter.js';

const SCENARIO = `id: unit/limits
title: central's memory bounds
source:
  - seed: 000_dba35cb865ffb48d.txt
    section: footnote
at: 2025-06-02T09:00:00+09:00
personas:
  hanako:
    name: 佐藤　花子
    birthDate: 1972-11-03
    sex: 2
    qualifications:
      - { insurerNumber: "06139929", insurerName: 東京都情報サービス産業健康保険組合, insurerKind: kumiai, symbol: "501", number: "7781", branch: "00", acquiredOn: 2010-04-01 }
steps:
  - place-card: hanako
expect: {}
`;

const idle: SutAdapter = { name: 'idle', start: () => Promise.resolve({ outcome: () => Promise.resolve(undefined), close: () => Promise.resolve() }) };
const DAY_MS = 24 * 3600_000;

/** RigOptions.centralLimits (myna-rig serve's --max-live-checks, --consent-retention-days, --max-consents) reach central. */
describe('rig: central limits', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  const start = async (centralLimits: NonNullable<Parameters<typeof assembleRig>[2]>['centralLimits']): Promise<Rig> => {
    const parsed = parseScenarioText(SCENARIO, 'unit.yaml');
    expect(parsed.issues).toEqual([]);
    rig = await assembleRig(parsed.scenarios[0]!.scenario, idle, { centralLimits });
    return rig;
  };
  const challenge = async (url: string): Promise<string> => {
    const r = await fetch(`${url}/v1/challenges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return ((await r.json()) as { challengeId: string }).challengeId;
  };
  /** A card check that stops at the challenge or the (made-up) certificate: its refusal reason. */
  const refusalFor = async (url: string, challengeId: string): Promise<string> => {
    const body = { medicalInstitutionCode: '1310000017', method: 'pin', certificate: 'AAAA', signature: 'AAAA', challengeId };
    const r = await fetch(`${url}/v1/card-checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBe(200);
    return ((await r.json()) as { rejection: { reason: string } }).rejection.reason;
  };

  it('maxLiveChecks: the oldest challenge is forgotten once more are live', async () => {
    const { centralUrl } = await start({ maxLiveChecks: 2 });
    const first = await challenge(centralUrl);
    await challenge(centralUrl);
    const third = await challenge(centralUrl);
    expect(await refusalFor(centralUrl, first)).toBe('challenge-unknown');
    // The third is still live: the check goes on to the certificate, which is made up.
    expect(await refusalFor(centralUrl, third)).not.toMatch(/^challenge-/);
  });

  it('without limits central keeps its defaults (the first of three challenges is still live)', async () => {
    const { centralUrl } = await start(undefined);
    const first = await challenge(centralUrl);
    await challenge(centralUrl);
    await challenge(centralUrl);
    expect(await refusalFor(centralUrl, first)).not.toMatch(/^challenge-/);
  });

  it('maxConsents and consentRetentionMs bound the consent registry', async () => {
    const { consents } = await start({ maxConsents: 2, consentRetentionMs: DAY_MS });
    const at = Date.parse('2025-06-02T00:00:00Z');
    const items = { diagnosis: true, pharmacy: true, checkup: true, operation: true };
    const consent = (checkId: string, when: number) => ({ checkId, personId: 'hanako', medicalInstitutionCode: '1310000017', items, at: when, inGrace: false });
    consents.record(consent('c1', at));
    consents.record(consent('c2', at + 1));
    consents.record(consent('c3', at + 2));
    expect(consents.stats()).toMatchObject({ consents: 2, forgottenConsents: 1 });
    expect(consents.consentOfCheck('c1', at + 2).state).toBe('forgotten');
    expect(consents.consentOfCheck('c2', at + 2).state).toBe('kept');
    // A day and a bit later c2 is past a day's retention (it would be kept for central's default 7 days).
    expect(consents.consentOfCheck('c2', at + DAY_MS + 10).state).toBe('forgotten');
    expect(consents.retentionRule()).toBe('consents are kept 1 day after their card check, and only for the newest 2 card checks');
  });
});
