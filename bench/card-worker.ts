/**
 * Worker of bench/card.ts: builds a card from the materials it is given and signs through
 * `80 2A 00 80` for the given time, then posts the count. Uses the card's real APDU path.
 */
import { createPrivateKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { MyNumberCard } from '../src/sim-card/jpki-card.js';
import { signLoop } from './card-loops.js';

interface Data {
  certDer: Uint8Array;
  caDer: Uint8Array;
  keyPem: string;
  seconds: number;
}

const data = workerData as Data;
const card = new MyNumberCard({
  authCertificateDer: data.certDer,
  authCaCertificateDer: data.caDer,
  authPrivateKey: createPrivateKey(data.keyPem),
  authPin: '1234',
});
parentPort?.postMessage(signLoop(card, data.seconds));
