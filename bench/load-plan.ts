/**
 * The order both load generators follow (autocannon's and the raw-socket one): warm-up, the
 * fixed-rate run, the unthrottled run, then a rate sweep that stops at the first step not
 * sustained. Each generator brings its own `run(rate, seconds)`; rate 0 means no limit.
 */
import type { LoadPlan, LoadReport, RunNumbers } from './backend-http-load.js';

export async function runLoadPlan(plan: LoadPlan, run: (rate: number, seconds: number) => Promise<RunNumbers>): Promise<Pick<LoadReport, 'fixed' | 'max' | 'sweep' | 'sustained'>> {
  await run(plan.fixed.rate, plan.warmupSeconds);
  const fixed = await run(plan.fixed.rate, plan.fixed.seconds);
  const max = await run(0, plan.maxSeconds);
  const sweep: RunNumbers[] = [];
  let sustained = 0;
  for (const rate of plan.sweep.rates) {
    const r = await run(rate, plan.sweep.stepSeconds);
    sweep.push(r);
    if (r.achieved < plan.sweep.minShare * rate || r.p99 > plan.sweep.p99BoundMs || r.errors > 0) break;
    sustained = rate;
  }
  return { fixed, max, sweep, sustained };
}
