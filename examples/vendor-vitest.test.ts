/**
 * How a vendor uses myna-rig inside their own vitest suite: load scenarios, run them against
 * their reception (here the reference one, through the same adapter interface a vendor
 * implements), and assert on the results. Imports the package by its name, as a vendor would.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFiles, referenceAdapter, runScenario, runScenarios, type SutAdapter } from 'myna-rig';

// A vendor replaces this with an adapter that starts their own reception system.
const mySystem: SutAdapter = referenceAdapter({ name: 'my-reception' });

describe('my reception against myna-rig', () => {
  it('handles the PIN-lock scenario (T39)', async () => {
    const { scenarios, issues } = await loadScenarioFiles(['scenarios/conformance/pin-locked-offer-face.yaml']);
    expect(issues).toEqual([]);
    const result = await runScenario(scenarios[0]!, { adapter: mySystem, seed: 1 });
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('passed');
  }, 60_000);

  it('reports a failing expectation with a reproduction line', async () => {
    const { scenarios } = await loadScenarioFiles(['scenarios/conformance/late-elder-one-tenth.yaml']);
    // A reception that charges everyone 3割 fails the 後期高齢者 1割 scenario.
    const flat: SutAdapter = referenceAdapter({
      name: 'flat-30',
      decide: (_prev, msg) => (msg.type === 'qualification.result' ? { status: 'accepted', copayRatio: 30 } : { status: 'pending' }),
    });
    const run = await runScenarios(scenarios, { adapter: flat, seed: 3, reporters: [] });
    expect(run.summary.failed).toBe(1);
    expect(run.scenarios[0]!.failures.map((f) => f.message)).toContain('outcome.copayRatio: expected 10, got 30');
    expect(run.scenarios[0]!.repro).toBe('npx myna-rig run scenarios/conformance/late-elder-one-tenth.yaml --id conformance/late-elder-one-tenth --seed 3');
  }, 60_000);
});
