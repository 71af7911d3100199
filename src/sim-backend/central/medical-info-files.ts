import type { MedicalInfoKind } from '../../protocol/central-api.js';
import { syntheticMedicalInfo } from './medical-info.js';

export interface MonthBlock {
  /** yyyyMM. */
  MonthOfTreatment: string;
  Entry: { Date: string; Item: string; Facility: string }[];
}

/**
 * The synthetic medical information of medical-info.ts grouped by month for the YZK/TKK result
 * files, newest month first, limited to StartDate..EndDate (yyyyMMdd, inclusive) when given.
 */
export function medicalInfoMonths(opts: { seed: number; personId: string; kind: MedicalInfoKind; now: number; from?: string | undefined; to?: string | undefined }): MonthBlock[] {
  const months = new Map<string, MonthBlock>();
  for (const e of syntheticMedicalInfo(opts)) {
    if ((opts.from !== undefined && e.date < opts.from) || (opts.to !== undefined && e.date > opts.to)) continue;
    const month = e.date.slice(0, 6);
    const block = months.get(month) ?? { MonthOfTreatment: month, Entry: [] };
    block.Entry.push({ Date: e.date, Item: e.item, Facility: e.facility });
    months.set(month, block);
  }
  return [...months.values()];
}
