/**
 * The central simulator of bench/backend-http.ts in its own process, run as plain JavaScript
 * (bench/compile.ts) so that its CPU time and profile are the product code's, not tsx's.
 *
 * Input: the path of a JSON CentralSetup (argv[2]). Prints one line `{"url":"http://…"}` once
 * listening; closes when stdin ends (the parent exited or closed it).
 */
import { readFileSync } from 'node:fs';
import { VirtualClock, isoDate } from '../src/domain/index.js';
import { CHALLENGE_NONCE_BYTES, csprngBytes } from '../src/sim-backend/central/challenges.js';
import { startCentral } from '../src/sim-backend/central/server.js';
import { EligibilityStore } from '../src/sim-backend/central/store.js';

export interface CentralSetup {
  /** ISO instant of the virtual clock (it does not move during the run). */
  now: string;
  /** base64 DER of the J-LIS CA and of the card certificate linked to the one person. */
  caDer: string;
  cardDer: string;
  /** base64 32-byte nonces central hands out in turn (the bench signed each one beforehand). */
  nonces: string[];
}

const setup = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CentralSetup;
const fromBase64 = (b: string): Uint8Array => new Uint8Array(Buffer.from(b, 'base64'));
const store = new EligibilityStore();
store.addPerson({ id: 'hanako', name: '架空　花子', birthDate: isoDate('1945-03-03'), sex: 2 }, [
  { insurerNumber: '39131015', insurerName: '架空県後期高齢者医療広域連合', insurerKind: 'koki', number: '00012345', relation: 'insured', cardClassification: '01', acquiredOn: isoDate('2020-03-03'), incomeClass: 'general' },
]);
store.linkCertificate('hanako', fromBase64(setup.cardDer));
const nonces = setup.nonces.map(fromBase64);
let next = 0;
// Nonces from the pre-signed pool (see backend-http.ts); challenge and check ids stay CSPRNG.
const randomBytes = (n: number): Uint8Array => (n === CHALLENGE_NONCE_BYTES ? nonces[next++ % nonces.length]! : csprngBytes(n));
const central = await startCentral({ clock: new VirtualClock(setup.now), store, trustAnchors: [fromBase64(setup.caDer)], randomBytes });
process.stdout.write(`${JSON.stringify({ url: central.url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void central.close().then(() => process.exit(0)));
