import type { Command } from 'commander';
import { startReferenceServer } from '../../reference-clinic/server.js';
import { EXIT } from './exit-codes.js';
import { portNumber } from './options.js';
import { untilSignal } from './until-signal.js';

export function addReferenceCommand(program: Command, setExit: (code: number) => void): void {
  const reference = program.command('reference').description('the reference reception system');
  reference
    .command('serve')
    .description('serve the reference reception over the remote SUT protocol (docs/protocols/sut.md) until Ctrl-C')
    .option('--port <n>', 'TCP port (0 = any free port)', portNumber('--port'), 0)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (o: { port: number; host: string }) => {
      const server = await startReferenceServer({ port: o.port, host: o.host });
      // The first line is the contract: scripts (and our tests) read the URL from it.
      console.log(`myna-rig reference reception listening on ${server.url}`);
      console.log(`run scenarios against it: npx myna-rig run --sut ${server.url}`);
      await untilSignal();
      await server.close();
      setExit(EXIT.OK);
    });
}
