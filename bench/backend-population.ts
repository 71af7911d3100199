/**
 * 1,000,000 synthetic insured persons in the central EligibilityStore (columnar population,
 * population.ts): RSS after loading (target < 1 GB) and lookups/s by person id and by insurance card,
 * beside a plain Map<string, EligibilityRecord> of the same people built in the same run.
 *
 *   npx tsx bench/backend-population.ts [size=1000000] [seed=1]
 */
import { generatePopulation } from '../src/sim-backend/central/population.js';
import { EligibilityStore, type EligibilityRecord, type InsuredCardKey } from '../src/sim-backend/central/store.js';

const size = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const LOOKUPS = 300_000;
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rss = (): number => {
  gc?.();
  return process.memoryUsage().rss;
};

const before = rss();
let t = performance.now();
const store = new EligibilityStore();
const population = generatePopulation({ size, seed });
store.addSegment(population);
const loadMs = performance.now() - t;
const afterStore = rss();

// The lookup keys (a fixed pseudo-random order, the same for both).
const ids: string[] = [];
const cards: InsuredCardKey[] = [];
let x = seed >>> 0 || 1;
for (let k = 0; k < LOOKUPS; k++) {
  x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  const i = x % size;
  ids.push(population.idOf(i));
  cards.push(population.cardOf(i));
}

const rate = (label: string, fn: (k: number) => unknown): number => {
  for (let k = 0; k < 20_000; k++) fn(k % LOOKUPS); // warm-up
  const start = performance.now();
  let found = 0;
  for (let k = 0; k < LOOKUPS; k++) if (fn(k)) found++;
  const perSec = LOOKUPS / ((performance.now() - start) / 1000);
  if (found !== LOOKUPS) throw new Error(`${label}: found ${found} of ${LOOKUPS}`);
  return perSec;
};

const storeById = rate('store.get', (k) => store.get(ids[k]!));
const storeByCard = rate('store.findByInsuredCard', (k) => store.findByInsuredCard(cards[k]!).length > 0);

// Baseline: every record materialised once into a plain Map (the naive way to hold them).
t = performance.now();
const baseline = new Map<string, EligibilityRecord>();
for (let i = 0; i < size; i++) baseline.set(population.idOf(i), population.record(i));
const baselineLoadMs = performance.now() - t;
const afterBaseline = rss();
const mapById = rate('Map.get', (k) => baseline.get(ids[k]!));

const round = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`persons: ${size.toLocaleString('en-US')} (seed ${seed})${gc ? '' : '  [run with node --expose-gc for steadier RSS]'}`);
console.log(`columnar store:  load ${loadMs.toFixed(0)} ms, RSS ${mb(afterStore)} (+${mb(afterStore - before)} over start) — target < 1 GB: ${afterStore < 1024 ** 3 ? 'met' : 'MISSED'}`);
console.log(`plain Map:       load ${baselineLoadMs.toFixed(0)} ms, +${mb(afterBaseline - afterStore)} on top`);
console.log(`lookups by id:   store ${round(storeById)}/s, plain Map ${round(mapById)}/s, ratio ${(storeById / mapById).toFixed(2)}`);
console.log(`lookups by card: store ${round(storeByCard)}/s (ratio to Map by id ${(storeByCard / mapById).toFixed(2)})`);
