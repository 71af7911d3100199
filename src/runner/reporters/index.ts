import { join } from 'node:path';
import { consoleReporter } from './console.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import type { Reporter } from './reporter.js';

/** Built-in reporters by name (Vitest style), each with the file it writes under the output folder. */
export const REPORTER_NAMES = ['console', 'junit', 'json', 'html'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

export const REPORT_FILES = { junit: 'junit.xml', json: 'results.json', html: 'index.html' } as const;

export function createReporter(name: ReporterName, outputDir: string): Reporter {
  switch (name) {
    case 'console':
      return consoleReporter();
    case 'junit':
      return junitReporter(join(outputDir, REPORT_FILES.junit));
    case 'json':
      return jsonReporter(join(outputDir, REPORT_FILES.json));
    case 'html':
      return htmlReporter(join(outputDir, REPORT_FILES.html));
  }
}
