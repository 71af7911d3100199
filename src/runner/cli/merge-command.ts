import type { Command } from 'commander';
import { certifyAndWrite } from '../certification.js';
import { MergeError, mergeRuns, readRunResult } from '../merge.js';
import { createReporter } from '../reporters/index.js';
import { multiplex } from '../reporters/reporter.js';
import { runFailed, type RunResult } from '../results.js';
import { EXIT } from './exit-codes.js';

export function addMergeCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('merge-reports')
    .description('merge the results.json of shards into one results.json, junit.xml and index.html (and certification.json + .html for shards of run --suite); exits 1 if the merged run failed')
    .argument('<dirs...>', 'report folders (or results.json files) of the shards')
    .option('--output <dir>', 'where the merged reports are written', 'reports')
    .action(async (dirs: string[], o: { output: string }) => {
      let merged: RunResult;
      try {
        const { run, notes } = mergeRuns(await Promise.all(dirs.map(readRunResult)));
        for (const w of notes.warnings) console.error(`myna-rig: warning: ${w}`);
        merged = run;
      } catch (e) {
        if (!(e instanceof MergeError)) throw e;
        console.error(`myna-rig: merge-reports: ${e.message}`);
        return setExit(EXIT.USAGE);
      }
      const reporter = multiplex((['json', 'junit', 'html'] as const).map((n) => createReporter(n, o.output)));
      await reporter.onEnd(merged);
      const s = merged.summary;
      console.log(
        `myna-rig: merged ${dirs.length} report${dirs.length === 1 ? '' : 's'} into ${o.output}: ${s.total} scenarios, ${s.passed} passed, ${s.failed} failed, ${s.errors} errors` +
          `${s.flaky ? `, ${s.flaky} flaky` : ''}${s.knownFailures ? `, ${s.knownFailures} known failures` : ''}${s.stale ? `, ${s.stale} stale` : ''}`,
      );
      if (merged.certification) console.log((await certifyAndWrite(merged, merged.certification, o.output)).line);
      setExit(runFailed(merged) ? EXIT.FAILED : EXIT.OK);
    });
}
