/**
 * `myna-rig card serve`: one emulated My Number card in pcscd's virtual reader (vsmartcard vpcd),
 * so that OpenSC, pcsc-tools or any PC/SC program can use it. Runs until SIGINT / SIGTERM.
 * pcscd must run with the vsmartcard-vpcd driver (Debian: apt-get install pcscd vsmartcard-vpcd;
 * no systemd: `pcscd --foreground &`).
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { jstDate } from '../../domain/index.js';
import {
  BUILTIN_CARD_PERSONAS,
  cardOptionsFromPersona,
  connectToVpcd,
  createMyNumberCard,
  createSimulatedJlis,
  parseCardPersona,
  VPCD_DEFAULT_PORT,
  type CardPersona,
} from '../../sim-card/index.js';

interface ServeOptions {
  persona: string;
  host: string;
  port: number;
  pin?: string;
  signPin?: string;
  triesLeft?: number;
  signTriesLeft?: number;
  notBefore?: string;
  notAfter?: string;
  verbose?: boolean;
}

const integer = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, received "${value}"`);
  return n;
};

async function loadPersona(id: string): Promise<CardPersona> {
  const builtin = BUILTIN_CARD_PERSONAS[id];
  if (builtin) return builtin;
  const text = await readFile(id, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      `card serve: --persona ${id} is neither a built-in persona (${Object.keys(BUILTIN_CARD_PERSONAS).join(', ')}) nor a readable JSON file (${error.code ?? error.message})`,
    );
  });
  return parseCardPersona(text, id);
}

/** Persona plus command-line overrides; flags win. */
function withFlags(persona: CardPersona, o: ServeOptions): CardPersona {
  const out: CardPersona = { ...persona };
  if (o.pin !== undefined) out.authPin = o.pin;
  if (o.signPin !== undefined) out.signPin = o.signPin;
  if (o.triesLeft !== undefined) out.authPinTriesLeft = o.triesLeft;
  if (o.signTriesLeft !== undefined) out.signPinTriesLeft = o.signTriesLeft;
  if (o.notBefore !== undefined || o.notAfter !== undefined) {
    if (o.notBefore === undefined || o.notAfter === undefined) throw new Error('card serve: give --not-before and --not-after together (YYYY-MM-DD)');
    out.authCertificate = { notBefore: o.notBefore, notAfter: o.notAfter };
  }
  return out;
}

export function registerCardCommand(program: Command): void {
  const card = program.command('card').description('emulated My Number cards for real smart-card software');
  card
    .command('serve')
    .description('put an emulated My Number card into pcscd\'s virtual reader (vsmartcard vpcd) until interrupted')
    .option('--persona <file-or-builtin>', `built-in persona (${Object.keys(BUILTIN_CARD_PERSONAS).join(', ')}) or a JSON file`, 'default')
    .option('--host <host>', 'where pcscd\'s vpcd listens', '127.0.0.1')
    .option('--port <n>', 'vpcd port (35963 = reader "Virtual PCD 00 00", 35964 = "… 00 01")', integer('--port'), VPCD_DEFAULT_PORT)
    .option('--pin <digits>', 'user-authentication PIN, 4 digits (default 1234)')
    .option('--sign-pin <password>', 'signature password, 6–16 of A–Z 0–9 (default SIGN1234)')
    .option('--tries-left <n>', 'tries left on the auth PIN (0 = locked)', integer('--tries-left'))
    .option('--sign-tries-left <n>', 'tries left on the sign PIN (0 = locked)', integer('--sign-tries-left'))
    .option('--not-before <date>', 'first valid day of the auth certificate (YYYY-MM-DD)')
    .option('--not-after <date>', 'last valid day of the auth certificate (YYYY-MM-DD)')
    .option('--verbose', 'log every APDU exchange (PINs masked)')
    .action(async (o: ServeOptions) => {
      const persona = withFlags(await loadPersona(o.persona), o);
      // Validates the merged persona the same way as a file.
      const checked = parseCardPersona(JSON.stringify(persona), `${o.persona} with command-line flags`);
      const jlis = await createSimulatedJlis();
      const myNumberCard = await createMyNumberCard({ jlis, ...cardOptionsFromPersona(checked, jstDate(Date.now())) });
      const log = (line: string): void => void process.stderr.write(`[card] ${line}\n`);
      const bridge = connectToVpcd({
        card: myNumberCard,
        host: o.host,
        port: o.port,
        onLog: (line) => {
          if (o.verbose || !line.startsWith('>')) log(line);
        },
      });
      log(`waiting for pcscd's vpcd at ${o.host}:${o.port} (persona ${o.persona}; Ctrl-C stops)`);
      await bridge.connected;
      log('card inserted');
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await bridge.close();
      log('card removed, bye');
    });
}
