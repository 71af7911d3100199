import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDataset, loadDataset, parseDataset } from './dataset.js';
import { EligibilityStore } from './store.js';
import { valueOn } from './qualification-result.js';

const YAML = `
persons:
  - id: hanako
    name: 架空　花子
    nameKana: ｶｸｳ ﾊﾅｺ
    birthDate: 1945-03-03
    sex: 2
    qualifications:
      - insurerNumber: "39131015"
        insurerName: 架空県後期高齢者医療広域連合
        insurerKind: koki
        number: "00012345"
        relation: insured
        acquiredOn: 2020-03-03
        ratioHistory:
          - { from: 2024-08-01, to: 2025-07-31, value: 20 }
  - id: saburo
    name: 架空　三郎
    birthDate: 1990-07-07
    sex: 1
    registered: false
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myna-dataset-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadDataset', () => {
  it('loads YAML with defaults and history, and fills a store', async () => {
    const file = join(dir, 'people.yaml');
    await writeFile(file, YAML);
    const dataset = await loadDataset(file);
    expect(dataset.persons.map((p) => p.id)).toEqual(['hanako', 'saburo']);
    const q = dataset.persons[0]!.qualifications[0]!;
    expect(q).toMatchObject({ cardClassification: '01', incomeClass: 'general', acquiredOn: '2020-03-03' });
    expect(valueOn(q.ratioHistory, '2025-04-01' as never)).toBe(20);
    const store = new EligibilityStore();
    addDataset(store, dataset);
    expect(store.get('saburo')?.registered).toBe(false);
    expect(store.get('hanako')?.qualifications[0]?.insurerNumber).toBe('39131015');
    expect(store.findByInsuredCard({ insurerNumber: '39131015', number: '00012345' }).map((m) => m.record.person.id)).toEqual(['hanako']);
  });

  it('loads JSON', async () => {
    const file = join(dir, 'people.json');
    await writeFile(file, JSON.stringify({ persons: [{ id: 'a', name: '架空　一', birthDate: '2000-01-01', sex: 3 }] }));
    expect((await loadDataset(file)).persons[0]).toMatchObject({ id: 'a', registered: true, qualifications: [] });
  });

  it('names the file, the path and the problem', () => {
    const bad = YAML.replace('acquiredOn: 2020-03-03', 'acquiredOn: 2020-02-30');
    expect(() => parseDataset(bad, 'people.yaml')).toThrow('people.yaml: persons.0.qualifications.0.acquiredOn: must be a calendar date yyyy-MM-dd');
    expect(() => parseDataset(YAML.replace('insurerKind: koki', 'insurerKind: kaisha'), 'p.yaml')).toThrow(/^p\.yaml: persons\.0\.qualifications\.0\.insurerKind: /);
    expect(() => parseDataset(YAML.replace('sex: 2', 'sex: 2\n    shoeSize: 24'), 'p.yaml')).toThrow(/^p\.yaml: persons\.0: .*shoeSize/);
    expect(() => parseDataset(YAML.replace('id: saburo', 'id: hanako'), 'p.yaml')).toThrow('p.yaml: persons.1.id: duplicate person id "hanako"');
    expect(() => parseDataset('persons: [', 'p.yaml')).toThrow(/^p\.yaml: not valid YAML\/JSON: /);
  });

  it('says which file it cannot read', async () => {
    await expect(loadDataset(join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml: cannot read the dataset/);
  });
});
