import type { IsoDate } from './dates.js';

/** OQSCD007: 1 男, 2 女, 3 未設定. */
export type Sex = 1 | 2 | 3;

/** Copay ratio in percent (一部負担金割合): 1割 = 10 … 10割 = 100. */
export type CopayRatio = 10 | 20 | 30 | 100;

/**
 * Income class as far as the copay and limit rules need it.
 * - `general`: 一般 (and 低所得 for the copay ratio)
 * - `higher`: 一定以上所得 (75+ only, 2割 since 2022-10-01)
 * - `active`: 現役並み所得 (70+: 3割)
 * - `low`: 低所得 (住民税非課税; copay as general, lower limits)
 */
export type IncomeClass = 'general' | 'higher' | 'active' | 'low';

/** 協会けんぽ, 健保組合, 共済, 市町村国保, 国保組合, 後期高齢者医療. */
export type InsurerKind = 'kyokai' | 'kumiai' | 'kyosai' | 'kokuho' | 'kokuho-kumiai' | 'koki';

/** 本人 / 家族 (OQSCD009: 1 / 2). */
export type Relation = 'insured' | 'dependent';

/** OQSCD012 limit category codes (限度額適用区分). */
export type LimitCategoryCode =
  | 'A01' | 'A02' | 'A03' | 'A04' | 'A05' | 'A06'
  | 'B01' | 'B02' | 'B03' | 'B04' | 'B05' | 'B06' | 'B07' | 'B08' | 'B09' | 'B10';

export interface Person {
  id: string;
  /** Card-face name, family and given name separated by U+3000 (e.g. "山田\u3000太郎"). */
  name: string;
  /** Half-width katakana with a half-width space (e.g. "ﾔﾏﾀﾞ ﾀﾛｳ"). */
  nameKana?: string;
  birthDate: IsoDate;
  sex: Sex;
  address?: string;
  postNumber?: string;
}

/** One qualification record (資格) of a person at one insurer, as the central system keeps it. */
export interface Qualification {
  insurerNumber: string;
  insurerName: string;
  insurerKind: InsurerKind;
  /** 記号 (may be absent, e.g. 後期). */
  symbol?: string;
  /** 番号. */
  number: string;
  /** 枝番, 2 digits. */
  branch?: string;
  relation: Relation;
  /** 被保険者氏名 (for a dependent: the insured person's name). */
  insuredName?: string;
  /** OQSCD010 被保険者証区分, "01" = 被保険者証（一般）. */
  cardClassification: string;
  acquiredOn: IsoDate;
  lostOn?: IsoDate;
  incomeClass: IncomeClass;
  /** The ratio on record, when the insurer recorded one; otherwise the rule's value applies. */
  copayRatio?: CopayRatio;
  limitCategory?: LimitCategoryCode;
}
