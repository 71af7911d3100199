import { createRng, isIsoDate, type IncomeClass, type InsurerKind, type IsoDate, type Person, type Sex } from '../../domain/index.js';
import type { QualificationRecord } from './qualification-result.js';
import type { EligibilityRecord, EligibilitySegment, InsuredCardKey, InsuredCardMatch, PeopleFilter } from './store.js';

/**
 * A large synthetic population held in columns (typed arrays, ~20 bytes a person) and turned into
 * EligibilityRecords only when looked up, so that a million people fit well under 1 GB.
 * Deterministic: the same size, seed and options give the same people; person i does not depend on
 * the size. Every name and number is fictional.
 */
export interface PopulationOptions {
  size: number;
  seed: number;
  /** Ages are drawn relative to this date (copay bands as of then); default 2025-04-01. */
  referenceDate?: IsoDate;
  /** Share of family names written with 外字-prone characters (髙, 﨑, 𠮷); default 0.05. */
  gaijiShare?: number;
  /** Person ids are `${idPrefix}${index, 8 digits}`; default "G". */
  idPrefix?: string;
}

const DAY = 86_400_000;

/** Fictional insurers, one per kind (numbers shaped like the real ones: 8 digits 社保, 6 digits 国保). */
export const POPULATION_INSURERS: Record<InsurerKind, { number: string; name: string }> = {
  kyokai: { number: '01130012', name: '全国健康保険協会架空支部' },
  kumiai: { number: '06139999', name: '架空健康保険組合' },
  kyosai: { number: '31130011', name: '架空共済組合' },
  kokuho: { number: '138057', name: '架空市' },
  'kokuho-kumiai': { number: '133033', name: '架空国民健康保険組合' },
  koki: { number: '39131015', name: '架空県後期高齢者医療広域連合' },
};
const KINDS: readonly InsurerKind[] = ['kyokai', 'kumiai', 'kyosai', 'kokuho', 'kokuho-kumiai', 'koki'];
const INCOME: readonly IncomeClass[] = ['general', 'higher', 'active', 'low'];

const FAMILY: readonly (readonly [string, string])[] = [
  ['佐藤', 'ｻﾄｳ'], ['鈴木', 'ｽｽﾞｷ'], ['高橋', 'ﾀｶﾊｼ'], ['田中', 'ﾀﾅｶ'], ['伊藤', 'ｲﾄｳ'], ['渡辺', 'ﾜﾀﾅﾍﾞ'],
  ['山本', 'ﾔﾏﾓﾄ'], ['中村', 'ﾅｶﾑﾗ'], ['小林', 'ｺﾊﾞﾔｼ'], ['加藤', 'ｶﾄｳ'], ['吉田', 'ﾖｼﾀﾞ'], ['山田', 'ﾔﾏﾀﾞ'],
  ['佐々木', 'ｻｻｷ'], ['山口', 'ﾔﾏｸﾞﾁ'], ['松本', 'ﾏﾂﾓﾄ'], ['井上', 'ｲﾉｳｴ'], ['木村', 'ｷﾑﾗ'], ['林', 'ﾊﾔｼ'],
  ['斎藤', 'ｻｲﾄｳ'], ['清水', 'ｼﾐｽﾞ'], ['山崎', 'ﾔﾏｻﾞｷ'], ['森', 'ﾓﾘ'], ['池田', 'ｲｹﾀﾞ'], ['橋本', 'ﾊｼﾓﾄ'],
];
/** 外字-prone spellings: 髙 (U+9AD9), 﨑 (U+FA11), 𠮷 (U+20BB7, outside the BMP and CP932). */
const FAMILY_GAIJI: readonly (readonly [string, string])[] = [
  ['髙橋', 'ﾀｶﾊｼ'], ['山﨑', 'ﾔﾏｻﾞｷ'], ['𠮷田', 'ﾖｼﾀﾞ'], ['髙木', 'ﾀｶｷﾞ'], ['宮﨑', 'ﾐﾔｻﾞｷ'], ['𠮷川', 'ﾖｼｶﾜ'],
];
const GIVEN_MALE: readonly (readonly [string, string])[] = [
  ['太郎', 'ﾀﾛｳ'], ['一郎', 'ｲﾁﾛｳ'], ['健太', 'ｹﾝﾀ'], ['翔', 'ｼｮｳ'], ['大輔', 'ﾀﾞｲｽｹ'], ['蓮', 'ﾚﾝ'], ['浩', 'ﾋﾛｼ'], ['誠', 'ﾏｺﾄ'],
];
const GIVEN_FEMALE: readonly (readonly [string, string])[] = [
  ['花子', 'ﾊﾅｺ'], ['陽子', 'ﾖｳｺ'], ['美咲', 'ﾐｻｷ'], ['結衣', 'ﾕｲ'], ['恵子', 'ｹｲｺ'], ['葵', 'ｱｵｲ'], ['幸子', 'ｻﾁｺ'], ['愛', 'ｱｲ'],
];

