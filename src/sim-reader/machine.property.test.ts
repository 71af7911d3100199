/**
 * Random event sequences against the reader machine. A small model follows the effects the
 * machine emits (which card work and which terminal reply are outstanding) and checks:
 *  - no session reaches 'done' without an auth.result that answered a pin.ok (PIN) or a
 *    face.attested after a matching face (face) in that session;
 *  - once the PIN is known locked in a session (pinTriesLeft 0 at read, pin.locked, or pin.wrong
 *    with 0 left), no card.verify-and-sign is emitted in that session;
 *  - a 目視 (visual) attestation is only made after a staff confirmation (visual.confirmed) that
 *    no earlier visual attestation used — each patient needs their own tick (F18);
 *  - a frozen or hung reader neither moves nor emits anything until rebooted (F13, F26);
 *  - a smartphone (Android / iPhone) authenticates only by a signature from the phone, after
 *    a verify or a biometric unlock; a carried-over consent repeats the verdict's previous choices;
 *  - step never throws.
 * "reply" actions answer whatever is outstanding, so sequences get through the whole flow often.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialState, step, type ReaderEffect, type ReaderEvent, type ReaderState } from './machine.js';

const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const SIG = Uint8Array.from([9, 9, 9]);

type Reply = {
  kind: 'reply';
  accepted: boolean;
  withCheckId: boolean;
  card: 'ok' | 'wrong' | 'locked' | 'failed';
  tries: number;
  /** The verdict carries previous consent choices (K0). */
  previous: boolean;
};
const PREVIOUS = { diagnosis: true, pharmacy: false, checkup: true, operation: false };
type Action = { kind: 'event'; event: ReaderEvent } | Reply;

const sessionIdArb = fc.constantFrom('s1', 's2', 's3', 'other');
const ev = (a: fc.Arbitrary<ReaderEvent>): fc.Arbitrary<Action> => a.map((event) => ({ kind: 'event' as const, event }));

const patientArb: fc.Arbitrary<ReaderEvent> = fc.oneof(
  fc.constantFrom<ReaderEvent>(
    { type: 'card.removed' },
    { type: 'choose.pin' },
    { type: 'choose.face' },
    { type: 'consent.agree-all' },
    { type: 'consent.individually' },
    { type: 'consent.carry-over' },
    { type: 'consent.reselect' },
    { type: 'face.capture-timeout' },
    { type: 'choose.os', os: 'android' },
    { type: 'choose.os', os: 'iphone' },
    { type: 'phone.tapped' },
    { type: 'cancel' },
  ),
  fc.constantFrom('s1', 's2', 's3').map((sessionId): ReaderEvent => ({ type: 'choose.phone', sessionId })),
  fc.constantFrom('s1', 's2', 's3').map((sessionId): ReaderEvent => ({ type: 'card.placed', sessionId })),
  fc.constantFrom('1234', '0000', '12', 'abcd').map((pin): ReaderEvent => ({ type: 'pin.entered', pin })),
  fc.record({ match: fc.boolean(), score: fc.double({ min: -1, max: 2, noNaN: true }) }).map((f): ReaderEvent => ({ type: 'face.presented', ...f })),
  fc.boolean().map((agree): ReaderEvent => ({ type: 'consent.item', agree })),
);

const cardResultArb: fc.Arbitrary<ReaderEvent> = fc.oneof(
  fc.integer({ min: 0, max: 3 }).map((pinTriesLeft): ReaderEvent => ({ type: 'card.read-ok', certificate: CERT, pinTriesLeft })),
  fc.constant<ReaderEvent>({ type: 'card.read-failed' }),
  fc.constant<ReaderEvent>({ type: 'pin.ok', signature: SIG }),
  fc.integer({ min: 0, max: 3 }).map((triesLeft): ReaderEvent => ({ type: 'pin.wrong', triesLeft })),
  fc.constant<ReaderEvent>({ type: 'pin.locked' }),
  fc.constant<ReaderEvent>({ type: 'phone.unlock-failed' }),
  fc.double({ min: 0, max: 1, noNaN: true }).map((score): ReaderEvent => ({ type: 'face.attested', signature: SIG, score })),
);

