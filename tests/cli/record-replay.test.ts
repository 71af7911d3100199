import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/reference-clinic/server.js';
import { brokenReceptions } from '../integration/broken-receptions.js';
import { builtIn, CliFixture } from './cli-fixture.js';

/**
 * `run --record <dir>` saves each scenario's reception-link messages and outcome as JSONL;
 * `myna-rig replay` sends them to a reception system again (the built-in reference, or one behind
 * --sut) and compares outcomes: same → exit 0, different → exit 1 naming the field.
 */
interface Line {
  kind: string;
  format?: string;
  id?: string;
  message?: { type?: string; v?: number };
  outcome?: Record<string, unknown> | null;
}

const lines = (text: string): Line[] => text.trim().split('\n').map((l) => JSON.parse(l) as Line);

describe('run --record and replay', () => {
  let good: ReferenceServer;
  let flat: ReferenceServer;
  beforeAll(async () => {
    good = await startReferenceServer({ name: 'other reception' });
    flat = await startReferenceServer({ name: 'flat 3割 reception', decide: brokenReceptions['flat-three-tenths'] });
  });
  afterAll(async () => {
    await good.close();
    await flat.close();
  });

  const recorded = async (): Promise<CliFixture> => {
    const fx = new CliFixture().write({ 'scenarios/elder.yaml': builtIn('late-elder-one-tenth.yaml'), 'scenarios/lock.yaml': builtIn('pin-locked-offer-face.yaml') });
    const r = await fx.run('run', 'scenarios', '--record', 'rec', '--reporter', 'json', '--seed', '2');
    expect(r.code).toBe(0);
    return fx;
  };

  it('writes one JSONL per scenario: meta, the messages as sent and acked, the final outcome', async () => {
    const fx = await recorded();
    const rec = lines(fx.read('rec/conformance__late-elder-one-tenth.jsonl'));
    expect(rec[0]).toMatchObject({ kind: 'meta', format: 'myna-rig-recording', id: 'conformance/late-elder-one-tenth' });
    const sends = rec.filter((l) => l.kind === 'send');
    expect(sends.map((l) => l.message?.type)).toEqual(['qualification.result']);
    expect(rec.filter((l) => l.kind === 'receive').map((l) => l.message?.type)).toContain('ack');
    expect(rec.at(-1)).toMatchObject({ kind: 'outcome', outcome: { status: 'accepted', copayRatio: 10 } });
    expect(fx.json<{ scenarios: Array<{ outcome: unknown }> }>('reports/results.json').scenarios.map((s) => s.outcome)).toContainEqual(rec.at(-1)!.outcome);
  }, 60_000);

  it('replayed against the in-process reference and a remote reference: same outcomes (exit 0)', async () => {
    const fx = await recorded();
    const a = await fx.run('replay', 'rec');
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    expect(a.out).toContain('myna-rig: replaying 2 recordings against reference-reception');
    expect(a.out).toContain('  ✓ conformance/late-elder-one-tenth: same outcome (accepted) after 1 message');
    expect(a.out).toContain('2 same, 0 different');
    const b = await fx.run('replay', 'rec', '--sut', good.url);
    expect(b.code).toBe(0);
    expect(b.out).toContain('against other reception');
    expect(b.out).toContain('2 same, 0 different');
  }, 60_000);

  it('a reception that decides differently is caught, naming the field (exit 1)', async () => {
    const fx = await recorded();
    const r = await fx.run('replay', 'rec/conformance__late-elder-one-tenth.jsonl', '--sut', flat.url);
    expect(r.code).toBe(1);
    expect(r.out).toContain('  ✗ conformance/late-elder-one-tenth: the outcome differs');
    expect(r.out).toContain('      copayRatio: recorded 10, replayed 30');
    expect(r.out).toContain('0 same, 1 different');
  }, 60_000);

  it('a file that is not a recording is a usage error that says how to make one (exit 2)', async () => {
    const fx = new CliFixture().write({ 'x.jsonl': '{"kind":"send"}\n', 'empty/readme.txt': 'no recordings here' });
    const a = await fx.run('replay', 'x.jsonl');
    expect(a.code).toBe(2);
    expect(a.err).toContain('myna-rig: replay: x.jsonl:1: not a myna-rig recording');
    expect(a.err).toContain('`myna-rig run --record <dir>`');
    const b = await fx.run('replay', 'empty');
    expect(b.code).toBe(2);
    expect(b.err).toContain('no recordings (*.jsonl) in empty');
  });
});
