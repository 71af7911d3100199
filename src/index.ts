/**
 * Library entry: run myna-rig scenarios from your own code or tests.
 *
 *   import { loadScenarioFiles, runScenarios, referenceAdapter } from 'myna-rig';
 */
export { loadScenarioFile, loadScenarioFiles, parseScenarioText, formatIssue } from './scenarios/loader.js';
export type { LoadedScenario, LoadResult, ScenarioIssue } from './scenarios/loader.js';
export { scenarioJsonSchema } from './scenarios/json-schema.js';
export type { Scenario } from './scenarios/schema.js';
export { executeScenario as runScenario } from './runner/execute.js';
export { runScenarios, filterScenarios } from './runner/run.js';
export { assembleRig as createRig } from './runner/rig.js';
export { referenceAdapter } from './runner/sut-adapter.js';
export type { SutAdapter, SutSession, SutEndpoints } from './runner/sut-adapter.js';
export type { RunResult, ScenarioResult } from './runner/results.js';
export type { Reporter } from './runner/reporters/reporter.js';
export type { ReceptionOutcome } from './protocol/reception-outcome.js';
export { remoteAdapter } from './runner/remote-adapter.js';
export { renderHtml } from './runner/reporters/html.js';
export { mergeRuns } from './runner/merge.js';
export { startReferenceServer } from './reference-clinic/server.js';
export { defineConfig } from './runner/define-config.js';
export type { MynaRigConfig } from './runner/define-config.js';
