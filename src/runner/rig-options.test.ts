import { describe, expect, it } from 'vitest';
import { PersonaSpec, Scenario } from '../scenarios/schema.js';
import { VirtualClock } from '../domain/clock.js';
import { ConsentRegistry, EligibilityStore, startCentral } from '../sim-backend/central/index.js';
import { cardExtras, certificateDates, clinicRecordsOf, readerOptions, seedPreviousConsents, setCrlStalePolicy, terminalFolderOptions } from './rig.js';

const persona = (card: Record<string, unknown>): PersonaSpec => PersonaSpec.parse({ name: '中村　和子', birthDate: '1953-05-20', card });

describe('rig: persona card facts and reader options as the simulators take them', () => {
  it('passes only the card facts a scenario wrote', () => {
    expect(cardExtras(persona({ token: 'iphone', biometric: 'fails' }))).toEqual({ token: 'iphone', biometric: 'fails' });
    expect(cardExtras(persona({ myNumber: '123456789018', cardExpiresOn: '2030-05-20', securityCode: '0420', pinBFormat: 'yymmdd', facePinBTriesLeft: 0 }))).toEqual({
      myNumber: '123456789018',
      cardExpiresOn: '2030-05-20',
      securityCode: '0420',
      pinBFormat: 'yymmdd',
      facePinBTriesLeft: 0,
    });
    expect(cardExtras(persona({}))).toEqual({});
  });

  it('starts the default certificate on the card\'s issue date when one is written', () => {
    // Born 1953-05-20, issued 2021-03-01: birthdays 2021, 2022, 2023, 2024, 2025 — the 5th is 2025-05-20.
    expect(certificateDates(persona({ issuedOn: '2021-03-01' }), '2025-10-06' as never)).toEqual({ notBefore: '2021-03-01', notAfter: '2025-05-20' });
  });

  it('passes only the reader options a scenario wrote, leaving the rest to the profile', () => {
    const base = { id: 'x/y', title: 't', source: [{ seed: '001_61ed4242cd0736b5.txt', section: 's' }], at: '2025-10-06T09:00:00+09:00', personas: {}, steps: [{ ack: null }], expect: {} };
    expect(readerOptions(Scenario.parse(base).reader)).toEqual({});
    const reader = Scenario.parse({ ...base, reader: { profile: 'vendor-d', faceFailNext: 'auth-select', faceCaptureTimeoutS: 20, phoneReader: false } }).reader;
    expect(readerOptions(reader)).toEqual({ faceFailNext: 'auth-select', faceCaptureTimeoutS: 20, phoneReader: false });
  });

  it('seeds each persona\'s previous consent into central\'s registry before the first step', () => {
    const base = { id: 'x/y', title: 't', source: [{ seed: '004_8de33dbf066f2c02.txt', section: 's' }], at: '2025-04-10T09:00:00+09:00', steps: [{ ack: null }], expect: {} };
    const scenario = Scenario.parse({
      ...base,
      personas: {
        hanako: {
          name: '佐藤　花子',
          birthDate: '1972-11-03',
          previousConsent: { at: '2025-03-10T10:15:00+09:00', method: 'individual', items: { diagnosis: false, pharmacy: true, checkup: false, operation: false } },
        },
        jiro: {
          name: '佐藤　次郎',
          birthDate: '2008-06-01',
          previousConsent: { at: '2025-03-10T10:20:00+09:00', facility: '1310000025', method: 'bulk', items: { diagnosis: true, pharmacy: true, checkup: true, operation: true } },
        },
        taro: { name: '佐藤　太郎', birthDate: '1970-01-01' },
      },
    });
    const consents = new ConsentRegistry();
    seedPreviousConsents(scenario, consents);
    expect(consents.consents()).toEqual([
      {
        checkId: 'prior-hanako',
        personId: 'hanako',
        medicalInstitutionCode: '1310000017',
        items: { diagnosis: false, pharmacy: true, checkup: false, operation: false },
        at: Date.UTC(2025, 2, 10, 1, 15),
        inGrace: false,
        method: 'individual',
      },
      {
        checkId: 'prior-jiro',
        personId: 'jiro',
        medicalInstitutionCode: '1310000025',
        items: { diagnosis: true, pharmacy: true, checkup: true, operation: true },
        at: Date.UTC(2025, 2, 10, 1, 20),
        inGrace: false,
        method: 'bulk',
      },
    ]);
    // Only an individual choice at this facility is offered again; a 包括同意 never is.
    expect(consents.previousIndividualChoice('hanako', '1310000017')?.checkId).toBe('prior-hanako');
    expect(consents.previousIndividualChoice('jiro', '1310000025')).toBeUndefined();
  });

  it('takes carryoverFrom as a calendar date and refuses anything else', () => {
    const base = { id: 'x/y', title: 't', source: [{ seed: '004_8de33dbf066f2c02.txt', section: 's' }], at: '2025-04-10T09:00:00+09:00', personas: {}, steps: [{ ack: null }], expect: {} };
    expect(Scenario.parse({ ...base, options: { carryoverFrom: '2025-03-01' } }).options).toEqual({ certGraceEnd: 'month_end', carryoverFrom: '2025-03-01' });
    expect(Scenario.safeParse({ ...base, options: { carryoverFrom: '2025-02-30' } }).success).toBe(false);
  });

  it('hands the SUT the personas\' clinic records, and nothing when no persona has one', () => {
    const base = { id: 'x/y', title: 't', source: [{ seed: '002_d06b874673e3a680.txt', section: 's' }], at: '2025-04-10T09:00:00+09:00', steps: [{ ack: null }], expect: {} };
    const scenario = Scenario.parse({
      ...base,
      personas: {
        hanako: { name: '佐藤　花子', birthDate: '1972-11-03', clinicRecord: { name: '佐藤　花子', nameKana: 'ｻﾄｳ ﾊﾅｺ', insurerNumber: '06139929', number: '7781' } },
        yoshiko: { name: '鈴木　良子', birthDate: '1948-02-14' },
      },
    });
    expect(clinicRecordsOf(scenario)).toEqual({ clinicRecords: [{ name: '佐藤　花子', nameKana: 'ｻﾄｳ ﾊﾅｺ', insurerNumber: '06139929', number: '7781' }] });
    expect(clinicRecordsOf(Scenario.parse({ ...base, personas: { yoshiko: { name: '鈴木　良子', birthDate: '1948-02-14' } } }))).toEqual({});
    expect(Scenario.safeParse({ ...base, personas: { h: { name: 'x', birthDate: '1972-11-03', clinicRecord: { name: 'x', insurerNumber: '123' } } } }).success).toBe(false);
  });

  it('passes terminal.folders.bulkResultFormat to the terminal only when written, and refuses other formats', () => {
    const base = { id: 'x/y', title: 't', source: [{ seed: '002_d06b874673e3a680.txt', section: 's' }], at: '2025-06-03T09:00:00+09:00', personas: {}, steps: [{ ack: null }], expect: {} };
    expect(terminalFolderOptions(Scenario.parse(base))).toEqual({});
    expect(terminalFolderOptions(Scenario.parse({ ...base, terminal: { folders: { bulkResultFormat: 'zip' } } }))).toEqual({ bulkResultFormat: 'zip' });
    expect(Scenario.safeParse({ ...base, terminal: { folders: { bulkResultFormat: 'gzip' } } }).success).toBe(false);
    expect(Scenario.safeParse({ ...base, central: { crlStalePolicy: 'ignore' } }).success).toBe(false);
  });

  it('sets central\'s stale-CRL policy through PUT /admin/crl-policy, as central.crlStalePolicy asks', async () => {
    const central = await startCentral({ clock: new VirtualClock('2025-05-12T10:00:00+09:00'), store: new EligibilityStore(), trustAnchors: [] });
    try {
      const policy = async (): Promise<unknown> => ((await (await fetch(`${central.url}/admin/crl-policy`)).json()) as { policy: unknown }).policy;
      expect(await policy()).toBe('refuse');
      await setCrlStalePolicy(central.url, 'warn');
      expect(await policy()).toBe('warn');
      await setCrlStalePolicy(central.url, 'refuse');
      expect(await policy()).toBe('refuse');
      await expect(setCrlStalePolicy(central.url, 'never' as 'warn')).rejects.toThrow(/^central\.crlStalePolicy: PUT .*\/admin\/crl-policy \{"policy":"never"\} answered HTTP 400/);
    } finally {
      await central.close();
    }
  });
});
