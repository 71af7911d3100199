import type { Command } from 'commander';
import { startReaderPage, type PagePersona } from '../../sim-reader/index.js';
import { assembleRig } from '../rig.js';
import { referenceAdapter, type SutAdapter } from '../sut-adapter.js';
import { EXIT } from './exit-codes.js';
import { loadOrReport } from './load.js';
import { DEFAULT_CONSENT_RETENTION_MS, DEFAULT_MAX_CONSENTS, DEFAULT_MAX_LIVE_CHECKS, MAX_LIVE_CHECKS_LIMIT } from '../../sim-backend/central/index.js';
import { intInRange, nonNegativeInt, portNumber } from './options.js';
import { untilSignal } from './until-signal.js';

interface ServeOptions {
  scenario: string;
  id?: string;
  reference?: boolean;
  seed: number;
  port: number;
  host: string;
  maxLiveChecks?: number;
  consentRetentionDays?: number;
  maxConsents?: number;
}

const DAY_MS = 24 * 3600_000;

/**
 * Without --reference nothing answers the reception side: the developer connects their own
 * reception system to the printed terminal URL (docs/protocols/reception.md).
 */
const noReception: SutAdapter = {
  name: 'none (connect your reception to the terminal)',
  start: () => Promise.resolve({ outcome: () => Promise.resolve(undefined), close: () => Promise.resolve() }),
};

export function addServeCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description("start one scenario's world for manual work — central, terminal, a reader with its web page (and the reference reception) — print the URLs, run until Ctrl-C")
    .requiredOption('--scenario <file>', 'scenario file whose personas (cards), backend records, faults and reader profile to use')
    .option('--id <id>', 'which scenario of the file (default: the first)')
    .option('--reference', 'also run the built-in reference reception, connected to the terminal')
    .option('--seed <n>', 'seed for every random choice', nonNegativeInt('--seed'), 1)
    .option('--port <n>', 'TCP port of the reader page (0 = any free port)', portNumber('--port'), 0)
    .option('--host <host>', 'address the reader page binds', '127.0.0.1')
    // The virtual clock stands still unless a step moves it, so in a long session nothing ages
    // out: these bound what central remembers (the oldest forgotten first, with a 404 that says so).
    .option('--max-live-checks <n>', `live card checks and challenges central remembers (default ${DEFAULT_MAX_LIVE_CHECKS.toLocaleString('en')})`, intInRange('--max-live-checks', 1, MAX_LIVE_CHECKS_LIMIT))
    .option('--consent-retention-days <n>', `days central keeps a consent after its card check, at least 1: the 24-hour window (default ${DEFAULT_CONSENT_RETENTION_MS / DAY_MS})`, intInRange('--consent-retention-days', 1, 36_500))
    .option('--max-consents <n>', `consents central keeps (default ${DEFAULT_MAX_CONSENTS.toLocaleString('en')})`, intInRange('--max-consents', 1, 100_000_000))
    .action(async (o: ServeOptions) => {
      const loaded = await loadOrReport([o.scenario]);
      if (!loaded) return setExit(EXIT.USAGE);
      const chosen = o.id ? loaded.scenarios.find((s) => s.scenario.id === o.id) : loaded.scenarios[0];
      if (!chosen) {
        console.error(`myna-rig: serve: no scenario "${o.id}" in ${o.scenario}; it has ${loaded.scenarios.map((s) => s.scenario.id).join(', ')}`);
        return setExit(EXIT.USAGE);
      }
      const scenario = chosen.scenario;
      const rig = await assembleRig(scenario, o.reference ? referenceAdapter() : noReception, {
        seed: o.seed,
        centralLimits: {
          ...(o.maxLiveChecks !== undefined ? { maxLiveChecks: o.maxLiveChecks } : {}),
          ...(o.consentRetentionDays !== undefined ? { consentRetentionMs: o.consentRetentionDays * DAY_MS } : {}),
          ...(o.maxConsents !== undefined ? { maxConsents: o.maxConsents } : {}),
        },
      });
      const personas: Record<string, PagePersona> = {};
      for (const [key, card] of rig.cards) {
        const name = rig.names.get(key);
        personas[key] = { label: name ? `${key} — ${name}` : key, card: () => card, ...(name !== undefined ? { name } : {}) };
      }
      let page;
      try {
        page = await startReaderPage({ reader: rig.reader, personas, port: o.port, host: o.host });
      } catch (e) {
        await rig.close();
        console.error(`myna-rig: serve: cannot start the reader page on ${o.host}:${o.port}: ${(e as Error).message}`);
        return setExit(EXIT.USAGE);
      }
      // Scripts (and our tests) read these lines: keep the "name: URL" shape.
      console.log(`myna-rig serve: ${scenario.id} (${chosen.file}:${chosen.line}), virtual clock at ${scenario.at}`);
      console.log(`reader page: ${page.url}`);
      console.log(`terminal reception (ws): ${rig.terminal.receptionUrl}`);
      console.log(`terminal: ${rig.terminal.url}`);
      console.log(`central: ${rig.centralUrl}`);
      console.log(o.reference ? 'reception: the reference reception, connected' : 'reception: none — connect yours to the terminal reception URL (docs/protocols/reception.md)');
      console.log(`personas: ${[...rig.cards.keys()].join(', ')}; Ctrl-C to stop`);
      await untilSignal();
      await page.close();
      await rig.close();
      console.log('myna-rig serve: stopped');
      setExit(EXIT.OK);
    });
}