const terminalArb: fc.Arbitrary<ReaderEvent> = fc.oneof(
  sessionIdArb.map((sessionId): ReaderEvent => ({ v: 1, type: 'challenge', sessionId, challengeId: 'c', nonce: NONCE_B64 })),
  fc
    .record({ sessionId: sessionIdArb, accepted: fc.boolean(), checkId: fc.option(fc.constant('k'), { nil: undefined }) })
    .map((r): ReaderEvent => ({ v: 1, type: 'auth.verdict', ...r, ...(r.checkId === undefined ? {} : { checkId: r.checkId }) })),
  sessionIdArb.map((sessionId): ReaderEvent => ({ v: 1, type: 'session.completed', sessionId })),
  fc.constant<ReaderEvent>({ v: 1, type: 'protocol.error', code: 'bad-message', message: 'x' }),
);

const replyArb: fc.Arbitrary<Reply> = fc.record({
  kind: fc.constant('reply' as const),
  accepted: fc.boolean(),
  withCheckId: fc.boolean(),
  card: fc.constantFrom('ok' as const, 'wrong' as const, 'locked' as const, 'failed' as const),
  tries: fc.integer({ min: 0, max: 3 }),
  previous: fc.boolean(),
});

const staffArb: fc.Arbitrary<ReaderEvent> = fc.constantFrom<ReaderEvent>(
  { v: 1, type: 'mode.set', mode: 'visual' },
  { v: 1, type: 'mode.set', mode: 'auto' },
  { v: 1, type: 'visual.confirmed' },
);

const deviceArb: fc.Arbitrary<ReaderEvent> = fc.oneof(
  fc.constantFrom<ReaderEvent>(
    { type: 'reboot' },
    { type: 'boot.done' },
    { type: 'fault.inject', fault: { kind: 'boot-hang' } },
    { type: 'fault.inject', fault: { kind: 'camera-unavailable' } },
    { type: 'fault.inject', fault: { kind: 'maintenance', reason: 'update' } },
    { type: 'maintenance.close' },
  ),
  fc
    .constantFrom('mismatch' as const, 'timeout' as const, 'backlight' as const, 'mask' as const)
    .map((reason): ReaderEvent => ({ type: 'fault.inject', fault: { kind: 'face-fail-next', reason, count: 2 } })),
  fc.integer({ min: 0, max: 4 }).map((afterActions): ReaderEvent => ({ type: 'fault.inject', fault: { kind: 'freeze', afterActions } })),
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: replyArb, weight: 6 },
  { arbitrary: ev(patientArb), weight: 6 },
  { arbitrary: ev(staffArb), weight: 2 },
  { arbitrary: ev(cardResultArb), weight: 1 },
  { arbitrary: ev(terminalArb), weight: 1 },
  { arbitrary: ev(deviceArb), weight: 1 },
  { arbitrary: ev(fc.constantFrom<ReaderEvent>({ type: 'link.up' }, { type: 'link.down' })), weight: 1 },
);

const e = (event: ReaderEvent): Action => ({ kind: 'event', event });

/** A patient's ordinary visit as a list of steps; replies are resolved against what is outstanding. */
const happyPathArb: fc.Arbitrary<Action[]> = fc
  .record({
    reply: replyArb,
    sessionId: fc.constantFrom('s1', 's2', 's3'),
    method: fc.constantFrom('pin' as const, 'face' as const, 'visual' as const, 'android' as const, 'iphone' as const),
    bulk: fc.boolean(),
    items: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  })
  .map(({ reply, sessionId, method, bulk, items }) => {
    const visit: Action[] =
      method === 'android' || method === 'iphone'
        ? [
            e({ type: 'choose.phone', sessionId }),
            e({ type: 'choose.os', os: method }),
            ...(method === 'android' ? [e({ type: 'pin.entered', pin: '1234' })] : []),
            e({ type: 'phone.tapped' }),
            reply,
            reply,
            reply,
            reply,
          ]
        : [
            e({ type: 'card.placed', sessionId }),
            reply,
            reply,
            ...(method === 'visual'
              ? [e({ v: 1, type: 'visual.confirmed' }), reply]
              : [
                  e({ type: method === 'pin' ? 'choose.pin' : 'choose.face' }),
                  e(method === 'pin' ? { type: 'pin.entered', pin: '1234' } : { type: 'face.presented', match: true, score: 0.9 }),
                ]),
            reply,
            reply,
          ];
    const consent: Action[] = reply.previous
      ? [e(bulk ? { type: 'consent.carry-over' } : { type: 'consent.reselect' }), ...(bulk ? [] : items.map((agree) => e({ type: 'consent.item', agree })))]
      : bulk
        ? [e({ type: 'consent.agree-all' })]
        : [e({ type: 'consent.individually' }), ...items.map((agree) => e({ type: 'consent.item', agree }))];
    return [e({ type: 'link.up' }), e({ v: 1, type: 'mode.set', mode: method === 'visual' ? 'visual' : 'auto' }), ...visit, ...consent, reply];
  });

