import { describe, expect, it } from 'vitest';
import { parseScenarioText } from './loader.js';
import { sourceLabels } from './schema.js';

const scenario = (source: string): string => `id: imported/x
title: t
source: ${source}
at: 2025-04-07T09:00:00+09:00
personas: { p: { name: 山田　太郎, birthDate: 1980-01-15 } }
steps: [{ place-card: p }]
expect: {}
`;

describe('source', () => {
  it('accepts the imported form `source: { imported: <file> }` and labels it for reports', () => {
    const r = parseScenarioText(scenario('{ imported: OQSsiquc01res_0001.xml, kind: result-xml }'), 's.yaml');
    expect(r.issues).toEqual([]);
    expect(sourceLabels(r.scenarios[0]!.scenario.source)).toEqual(['imported from OQSsiquc01res_0001.xml']);
  });

  it('accepts seeds and an imported file side by side', () => {
    const r = parseScenarioText(scenario('[{ seed: 003_1d37e4bbb0760197.txt, section: 資料① }, { imported: pcscd.log }]'), 's.yaml');
    expect(r.issues).toEqual([]);
    expect(sourceLabels(r.scenarios[0]!.scenario.source)).toEqual(['003_1d37e4bbb0760197.txt 資料①', 'imported from pcscd.log']);
  });

  it('still reports an empty list and a bad seed name at their place', () => {
    expect(parseScenarioText(scenario('[]'), 's.yaml').issues.map((i) => `${i.line}:${i.col}: ${i.field}: ${i.message}`)).toEqual([
      '3:9: source: cite at least one seed: expectations are written from the sources',
    ]);
    expect(parseScenarioText(scenario('{ imported: x.xml, kind: photo }'), 's.yaml').issues).toHaveLength(1);
  });
});
