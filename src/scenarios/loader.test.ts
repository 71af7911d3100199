import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, loadScenarioFiles, parseScenarioText } from './loader.js';

const minimal = (extra = ''): string => `id: examples/minimal
title: minimal
source:
  - seed: 004_8de33dbf066f2c02.txt
    section: STEP02
at: 2025-04-01T09:00:00+09:00
personas:
  taro:
    name: 山田　太郎
    birthDate: 1985-06-15
steps:
  - place-card: taro
expect:
  outcome: { status: accepted }
${extra}`;

describe('scenario loader', () => {
  it('loads a minimal scenario and fills the defaults', () => {
    const r = parseScenarioText(minimal(), 'min.yaml');
    expect(r.issues).toEqual([]);
    expect(r.scenarios).toHaveLength(1);
    const s = r.scenarios[0]!.scenario;
    expect(s.personas.taro!.card.pin).toBe('1234');
    expect(s.personas.taro!.card.pinTriesLeft).toBe(3);
    expect(s.facility.medicalInstitutionCode).toBe('1310000017');
  });

  it('loads every built-in scenario without a problem', async () => {
    const dir = 'scenarios/conformance';
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const r = await loadScenarioFiles(files);
    expect(r.issues.map(formatIssue)).toEqual([]);
    // A file may hold several scenarios (---), never none.
    expect(new Set(r.scenarios.map((s) => s.file)).size).toBe(files.length);
  });

  it('reports a bad PIN value at its line and column, naming the field', () => {
    const text = minimal().replace('  - place-card: taro', '  - place-card: taro\n  - enter-pin: 12345');
    const r = parseScenarioText(text, 'bad-pin.yaml');
    expect(r.scenarios).toEqual([]);
    expect(r.issues.map(formatIssue)).toEqual([
      'bad-pin.yaml:13:16: steps.1.enter-pin: must be a quoted string of 4 digits, e.g. "1234" (unquoted, YAML reads a number and drops leading zeros)',
    ]);
  });

  it('reports an unknown field with its position', () => {
    const text = minimal().replace('    birthDate: 1985-06-15', '    birthDate: 1985-06-15\n    birthday: 1985-06-15');
    const r = parseScenarioText(text, 'typo.yaml');
    const lines = r.issues.map(formatIssue);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^typo\.yaml:11:5: personas\.taro\.birthday: unknown field "birthday"/);
  });

  it('reports an impossible date', () => {
    const r = parseScenarioText(minimal().replace('1985-06-15', '1985-02-30'), 'date.yaml');
    expect(r.issues.map(formatIssue)).toEqual([
      'date.yaml:10:16: personas.taro.birthDate: must be a calendar date written YYYY-MM-DD, e.g. 2025-04-01',
    ]);
  });

  it('reports a step that names a persona nobody declared', () => {
    const r = parseScenarioText(minimal().replace('place-card: taro', 'place-card: jiro'), 'ref.yaml');
    expect(r.issues.map(formatIssue)).toEqual(['ref.yaml:12:17: steps.0.place-card: no persona "jiro"; declared personas: taro']);
  });

  it('reports an unknown step kind', () => {
    const r = parseScenarioText(minimal().replace('  - place-card: taro', '  - place-card: taro\n  - wave-hand: yes'), 'step.yaml');
    expect(r.issues).toHaveLength(1);
    expect(formatIssue(r.issues[0]!)).toMatch(/^step\.yaml:13:5: steps\.1: not a known step/);
  });

  it('reports YAML syntax errors with a position and loses the other documents of the file to nothing', () => {
    const text = `${minimal()}---\nid: [unclosed\n`;
    const r = parseScenarioText(text, 'syntax.yaml');
    expect(r.scenarios).toHaveLength(1);
    expect(r.issues.length).toBeGreaterThanOrEqual(1);
    expect(formatIssue(r.issues[0]!)).toMatch(/^syntax\.yaml:17:\d+: \(yaml\): /);
  });

  it('refuses duplicate ids across files', async () => {
    const r = await loadScenarioFiles(['scenarios/conformance/pin-check-accepted.yaml', 'scenarios/conformance/pin-check-accepted.yaml']);
    expect(r.issues.map((i) => i.message)).toEqual([
      'duplicate scenario id "conformance/pin-check-accepted", first defined at scenarios/conformance/pin-check-accepted.yaml:2; ids must be unique',
    ]);
  });

  it('reports a missing file instead of throwing', async () => {
    const r = await loadScenarioFiles(['nope/missing.yaml']);
    expect(r.issues.map(formatIssue)).toEqual(['nope/missing.yaml:1:1: (file): no such file; check the path']);
  });
});
