import { GENERIC_PROFILE_DATA } from './generic.js';
import { ReaderProfile, ReaderProfileData } from './schema.js';
import { VENDOR_A } from './vendor-a.js';
import { VENDOR_B } from './vendor-b.js';
import { VENDOR_C } from './vendor-c.js';
import { VENDOR_D } from './vendor-d.js';
import { VENDOR_E } from './vendor-e.js';

export * from './schema.js';

/**
 * Validates profile data and fills the texts it leaves out from the generic profile.
 * Throws with the profile id and the offending field.
 */
export function loadProfile(data: unknown, base: ReaderProfile = GENERIC_PROFILE): ReaderProfile {
  const parsed = ReaderProfileData.safeParse(data);
  if (!parsed.success) {
    const id = typeof data === 'object' && data !== null && 'id' in data ? String((data as { id: unknown }).id) : '(no id)';
    const issue = parsed.error.issues[0];
    throw new TypeError(`reader profile ${id}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'} — see src/sim-reader/profiles/schema.ts`);
  }
  const p = parsed.data;
  return ReaderProfile.parse({
    ...p,
    texts: {
      ...base.texts,
      ...p.texts,
      consentItem: { ...base.texts.consentItem, ...p.texts.consentItem },
      faceGuidance: { ...base.texts.faceGuidance, ...p.texts.faceGuidance },
    },
    errorTexts: { ...base.errorTexts, ...p.errorTexts },
  });
}

export const GENERIC_PROFILE: ReaderProfile = ReaderProfile.parse(GENERIC_PROFILE_DATA);

/** The five vendor profiles (reader-flow §1.6: five kinds of reader), by id. */
export const VENDOR_PROFILES: Readonly<Record<string, ReaderProfile>> = Object.fromEntries(
  [VENDOR_A, VENDOR_B, VENDOR_C, VENDOR_D, VENDOR_E].map((d) => [d.id, loadProfile(d)]),
);

export const PROFILE_IDS: readonly string[] = ['generic', ...Object.keys(VENDOR_PROFILES)];

/** A profile by id ('generic', 'vendor-a' … 'vendor-e'); throws naming the known ids. */
export function readerProfile(id: string): ReaderProfile {
  if (id === 'generic') return GENERIC_PROFILE;
  const p = VENDOR_PROFILES[id];
  if (p === undefined) throw new RangeError(`unknown reader profile "${id}": use one of ${PROFILE_IDS.join(', ')}`);
  return p;
}
