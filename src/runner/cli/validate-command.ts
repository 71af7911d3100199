import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatIssue, loadScenarioFiles, type ScenarioIssue } from '../../scenarios/loader.js';
import { loadSuiteFile, looksLikeSuite, suiteIssues } from '../../scenarios/suite.js';
import { EXIT } from './exit-codes.js';
import { collectFiles, DEFAULT_DIR } from './load.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `myna-rig validate`: scenario files and suite files (told apart by their top-level `suite:` and
 * `levels:`). A suite is checked on its own (schema, levels) and against the scenarios it names
 * (every required id must exist), each problem at its file:line:col.
 */
export async function validatePaths(paths: string[]): Promise<{ issues: ScenarioIssue[]; scenarios: number; suites: number }> {
  const files = await collectFiles(paths.length > 0 ? paths : [DEFAULT_DIR], { withSuites: true });
  const scenarioFiles: string[] = [];
  const suiteFiles: string[] = [];
  for (const f of files) {
    const text = await readFile(f, 'utf8').catch(() => '');
    (looksLikeSuite(text) ? suiteFiles : scenarioFiles).push(f);
  }
  const issues: ScenarioIssue[] = [];
  const loaded = scenarioFiles.length > 0 ? await loadScenarioFiles(scenarioFiles) : { scenarios: [], issues: [] };
  issues.push(...loaded.issues);
  for (const file of suiteFiles) {
    const s = await loadSuiteFile(file);
    if (!s.ok) {
      issues.push(...s.issues);
      continue;
    }
    // The suite's own scenario folders; a broken file there is reported once, as a scenario issue.
    const own = await loadScenarioFiles(await collectFiles(s.loaded.scenarioPaths));
    issues.push(...own.issues);
    issues.push(...suiteIssues(s.loaded, new Set(own.scenarios.map((x) => x.scenario.id))));
  }
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = formatIssue(i);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { issues: unique, scenarios: loaded.scenarios.length, suites: suiteFiles.length };
}

export function addValidateCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check scenario and suite files and report every problem as file:line:col: field: message')
    .argument('[paths...]', 'scenario or suite files, or folders (default: scenarios/, suites included)')
    .action(async (paths: string[]) => {
      const r = await validatePaths(paths);
      if (r.scenarios + r.suites === 0 && r.issues.length === 0) {
        console.error(`myna-rig: no scenario files (*.yaml) under ${paths.join(', ') || DEFAULT_DIR}`);
        return setExit(EXIT.USAGE);
      }
      if (r.issues.length > 0) {
        for (const issue of r.issues) console.error(formatIssue(issue));
        console.error(`myna-rig: ${plural(r.issues.length, 'problem')} in scenario and suite files`);
        return setExit(EXIT.USAGE);
      }
      console.log(`myna-rig: ${plural(r.scenarios, 'scenario')} valid${r.suites > 0 ? `, ${plural(r.suites, 'suite')} valid` : ''}`);
      setExit(EXIT.OK);
    });
}
