import { z } from 'zod';

/** The patient's choices on the reader's consent screens (診療/薬剤/特定健診/手術). */
export const ConsentChoices = z.object({
  diagnosis: z.boolean(),
  pharmacy: z.boolean(),
  checkup: z.boolean(),
  operation: z.boolean(),
});
export type ConsentChoices = z.infer<typeof ConsentChoices>;

export const NO_CONSENT: ConsentChoices = { diagnosis: false, pharmacy: false, checkup: false, operation: false };
export const FULL_CONSENT: ConsentChoices = { diagnosis: true, pharmacy: true, checkup: true, operation: true };
