import type { LoadedScenario } from '../scenarios/loader.js';

export interface Shard {
  /** 1-based. */
  current: number;
  total: number;
}

/**
 * The scenarios of shard `current` of `total`: the ids sorted, cut into `total` contiguous
 * slices whose sizes differ by at most one. The same set of scenarios always splits the same
 * way whatever order files are given in, and every scenario lands in exactly one shard.
 * Within a shard, scenarios keep their file order.
 */
export function selectShard(scenarios: LoadedScenario[], shard: Shard): LoadedScenario[] {
  const ids = scenarios.map((s) => s.scenario.id).sort();
  const from = Math.floor(((shard.current - 1) * ids.length) / shard.total);
  const to = Math.floor((shard.current * ids.length) / shard.total);
  const mine = new Set(ids.slice(from, to));
  return scenarios.filter((s) => mine.has(s.scenario.id));
}
