/**
 * The CLI as a process, for running from source (`npx tsx src/runner/cli/main-entry.ts …`):
 * what bin/myna-rig.js does with the built dist/.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv);
