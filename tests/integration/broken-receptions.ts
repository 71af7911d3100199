import { decide, type Decide } from '../../src/reference-clinic/decide.js';

/**
 * Deliberately broken receptions, each reproducing a fault seen in the field. Every built-in
 * scenario must be failed by at least one of them: a scenario no broken implementation can fail
 * proves nothing.
 */
export const brokenReceptions: Record<string, Decide> = {
  /** Tells the patient to try the PIN again after the lock (T39 done wrong). */
  'ignores-pin-lock': (prev, msg) => {
    const out = decide(prev, msg);
    if (msg.type === 'reader.notice' && msg.code === 'pin-locked') return { status: 'pending', reason: 'pin-locked', guidance: ['retry-pin'] };
    return out;
  },
  /** Charges 10割 whenever the online check does not confirm the insurance (T01/T36 done wrong). */
  'ten-wari-on-failure': (prev, msg) => {
    const out = decide(prev, msg);
    return out.status === 'fallback' ? { status: 'refused', reason: out.reason, copayRatio: 100 } : out;
  },
  /** Keeps waiting after the reader's error 006, as if the check were still running. */
  'ignores-certificate-rejection': (prev, msg) => {
    if (msg.type === 'reader.notice' && msg.code === 'certificate-rejected') return prev ?? { status: 'pending' };
    return decide(prev, msg);
  },
  /** Charges every patient 3割, ignoring age and the ratio OQS sends (T23: the レセコン's own ratio). */
  'flat-three-tenths': (prev, msg) => {
    const out = decide(prev, msg);
    return out.status === 'accepted' ? { ...out, copayRatio: 30 } : out;
  },
  /** Treats any note in ProcessingResultMessage (grace, expiring certificate) as a failed check. */
  'note-means-failure': (prev, msg) => {
    const out = decide(prev, msg);
    if (msg.type === 'qualification.result' && msg.message.XmlMsg.MessageBody.ProcessingResultMessage) {
      return { status: 'refused', reason: 'oqs-note', copayRatio: 100 };
    }
    return out;
  },
  /** Shows the kana reading where the name belongs. */
  'shows-kana-name': (prev, msg) => {
    const out = decide(prev, msg);
    if (out.status === 'accepted' && msg.type === 'qualification.result') {
      const rec = msg.message.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0];
      return { ...out, displayedName: rec?.NameKana ?? '' };
    }
    return out;
  },
};