/** The ordinary visit with random actions slipped in between its steps. */
const perturbedVisitArb: fc.Arbitrary<Action[]> = happyPathArb.chain((path) =>
  fc
    .array(fc.array(actionArb, { maxLength: 2 }), { minLength: path.length, maxLength: path.length })
    .map((noise) => path.flatMap((a, i) => [...(noise[i] ?? []), a])),
);

const sequenceArb: fc.Arbitrary<Action[]> = fc.oneof(
  fc.array(actionArb, { minLength: 1, maxLength: 80 }),
  perturbedVisitArb,
  fc.array(perturbedVisitArb, { minLength: 2, maxLength: 3 }).map((visits) => visits.flat()),
);

/** What the model knows from the effects seen so far. */
interface Model {
  cardWork: 'card.read' | 'card.verify-and-sign' | 'face.attest' | 'phone.unlock-and-sign' | null;
  /** The latest verdict offered previous consent choices. */
  previousOffered: boolean;
  terminal: { awaiting: 'challenge' | 'auth.verdict' | 'session.completed'; sessionId: string } | null;
  /** The session of the latest card.read. */
  authSucceeded: boolean;
  pinLocked: boolean;
  /** A staff tick not yet used by a visual attestation. */
  tickAvailable: boolean;
  /** Method of the outstanding face.attest effect. */
  attestMethod: 'face' | 'visual' | null;
}

function resolveReply(model: Model, r: Reply): ReaderEvent | null {
  if (model.cardWork === 'card.read') {
    return r.card === 'failed' ? { type: 'card.read-failed' } : { type: 'card.read-ok', certificate: CERT, pinTriesLeft: r.tries };
  }
  if (model.cardWork === 'card.verify-and-sign') {
    if (r.card === 'ok') return { type: 'pin.ok', signature: SIG };
    if (r.card === 'wrong') return { type: 'pin.wrong', triesLeft: r.tries };
    if (r.card === 'locked') return { type: 'pin.locked' };
    return { type: 'card.read-failed' };
  }
  if (model.cardWork === 'face.attest') return { type: 'face.attested', signature: SIG, score: 0.9 };
  if (model.cardWork === 'phone.unlock-and-sign') return r.card === 'ok' ? { type: 'pin.ok', signature: SIG } : r.card === 'failed' ? { type: 'card.read-failed' } : { type: 'phone.unlock-failed' };
  const t = model.terminal;
  if (t === null) return null;
  if (t.awaiting === 'challenge') return { v: 1, type: 'challenge', sessionId: t.sessionId, challengeId: 'c', nonce: NONCE_B64 };
  if (t.awaiting === 'auth.verdict') {
    return {
      v: 1,
      type: 'auth.verdict',
      sessionId: t.sessionId,
      accepted: r.accepted,
      ...(r.withCheckId ? { checkId: 'k' } : {}),
      ...(r.previous ? { previousConsent: PREVIOUS } : {}),
    };
  }
  return { v: 1, type: 'session.completed', sessionId: t.sessionId };
}

interface RunStats {
  done: number;
  lockedSessions: number;
  verifies: number;
  visualAuths: number;
  frozenSteps: number;
  phoneAuths: number;
  carriedOver: number;
}

