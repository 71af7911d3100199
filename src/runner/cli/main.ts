import { Command, CommanderError } from 'commander';
import { scenarioJsonSchema } from '../../scenarios/json-schema.js';
import { EXIT } from './exit-codes.js';
import { loadOrReport } from './load.js';
import { registerCardCommand } from './card-command.js';
import { addImportCommand } from './import-command.js';
import { addInitCommand } from './init-command.js';
import { addMergeCommand } from './merge-command.js';
import { addReferenceCommand } from './reference-command.js';
import { addReplayCommand } from './replay-command.js';
import { addRunCommand } from './run-command.js';
import { addServeCommand } from './serve-command.js';
import { addValidateCommand } from './validate-command.js';

export { EXIT } from './exit-codes.js';

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name('myna-rig')
    .description('Simulated マイナ保険証 cards, face-auth readers and OQS backend, and a conformance harness for reception systems.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  addRunCommand(program, setExit);

  program
    .command('list')
    .description('list scenarios with their ids, tags and sources')
    .argument('[paths...]', 'scenario files or folders')
    .action(async (paths: string[]) => {
      const loaded = await loadOrReport(paths);
      if (!loaded) return setExit(EXIT.USAGE);
      for (const { scenario: s, file, line } of loaded.scenarios) {
        console.log(`${s.id}\t${s.title}\t[${s.tags.join(', ')}]\t${file}:${line}`);
      }
      setExit(EXIT.OK);
    });

  addValidateCommand(program, setExit);

  program
    .command('schema')
    .description('print the JSON Schema of the scenario language')
    .action(() => {
      console.log(JSON.stringify(scenarioJsonSchema(), null, 2));
      setExit(EXIT.OK);
    });

  addMergeCommand(program, setExit);
  addImportCommand(program, setExit);
  addReplayCommand(program, setExit);
  addInitCommand(program, setExit);
  addServeCommand(program, setExit);
  addReferenceCommand(program, setExit);
  registerCardCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1 → ours is 2.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    console.error(`myna-rig: ${(e as Error).stack ?? String(e)}`);
    return EXIT.USAGE;
  }
  return code;
}