/** Age bands by share: 未就学, 6–69, 70–74, 75+ (copay bands of domain/copay.ts). */
const BANDS: readonly { share: number; minAge: number; maxAge: number }[] = [
  { share: 0.05, minAge: 0, maxAge: 5 },
  { share: 0.6, minAge: 7, maxAge: 68 },
  { share: 0.12, minAge: 71, maxAge: 73 },
  { share: 0.23, minAge: 76, maxAge: 99 },
];

export class Population implements EligibilitySegment {
  readonly size: number;
  readonly seed: number;
  readonly idPrefix: string;
  readonly #birthDay: Int32Array;
  readonly #acquiredDay: Int32Array;
  readonly #family: Uint8Array;
  readonly #given: Uint8Array;
  /** bit 0–1 sex-1, bit 2 gaiji family, bit 3 dependent */
  readonly #flags: Uint8Array;
  readonly #kind: Uint8Array;
  readonly #income: Uint8Array;

  constructor(opts: PopulationOptions) {
    if (!Number.isInteger(opts.size) || opts.size < 0 || opts.size > 99_999_999) {
      throw new RangeError(`generatePopulation: size must be an integer 0…99,999,999, received ${opts.size}`);
    }
    const reference = opts.referenceDate ?? ('2025-04-01' as IsoDate);
    if (!isIsoDate(reference)) throw new RangeError(`generatePopulation: referenceDate "${String(reference)}" is not yyyy-MM-dd`);
    const gaijiShare = opts.gaijiShare ?? 0.05;
    this.size = opts.size;
    this.seed = opts.seed;
    this.idPrefix = opts.idPrefix ?? 'G';
    const n = opts.size;
    this.#birthDay = new Int32Array(n);
    this.#acquiredDay = new Int32Array(n);
    this.#family = new Uint8Array(n);
    this.#given = new Uint8Array(n);
    this.#flags = new Uint8Array(n);
    this.#kind = new Uint8Array(n);
    this.#income = new Uint8Array(n);

    const refDay = Math.floor(Date.parse(`${reference}T00:00:00Z`) / DAY);
    const rng = createRng(opts.seed).fork('population');
    for (let i = 0; i < n; i++) {
      // Exactly eight draws per person, so person i is the same whatever the size.
      const [rBand, rAge, rSex, rGaiji, rFamily, rGiven, rKind, rIncome] = [rng.next(), rng.next(), rng.next(), rng.next(), rng.next(), rng.next(), rng.next(), rng.next()];
      let acc = 0;
      let band = BANDS[BANDS.length - 1]!;
      for (const b of BANDS) {
        acc += b.share;
        if (rBand < acc) {
          band = b;
          break;
        }
      }
      const ageDays = Math.floor((band.minAge + rAge * (band.maxAge - band.minAge + 1)) * 365.2425);
      const birth = refDay - ageDays;
      const sex = rSex < 0.5 ? 1 : 2;
      const gaiji = rGaiji < gaijiShare;
      const familyCount = gaiji ? FAMILY_GAIJI.length : FAMILY.length;
      const givenCount = (sex === 1 ? GIVEN_MALE : GIVEN_FEMALE).length;
      const age = band.minAge;
      // 75+ are all 後期 (by law); below, spread over the other five kinds.
      const kind = age >= 75 ? 5 : Math.floor(rKind * 5);
      const income = age >= 75 ? pickIncome75(rIncome) : age >= 70 ? (rIncome < 0.1 ? 2 : rIncome < 0.3 ? 3 : 0) : 0;
      const dependent = age < 20 || (age < 65 && rIncome > 0.75) ? 8 : 0;
      // Acquired: 後期 on the 75th birthday; others some time between birth and the reference date.
      const acquired = kind === 5 ? birth + Math.floor(75 * 365.2425) : birth + Math.floor(rAge * 0.999 * (refDay - birth));
      this.#birthDay[i] = birth;
      this.#acquiredDay[i] = Math.min(acquired, refDay);
      this.#family[i] = Math.floor(rFamily * familyCount);
      this.#given[i] = Math.floor(rGiven * givenCount);
      this.#flags[i] = (sex - 1) | (gaiji ? 4 : 0) | dependent;
      this.#kind[i] = kind;
      this.#income[i] = income;
    }
  }

