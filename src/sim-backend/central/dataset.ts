import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../../domain/index.js';
import type { QualificationRecord } from './qualification-result.js';
import type { EligibilityStore } from './store.js';

/**
 * Eligibility fixtures: persons with their qualification records (and dated ratio / limit history),
 * as YAML or JSON. The shape mirrors domain/person.ts and QualificationRecord; see
 * docs/protocols/backend-api.md "Datasets".
 */
const Iso = z.custom<IsoDate>((v) => typeof v === 'string' && isIsoDate(v), 'must be a calendar date yyyy-MM-dd');
const Ratio = z.union([z.literal(10), z.literal(20), z.literal(30), z.literal(100)]);
const LimitCode = z.enum(['A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B09', 'B10']);
const dated = <T extends z.ZodType>(value: T) => z.strictObject({ from: Iso, to: Iso.optional(), value });

export const DatasetQualification = z.strictObject({
  insurerNumber: z.string().regex(/^\d{6}$|^\d{8}$/, 'must be 6 or 8 digits'),
  insurerName: z.string().min(1),
  insurerKind: z.enum(['kyokai', 'kumiai', 'kyosai', 'kokuho', 'kokuho-kumiai', 'koki']),
  symbol: z.string().optional(),
  number: z.string().min(1),
  branch: z.string().regex(/^\d{2}$/, 'must be 2 digits').optional(),
  relation: z.enum(['insured', 'dependent']),
  insuredName: z.string().optional(),
  cardClassification: z.string().regex(/^(\d{2}|A1)$/, 'must be 2 digits or A1 (OQSCD010)').default('01'),
  acquiredOn: Iso,
  lostOn: Iso.optional(),
  incomeClass: z.enum(['general', 'higher', 'active', 'low']).default('general'),
  copayRatio: Ratio.optional(),
  limitCategory: LimitCode.optional(),
  ratioHistory: z.array(dated(Ratio)).optional(),
  limitHistory: z.array(dated(LimitCode)).optional(),
  /** 医療扶助 (cardClassification A1): see PublicExpenseRecord in qualification-result.ts. */
  publicExpense: z
    .strictObject({
      number: z.string().regex(/^\d{8}$/, 'must be 8 digits (公費負担者番号)'),
      beneficiaryNumber: z.string().regex(/^\d{7}$/, 'must be 7 digits (受給者番号)'),
      welfareOfficeName: z.string().min(1).optional(),
      tickets: z
        .array(
          z.strictObject({
            ticketType: z.enum(['01', '02']),
            month: z.string().regex(/^\d{4}-\d{2}$/, 'must be yyyy-MM'),
            validFrom: Iso,
            validTo: Iso,
            issueNumber: z.string().optional(),
            designatedInstitutionCode: z.string().regex(/^\d{10}$/, 'must be 10 digits').optional(),
            designatedInstitutionName: z.string().optional(),
            treatmentType: z.enum(['01', '02', '03', '04', '05']),
            selfPayAmount: z.number().int().min(0).optional(),
            singleOrCombined: z.enum(['01', '02']).default('01'),
            injuryNames: z.array(z.string()).max(3).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export const DatasetPerson = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  nameKana: z.string().optional(),
  birthDate: Iso,
  sex: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  address: z.string().optional(),
  postNumber: z.string().optional(),
  /** 健康保険証利用登録; default true. */
  registered: z.boolean().default(true),
  qualifications: z.array(DatasetQualification).default([]),
});

export const Dataset = z.strictObject({ persons: z.array(DatasetPerson) });
export type Dataset = z.infer<typeof Dataset>;
export type DatasetPerson = z.infer<typeof DatasetPerson>;

/** Reads and validates a dataset; errors read `file: persons.3.qualifications.0.acquiredOn: message`. */
export async function loadDataset(file: string): Promise<Dataset> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the dataset (${(err as Error).message})`, { cause: err });
  }
  return parseDataset(text, file);
}

/** Parses YAML or JSON (JSON is YAML) text; `file` only names the source in errors. */
export function parseDataset(text: string, file: string): Dataset {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new Error(`${file}: not valid YAML/JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = Dataset.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => `${file}: ${i.path.length > 0 ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
    const more = parsed.error.issues.length > 10 ? `\n… and ${parsed.error.issues.length - 10} more problems` : '';
    throw new Error(`${lines.join('\n')}${more}`);
  }
  const seen = new Set<string>();
  for (const [i, p] of parsed.data.persons.entries()) {
    if (seen.has(p.id)) throw new Error(`${file}: persons.${i}.id: duplicate person id "${p.id}"; every person needs a unique id`);
    seen.add(p.id);
    for (const [j, q] of p.qualifications.entries()) {
      if (q.lostOn !== undefined && q.lostOn < q.acquiredOn) {
        throw new Error(`${file}: persons.${i}.qualifications.${j}.lostOn: ${q.lostOn} is before acquiredOn ${q.acquiredOn}`);
      }
    }
  }
  return parsed.data;
}

/** Adds every person of a dataset to the store (certificates are linked separately). */
export function addDataset(store: EligibilityStore, dataset: Dataset): void {
  for (const p of dataset.persons) {
    const { registered, qualifications, ...person } = p;
    store.addPerson(person, qualifications.map(stripUndefined), { registered });
  }
}

function stripUndefined(q: z.infer<typeof DatasetQualification>): QualificationRecord {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as unknown as QualificationRecord;
}
