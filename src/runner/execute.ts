import { sourceLabels, type Scenario, type Step } from '../scenarios/schema.js';
import type { LoadedScenario } from '../scenarios/loader.js';
import { faceEmbedding } from '../sim-reader/index.js';
import { checkExpectation, type Observed } from './expect.js';
import { assembleRig, type Rig } from './rig.js';
import { batchCheck, batchDownload, homeConsent, homeConsentWeb, homeFetch, homeLink, loadCrl, registerReferenceNumber, requestMedicalInfo, revoke } from './back-office-steps.js';
import type { ExpectationFailure, ScenarioResult, StepRecord } from './results.js';
import type { SutAdapter } from './sut-adapter.js';

export interface ExecuteOptions {
  adapter: SutAdapter;
  seed: number;
  /** Per step: how long the rig may take to settle. */
  stepTimeoutMs?: number;
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new RangeError(`not a duration: "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** A step as shown in reports: PINs are never written out. */
export function describeStep(step: Step): string {
  const [key, value] = Object.entries(step)[0] as [string, unknown];
  if (key === 'enter-pin') return 'enter-pin: ****';
  if ((key === 'place-phone' || key === 'home-consent-web') && typeof value === 'object' && value !== null && 'pin' in value) return `${key}: ${JSON.stringify({ ...value, pin: '****' })}`;
  if (value === null || value === true) return key;
  return `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

const CONSENT_ORDER = ['diagnosis', 'pharmacy', 'checkup', 'operation'] as const;

async function perform(rig: Rig, step: Step, scenario: Scenario, index: number): Promise<void> {
  const { reader } = rig;
  if ('batch-check' in step) {
    await batchCheck(rig, scenario, step, index);
  } else if ('batch-download' in step) {
    await batchDownload(rig, step, index);
  } else if ('register-reference-number' in step) {
    await registerReferenceNumber(rig, scenario, step, index);
  } else if ('request-medical-info' in step) {
    await requestMedicalInfo(rig, scenario, step, index);
  } else if ('home-consent' in step) {
    await homeConsent(rig, step, index);
  } else if ('home-link' in step) {
    await homeLink(rig, step, index);
  } else if ('home-consent-web' in step) {
    await homeConsentWeb(rig, step, index);
  } else if ('home-fetch' in step) {
    await homeFetch(rig, step, index);
  } else if ('revoke' in step) {
    revoke(rig, step, index);
  } else if ('load-crl' in step) {
    await loadCrl(rig, index);
  } else if ('place-card' in step) {
    const card = rig.transports.get(step['place-card']);
    if (!card) throw new Error(`no card for persona "${step['place-card']}"`);
    await reader.dispatch({
      type: 'card.placed',
      card,
      holderName: rig.names.get(step['place-card']),
      holderFace: faceEmbedding(step['place-card']),
    });
  } else if ('choose' in step) {
    await reader.dispatch({ type: step.choose === 'pin' ? 'choose.pin' : 'choose.face' });
  } else if ('enter-pin' in step) {
    await reader.dispatch({ type: 'pin.entered', pin: step['enter-pin'] });
  } else if ('present-face' in step) {
    const face = step['present-face'];
    if (typeof face === 'object' && 'persona' in face) {
      await reader.dispatch({ type: 'face.presented', persona: face.persona, embedding: faceEmbedding(face.persona), quality: face.quality });
      return;
    }
    const match = typeof face === 'string' ? face === 'match' : face.match;
    const score = typeof face === 'string' ? (match ? 0.95 : 0.2) : (face.score ?? (match ? 0.95 : 0.2));
    await reader.dispatch({ type: 'face.presented', match, score });
  } else if ('consent' in step) {
    const c = step.consent;
    if (c === 'agree-all') {
      await reader.dispatch({ type: 'consent.agree-all' });
    } else if (c === 'carry-over') {
      await reader.dispatch({ type: 'consent.carry-over' });
    } else if (c === 'reselect') {
      await reader.dispatch({ type: 'consent.reselect' });
    } else {
      await reader.dispatch({ type: 'consent.individually' });
      for (const item of CONSENT_ORDER) {
        await reader.whenIdle();
        await reader.dispatch({ type: 'consent.item', agree: c === 'decline-all' ? false : c[item] });
      }
    }
  } else if ('remove-card' in step) {
    await reader.dispatch({ type: 'card.removed' });
  } else if ('register' in step) {
    await reader.dispatch({ type: step.register === 'yes' ? 'register.yes' : 'register.no' });
  } else if ('ack' in step) {
    await reader.dispatch({ type: 'ack' });
  } else if ('staff' in step) {
    if (step.staff === 'confirm-visual') rig.terminal.confirmVisual(rig.readerId);
    else rig.terminal.setVisualMode(rig.readerId, step.staff === 'visual-mode-on');
  } else if ('reboot-reader' in step) {
    rig.terminal.rebootReader(rig.readerId);
  } else if ('inject-reader-fault' in step) {
    await reader.injectFault(step['inject-reader-fault']);
  } else if ('place-phone' in step) {
    const p = step['place-phone'];
    const phone = rig.transports.get(p.persona);
    if (!phone) throw new Error(`place-phone: no persona "${p.persona}"; add it under personas (with card.token: ${p.carrier})`);
    const holderName = rig.names.get(p.persona);
    await reader.placePhone({
      carrier: p.carrier,
      phone,
      ...(p.pin !== undefined ? { pin: p.pin } : {}),
      ...(holderName !== undefined ? { holderName } : {}),
    });
  } else if ('face-capture-timeout' in step) {
    await reader.dispatch({ type: 'face.capture-timeout' });
  } else if ('close-maintenance' in step) {
    await reader.closeMaintenance();
  } else if ('advance-clock' in step) {
    rig.clock.advance(durationMs(step['advance-clock']));
  }
  // The reader judges its timeouts (F22 screen, F11 face capture) on the virtual clock.
  await reader.tick();
}

async function settle(rig: Rig, timeoutMs: number): Promise<void> {
  // The reader's own work; then a ping/pong so the terminal has handled what the reader sent
  // (and the reader what the terminal sent: staff commands, reboot); then both settle again.
  await rig.reader.whenIdle(timeoutMs);
  await rig.reader.sync(timeoutMs);
  await rig.reader.whenIdle(timeoutMs);
  await rig.terminal.whenIdle(timeoutMs);
  // Starts the timer of the screen the step ended on, at the current virtual time (a later
  // advance-clock then measures from here); no time passed, so it ends nothing.
  await rig.reader.tick();
}

async function observe(rig: Rig): Promise<Observed & { reader: Record<string, unknown> }> {
  const outcome = await rig.sut.outcome();
  const desk = rig.sut.backOffice ? await rig.sut.backOffice.outcome() : undefined;
  return {
    outcome: outcome as Record<string, unknown> | undefined,
    reader: { ...rig.reader.screen() },
    batch: desk?.batch as Record<string, unknown> | undefined,
    medicalInfo: desk?.medicalInfo as Record<string, unknown> | undefined,
    homeVisit: desk?.homeVisit as Record<string, unknown> | undefined,
    traffic: {
      ...(rig.backOffice.lastFetchReleased === undefined ? {} : { medicalInfoReleased: rig.backOffice.lastFetchReleased }),
      ...(rig.backOffice.homeQualification === undefined ? {} : { homeQualification: rig.backOffice.homeQualification }),
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function reproLine(loaded: LoadedScenario, seed: number): string {
  return `npx myna-rig run ${loaded.file} --id ${loaded.scenario.id} --seed ${seed}`;
}

export async function executeScenario(loaded: LoadedScenario, opts: ExecuteOptions): Promise<ScenarioResult> {
  const scenario: Scenario = loaded.scenario;
  const stepTimeoutMs = opts.stepTimeoutMs ?? 10_000;
  const started = performance.now();
  const steps: StepRecord[] = [];
  const failures: ExpectationFailure[] = [];
  const result: ScenarioResult = {
    id: scenario.id,
    title: scenario.title,
    file: loaded.file,
    line: loaded.line,
    tags: scenario.tags,
    troubles: scenario.troubles,
    sources: sourceLabels(scenario.source),
    sut: opts.adapter.name,
    seed: opts.seed,
    status: 'passed',
    durationMs: 0,
    steps,
    failures,
    repro: reproLine(loaded, opts.seed),
  };

  let rig: Rig | undefined;
  try {
    rig = await withTimeout(assembleRig(scenario, opts.adapter, { seed: opts.seed, scenarioFile: loaded.file }), 60_000, 'assembling the rig');
    for (const [index, step] of scenario.steps.entries()) {
      rig.traffic.step = index;
      const t0 = performance.now();
      const record: StepRecord = { index, step: describeStep(step), status: 'passed', durationMs: 0 };
      steps.push(record);
      try {
        if ('expect' in step) {
          const found = checkExpectation(step.expect, await observe(rig), index);
          if (found.length > 0) {
            record.status = 'failed';
            failures.push(...found);
          }
        } else {
          await withTimeout(perform(rig, step, scenario, index), stepTimeoutMs, `step ${index} (${record.step})`);
          await settle(rig, stepTimeoutMs);
        }
        const seen = await observe(rig);
        record.screen = seen.reader;
        if (seen.outcome) record.outcome = seen.outcome;
      } catch (e) {
        record.status = 'error';
        record.error = (e as Error).message;
        throw e;
      } finally {
        record.durationMs = Math.round(performance.now() - t0);
      }
    }
    const seen = await observe(rig);
    if (seen.outcome) result.outcome = seen.outcome;
    failures.push(...checkExpectation(scenario.expect, seen, -1));
    result.status = failures.length > 0 ? 'failed' : 'passed';
  } catch (e) {
    result.status = 'error';
    result.error = (e as Error).message;
  } finally {
    if (rig) {
      const files = await rig.resultFiles().catch(() => []);
      if (files.length > 0) result.resultFiles = files;
      await rig.close();
      result.traffic = rig.traffic.records;
      if (rig.traffic.dropped > 0) result.trafficDropped = rig.traffic.dropped;
    }
    result.durationMs = Math.round(performance.now() - started);
  }
  return result;
}