function runSequence(actions: Action[], stats: RunStats): void {
  let state: ReaderState = initialState({ readerId: 'r1' });
  const model: Model = { cardWork: null, terminal: null, authSucceeded: false, pinLocked: false, tickAvailable: false, attestMethod: null, previousOffered: false };
  for (const action of actions) {
    const event = action.kind === 'event' ? action.event : resolveReply(model, action);
    if (event === null) continue;

    // A frozen or hung reader drops what reaches it (card results and terminal replies included),
    // so such an event answers nothing: the machine's pending work stays pending, and so must the
    // model's — otherwise a later unfreeze looks like an answer out of nowhere.
    const stuckNow = state.faults.frozen || state.screen === 'boot-failed';
    const dropped = stuckNow && event.type !== 'reboot' && event.type !== 'fault.inject';

    // What this event means to the model, judged before the machine sees it.
    const answersVerify = model.cardWork === 'card.verify-and-sign';
    const answersRead = model.cardWork === 'card.read';
    const answersAttest = model.cardWork === 'face.attest';
    const answersUnlock = model.cardWork === 'phone.unlock-and-sign';
    if (!dropped && event.type === 'auth.verdict' && model.terminal?.awaiting === 'auth.verdict' && event.sessionId === model.terminal.sessionId) {
      model.previousOffered = event.previousConsent !== undefined;
    }
    if (!dropped && answersVerify && (event.type === 'pin.locked' || (event.type === 'pin.wrong' && event.triesLeft === 0))) model.pinLocked = true;
    if (!dropped && answersRead && event.type === 'card.read-ok' && event.pinTriesLeft === 0) model.pinLocked = true;
    // Each kind of work has its own answers (a face attestation never answers with a card failure).
    const answers: Record<NonNullable<Model['cardWork']>, readonly string[]> = {
      'card.read': ['card.read-ok', 'card.read-failed'],
      'card.verify-and-sign': ['pin.ok', 'pin.wrong', 'pin.locked', 'card.read-failed'],
      'face.attest': ['face.attested'],
      'phone.unlock-and-sign': ['pin.ok', 'phone.unlock-failed', 'card.read-failed'],
    };
    if (!dropped && model.cardWork !== null && answers[model.cardWork].includes(event.type)) model.cardWork = null;
    if (!dropped && 'sessionId' in event && model.terminal !== null && event.type === model.terminal.awaiting && event.sessionId === model.terminal.sessionId) {
      model.terminal = null;
    }

    if (event.type === 'visual.confirmed') model.tickAvailable = true;

    const before = state.screen;
    const prior = state;
    const { state: next, effects } = step(state, event);
    state = next;
    if (event.type === 'link.down' || event.type === 'card.removed' || event.type === 'cancel') {
      if (state.screen !== before) {
        model.cardWork = null;
        model.terminal = null;
      }
    }
    if ((event.type === 'reboot' || event.type === 'fault.inject') && state.session === null) {
      model.cardWork = null;
      model.terminal = null;
    }
    const stuck = prior.faults.frozen || prior.screen === 'boot-failed';
    if (stuck && event.type !== 'reboot' && event.type !== 'fault.inject') {
      expect(effects, `a frozen / hung reader emitted effects for ${event.type}`).toEqual([]);
      expect(state.screen).toBe(prior.screen);
      expect(state.session).toBe(prior.session);
      stats.frozenSteps++;
    }

    for (const effect of effects as ReaderEffect[]) {
      if (effect.type === 'card.read') {
        Object.assign(model, { cardWork: 'card.read', terminal: null, authSucceeded: false, pinLocked: false });
      } else if (effect.type === 'card.verify-and-sign') {
        expect(model.pinLocked, 'card.verify-and-sign emitted after the PIN was known locked').toBe(false);
        stats.verifies++;
        model.cardWork = 'card.verify-and-sign';
      } else if (effect.type === 'face.attest') {
        if (effect.method === 'visual') {
          expect(model.tickAvailable, 'visual attestation without an unused staff confirmation').toBe(true);
          model.tickAvailable = false;
          model.attestMethod = 'visual';
        } else {
          expect(event.type === 'face.presented' && 'match' in event && event.match).toBe(true);
          model.attestMethod = 'face';
        }
        model.cardWork = 'face.attest';
      } else if (effect.type === 'phone.unlock-and-sign') {
        model.cardWork = 'phone.unlock-and-sign';
      } else {
        const m = effect.message;
        if (m.type === 'challenge.request') model.terminal = { awaiting: 'challenge', sessionId: m.sessionId };
        if (m.type === 'consent.result') {
          model.terminal = { awaiting: 'session.completed', sessionId: m.sessionId };
          if (m.carriedOver === true) {
            expect(model.previousOffered, 'carried over without previous choices in the verdict').toBe(true);
            expect(m.consent).toEqual(PREVIOUS);
            stats.carriedOver++;
          }
        }
        if (m.type === 'auth.result') {
          // An auth.result only ever answers a successful PIN or an attested face match.
          // A phone signs after a verify (Android) or a biometric unlock (iPhone).
          if (m.method === 'pin') expect((answersVerify || (answersUnlock && m.carrier === 'iphone')) && event.type === 'pin.ok').toBe(true);
          else expect(answersAttest && event.type === 'face.attested' && model.attestMethod === m.method).toBe(true);
          if (m.carrier === 'android' || m.carrier === 'iphone') stats.phoneAuths++;
          if (m.method === 'visual') stats.visualAuths++;
          model.authSucceeded = true;
          model.terminal = { awaiting: 'auth.verdict', sessionId: m.sessionId };
        }
      }
    }
    if (state.screen === 'done' && before !== 'done') {
      expect(model.authSucceeded, "reached 'done' without a successful auth.result in the session").toBe(true);
      stats.done++;
    }
  }
  if (model.pinLocked) stats.lockedSessions++;
}

