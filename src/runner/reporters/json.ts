import type { Reporter } from './reporter.js';
import { writeFileAtomic } from './write-atomic.js';

export function jsonReporter(outputFile: string): Reporter {
  return {
    async onEnd(run) {
      await writeFileAtomic(outputFile, `${JSON.stringify(run, null, 2)}\n`);
    },
  };
}
