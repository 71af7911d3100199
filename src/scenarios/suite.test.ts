import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioFiles } from './loader.js';
import { parseSuiteText } from './suite.js';
import { readdirSync } from 'node:fs';

const SHIPPED = 'scenarios/suites/oqs-reception-v1.yaml';

describe('the shipped suite oqs-reception 1.0.0', () => {
  const parsed = parseSuiteText(readFileSync(SHIPPED, 'utf8'), SHIPPED);

  it('is valid, version 1.0.0, levels basic then full', () => {
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.loaded.suite.suite).toBe('oqs-reception');
    expect(parsed.loaded.suite.version).toBe('1.0.0');
    expect(Object.keys(parsed.loaded.suite.levels)).toEqual(['basic', 'full']);
    expect(parsed.loaded.suite.levels.basic!.scenarios).toHaveLength(6);
  });

  it('full requires every conformance scenario, and basic is a subset of full', async () => {
    if (!parsed.ok) throw new Error('suite invalid');
    const dir = 'scenarios/conformance';
    const loaded = await loadScenarioFiles(readdirSync(dir).map((f) => `${dir}/${f}`));
    const ids = loaded.scenarios.map((s) => s.scenario.id).sort();
    expect(ids.length).toBe(51);
    expect([...parsed.loaded.suite.levels.full!.scenarios].sort()).toEqual(ids);
    for (const id of parsed.loaded.suite.levels.basic!.scenarios) expect(parsed.loaded.suite.levels.full!.scenarios).toContain(id);
  });
});

describe('parseSuiteText', () => {
  it('reports a duplicate id within a level at its position', () => {
    const text = 'suite: s\nversion: 1.0.0\ntitle: t\nscenarios: [x]\nlevels:\n  basic:\n    scenarios: [a/b, a/b]\n';
    const r = parseSuiteText(text, 's.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([{ file: 's.yaml', line: 7, col: 22, field: 'levels.basic.scenarios.1', message: '"a/b" is listed twice in level basic' }]);
  });

  it('a suite without levels is an error', () => {
    const r = parseSuiteText('suite: s\nversion: 1.0.0\ntitle: t\nscenarios: [x]\nlevels: {}\n', 's.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => `${i.line}:${i.col}: ${i.field}: ${i.message}`)).toEqual(['5:9: levels: declare at least one level, e.g. basic']);
  });
});