describe('reader machine over random event sequences', () => {
  it('never completes without authentication, never verifies a locked PIN, never throws', () => {
    const stats: RunStats = { done: 0, lockedSessions: 0, verifies: 0, visualAuths: 0, frozenSteps: 0, phoneAuths: 0, carriedOver: 0 };
    fc.assert(
      fc.property(sequenceArb, (actions) => {
        runSequence(actions, stats);
      }),
      { numRuns: 400 },
    );
    // The counterexample CI found once (a reply dropped while frozen, then an unfreeze), kept.
    fc.assert(fc.property(sequenceArb, (actions) => runSequence(actions, stats)), { seed: -902459340, path: '74', endOnFailure: true });
    // The properties above are only meaningful if the sequences actually got there.
    expect(stats.done).toBeGreaterThan(0);
    expect(stats.lockedSessions).toBeGreaterThan(0);
    expect(stats.verifies).toBeGreaterThan(0);
    expect(stats.visualAuths).toBeGreaterThan(0);
    expect(stats.frozenSteps).toBeGreaterThan(0);
    expect(stats.phoneAuths).toBeGreaterThan(0);
    expect(stats.carriedOver).toBeGreaterThan(0);
  });

  it('the model catches a machine that verifies a locked PIN (self-check of the harness)', () => {
    // A hand-written sequence: the card reports 0 tries, then the patient tries the PIN anyway.
    const actions: Action[] = [
      { kind: 'event', event: { type: 'link.up' } },
      { kind: 'event', event: { type: 'card.placed', sessionId: 's1' } },
      { kind: 'reply', accepted: true, withCheckId: true, card: 'ok', tries: 0, previous: false },
      { kind: 'reply', accepted: true, withCheckId: true, card: 'ok', tries: 0, previous: false },
      { kind: 'event', event: { type: 'choose.pin' } },
      { kind: 'event', event: { type: 'pin.entered', pin: '1234' } },
    ];
    const stats: RunStats = { done: 0, lockedSessions: 0, verifies: 0, visualAuths: 0, frozenSteps: 0, phoneAuths: 0, carriedOver: 0 };
    runSequence(actions, stats);
    expect(stats).toEqual({ done: 0, lockedSessions: 1, verifies: 0, visualAuths: 0, frozenSteps: 0, phoneAuths: 0, carriedOver: 0 });
  });
});