  /** Index of a person id of this population, or -1. */
  indexOf(personId: string): number {
    if (!personId.startsWith(this.idPrefix) || personId.length !== this.idPrefix.length + 8) return -1;
    const digits = personId.slice(this.idPrefix.length);
    if (!/^\d{8}$/.test(digits)) return -1;
    const i = Number(digits);
    return i < this.size ? i : -1;
  }

  idOf(index: number): string {
    return `${this.idPrefix}${String(index).padStart(8, '0')}`;
  }

  get(personId: string): EligibilityRecord | undefined {
    const i = this.indexOf(personId);
    return i < 0 ? undefined : this.record(i);
  }

  /** The card of person i: insurer of its kind, 記号 for 社保, 番号 = the index (8 digits), 枝番. */
  cardOf(index: number): InsuredCardKey {
    const kind = KINDS[this.#kind[index]!]!;
    const social = kind === 'kyokai' || kind === 'kumiai' || kind === 'kyosai';
    return {
      insurerNumber: POPULATION_INSURERS[kind].number,
      ...(social ? { symbol: String(1000 + (index % 9000)) } : {}),
      number: String(index).padStart(8, '0'),
      branch: this.#flags[index]! & 8 ? '01' : '00',
    };
  }

  findByInsuredCard(card: InsuredCardKey): InsuredCardMatch[] {
    const number = card.number.trim();
    if (!/^\d{8}$/.test(number)) return [];
    const i = Number(number);
    if (i >= this.size) return [];
    const own = this.cardOf(i);
    if (own.insurerNumber !== card.insurerNumber.trim() || (own.symbol ?? '') !== (card.symbol?.trim() ?? '')) return [];
    const branch = card.branch?.trim() ?? '';
    if (branch !== '' && branch !== own.branch) return [];
    const record = this.record(i);
    return [{ record, qualification: record.qualifications[0]! }];
  }

  /**
   * Persons 0, 1, … made one at a time as the caller iterates. Generated people carry no 公費, so
   * a `publicExpense` listing is empty at once (scanning a million would take seconds).
   */
  *people(filter: PeopleFilter = {}): Generator<EligibilityRecord, void, undefined> {
    if (filter.publicExpense) return;
    for (let i = 0; i < this.size; i++) yield this.record(i);
  }

  /** Person i as an EligibilityRecord, made fresh on every call. */
  record(index: number): EligibilityRecord {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`Population.record: index ${index} is outside 0…${this.size - 1}`);
    }
    const flags = this.#flags[index]!;
    const sex = ((flags & 3) + 1) as Sex;
    const [family, familyKana] = (flags & 4 ? FAMILY_GAIJI : FAMILY)[this.#family[index]!]!;
    const [given, givenKana] = (sex === 1 ? GIVEN_MALE : GIVEN_FEMALE)[this.#given[index]!]!;
    const kind = KINDS[this.#kind[index]!]!;
    const dependent = (flags & 8) !== 0;
    const card = this.cardOf(index);
    const person: Person = {
      id: this.idOf(index),
      name: `${family}\u3000${given}`,
      nameKana: `${familyKana} ${givenKana}`,
      birthDate: dayToIso(this.#birthDay[index]!),
      sex,
    };
    const qualification: QualificationRecord = {
      insurerNumber: card.insurerNumber,
      insurerName: POPULATION_INSURERS[kind].name,
      insurerKind: kind,
      ...(card.symbol !== undefined ? { symbol: card.symbol } : {}),
      number: card.number,
      branch: card.branch!,
      relation: dependent ? 'dependent' : 'insured',
      ...(dependent ? { insuredName: `${family}\u3000${GIVEN_MALE[index % GIVEN_MALE.length]![0]}` } : {}),
      cardClassification: '01',
      acquiredOn: dayToIso(this.#acquiredDay[index]!),
      incomeClass: INCOME[this.#income[index]!]!,
    };
    return { person, qualifications: [qualification], registered: true };
  }
}

export function generatePopulation(opts: PopulationOptions): Population {
  return new Population(opts);
}

/** 後期 members by category (troubles.md §4.1): 現役並み 7%, 2割 20%, 一般 32%, 低所得 41%. */
function pickIncome75(r: number): number {
  if (r < 0.07) return 2; // active
  if (r < 0.27) return 1; // higher
  if (r < 0.59) return 0; // general
  return 3; // low
}

function dayToIso(day: number): IsoDate {
  return new Date(day * DAY).toISOString().slice(0, 10) as IsoDate;
}
