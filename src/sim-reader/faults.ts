/**
 * Faults a reader can be given at start (SimReaderOptions.faults) or injected later
 * (SimReader.injectFault). All of them are cleared by a reboot (reader-flow N36, F14).
 *
 * - `boot-hang` (F13): the reader shows 'boot-failed' and ignores everything until rebooted.
 * - `freeze` (F26): the reader handles `afterActions` more patient actions, then freezes on
 *   whatever screen it shows: every later event (patient, card, terminal) is ignored until reboot.
 *   0 freezes at once. So `afterActions: 1` with a card placed leaves it stuck on 'reading'.
 * - `link-drop` (F15): the WebSocket to the terminal is closed; the reader shows 'link-down'.
 *   `reconnect: 'auto'` reconnects after `afterMs` (real time, small), `'on-reboot'` only when
 *   rebooted (reader.reboot(): the terminal cannot reach a reader without a link).
 * - `camera-unavailable` (F27): the face path is refused (face-capture falls back to auth-select).
 * - `slow-card-read` : every card operation is delayed by `ms` real milliseconds (max 10 s).
 * - `face-fail-next` (F8 / F9 / F11): the next `count` face frames fail with `reason` whatever
 *   face is presented: a guidance (too-close, backlight, no-face, occluded, in-sleeve, mask), a
 *   mismatch, or a capture timeout. One-shot: used up, it is gone.
 * - `maintenance` (D6): the reader shows its maintenance / updating screen and refuses cards,
 *   until staff close it (SimReader.closeMaintenance) or it is rebooted.
 */
import { ReaderFaultSpec } from '../protocol/faults.js';

export { ReaderFaultSpec, type ReaderFaultInput } from '../protocol/faults.js';


/** The faults the pure machine itself models; the runtime handles link-drop and slow-card-read. */
export type MachineFault = Extract<ReaderFaultSpec, { kind: 'boot-hang' | 'freeze' | 'camera-unavailable' | 'face-fail-next' | 'maintenance' }>;

export function isMachineFault(f: ReaderFaultSpec): f is MachineFault {
  return f.kind !== 'link-drop' && f.kind !== 'slow-card-read';
}

/** Parses a fault spec; throws naming the field and the accepted kinds. */
export function parseReaderFault(input: unknown): ReaderFaultSpec {
  const r = ReaderFaultSpec.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new TypeError(
      `reader fault ${JSON.stringify(input)}: ${issue?.path.join('.') || 'kind'}: ${issue?.message ?? 'invalid'} — ` +
        'kinds: boot-hang, freeze {afterActions}, link-drop {reconnect?, afterMs?}, camera-unavailable, slow-card-read {ms}, ' +
          'face-fail-next {reason, count?}, maintenance {reason?}',
    );
  }
  return r.data;
}
