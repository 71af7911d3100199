import type { IsoDate } from './dates.js';
import type { CopayRatio, IncomeClass } from './person.js';

export interface CopayInput {
  birthDate: IsoDate;
  /** The date of the visit (診療日). */
  serviceDate: IsoDate;
  incomeClass: IncomeClass;
}

/**
 * 一部負担金割合 by age at the service date and income class (rules.md §2.4, seed 002
 * «医療費の一部負担（自己負担）割合について»).
 */
export function copayRatio(input: CopayInput): CopayRatio {
  void input;
  throw new Error('copayRatio: not implemented yet');
}
