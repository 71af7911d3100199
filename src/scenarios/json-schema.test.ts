import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from './json-schema.js';

describe('scenario JSON Schema', () => {
  it('the committed schema/scenario.schema.json is the one the loader schema generates', () => {
    const committed = JSON.parse(readFileSync('schema/scenario.schema.json', 'utf8'));
    // On failure: npm run build && npx myna-rig schema > schema/scenario.schema.json
    expect(committed).toEqual(scenarioJsonSchema());
  });

  it('requires the fields a scenario cannot do without', () => {
    const schema = scenarioJsonSchema() as { required?: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'title', 'source', 'at', 'personas', 'steps', 'expect']));
  });
});
