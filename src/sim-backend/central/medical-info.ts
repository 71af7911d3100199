import { addDays, createRng, jstDate, toYmd } from '../../domain/index.js';
import type { MedicalInfoEntry, MedicalInfoKind } from '../../protocol/central-api.js';

/** Entirely synthetic content; no real drug, disease or facility is meant (names carry 架空). */
const ITEMS: Record<MedicalInfoKind, readonly string[]> = {
  pharmacy: ['架空錠A 5mg 1日1回 28日分', '架空カプセルB 10mg 1日2回 14日分', '架空散C 0.5g 1日3回 7日分', '架空点眼液D 1日4回', '架空貼付剤E 1日1枚 14日分'],
  diagnosis: ['架空症候群（疑い）', '架空性気管支炎', '架空性胃炎', '架空性関節痛', '架空性皮膚炎'],
  checkup: ['BMI 23.4', 'HbA1c 5.8%', '収縮期血圧 128mmHg', 'LDLコレステロール 132mg/dL', '腹囲 84.0cm'],
  operation: ['架空切除術', '架空縫合術', '架空内視鏡的処置', '架空整復術'],
};

/**
 * A small deterministic list of medical information for one person and kind: the same seed,
 * person and kind give the same entries, dated back from `now`. Stands in for claims data.
 */
export function syntheticMedicalInfo(opts: { seed: number; personId: string; kind: MedicalInfoKind; now: number }): MedicalInfoEntry[] {
  const rng = createRng(opts.seed).fork(`medical-info|${opts.personId}|${opts.kind}`);
  const count = rng.int(1, 4);
  const today = jstDate(opts.now);
  const entries: MedicalInfoEntry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({
      date: toYmd(addDays(today, -rng.int(14, 540))),
      item: rng.pick(ITEMS[opts.kind]),
      facility: `架空${rng.pick(['内科', '整形外科', '薬局', '総合病院', '健診センター'])}${rng.int(1, 99)}`,
    });
  }
  return entries.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}
