import { FaultSpecs, type CentralRoute, type FaultSpec } from '../../protocol/faults.js';
import { addDays, type IsoDate, type Rng } from '../../domain/index.js';
import { ratioToField, type OqsResultMessage } from '../../protocol/oqs-result.js';
import type { QualificationRecord } from './qualification-result.js';
import type { EligibilityRecord } from './store.js';

/**
 * Faults as data (issue 5 "Faults as data"): each one is declared, targets a person, an insurer
 * or a share of people/requests, and is applied at central's edges — the request as it arrives,
 * the record as the rules see it, the result as it leaves — never inside the rules. The rules in
 * qualification-result.ts stay the truth ("master"); a fault changes what is displayed.
 */

export { CentralRoute, FaultSpec, FaultSpecs } from '../../protocol/faults.js';


export interface RequestContext {
  route: CentralRoute;
  /** Virtual clock, epoch ms. */
  now: number;
  personId?: string;
  insurerNumbers?: readonly string[];
}

export interface RequestFaultEffect {
  /** Real milliseconds to wait before answering. */
  delayMs: number;
  /** Answer this instead of running the route. */
  refuse?: { status: number; code: 'injected-fault' | 'outage'; message: string };
}

export interface FaultInjector {
  /** Request edge. */
  beforeRequest(ctx: RequestContext): RequestFaultEffect;
  /** Data edge: the record as central's rules see it on `date`. Unaffected records come back as they are. */
  viewRecord(record: EligibilityRecord, date: IsoDate): EligibilityRecord;
  /** Result edge: the result of `personId` before it leaves central. */
  adjustResult<T extends OqsResultMessage>(message: T, personId: string): T;
}

const list = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
const insurerKey = (n: string): string => n.trim().replace(/^0+(?=\d{6}$)/, '');

export interface ApplyFaultsOptions {
  /** Seeded: the same seed picks the same people and requests. */
  rng: Rng;
}

/** The injector for a list of declared faults (validated with FaultSpecs first). */
export function applyFaults(input: readonly FaultSpec[], opts: ApplyFaultsOptions): FaultInjector {
  const specs = FaultSpecs.parse(input);
  const requestStreams = specs.map((_, i) => opts.rng.fork(`fault-${i}:requests`));
  const flipCounts = specs.map(() => new Map<string, number>());

  const personPicked = (i: number, spec: FaultSpec, personId: string): boolean => {
    const people = list(spec.person);
    if (people && !people.includes(personId)) return false;
    const share = spec.share ?? 1;
    return share >= 1 || opts.rng.fork(`fault-${i}:person:${personId}`).next() < share;
  };
  const insurerPicked = (spec: FaultSpec, insurerNumber: string): boolean => {
    const insurers = list(spec.insurer);
    return !insurers || insurers.some((n) => insurerKey(n) === insurerKey(insurerNumber));
  };

  return {
    beforeRequest(ctx) {
      const effect: RequestFaultEffect = { delayMs: 0 };
      specs.forEach((spec, i) => {
        if (spec.kind !== 'latency' && spec.kind !== 'http-error' && spec.kind !== 'outage') return;
        if (spec.routes && !spec.routes.includes(ctx.route)) return;
        const people = list(spec.person);
        if (people && (ctx.personId === undefined || !people.includes(ctx.personId))) return;
        if (spec.insurer !== undefined && !(ctx.insurerNumbers ?? []).some((n) => insurerPicked(spec, n))) return;
        if (spec.kind === 'outage') {
          if (ctx.now < Date.parse(spec.from) || ctx.now >= Date.parse(spec.to)) return;
        }
        // One draw per request and fault, so shares are reproducible for a given request order.
        if (spec.share !== undefined && spec.share < 1 && !(requestStreams[i]!.next() < spec.share)) return;
        if (spec.kind === 'latency') effect.delayMs += spec.ms;
        else if (effect.refuse === undefined) {
          effect.refuse =
            spec.kind === 'outage'
              ? { status: 503, code: 'outage', message: `the central system is out of service from ${spec.from} to ${spec.to} (injected fault)` }
              : { status: spec.status, code: 'injected-fault', message: `injected fault: HTTP ${spec.status} on ${ctx.route}` };
        }
      });
      return effect;
    },

    viewRecord(record, date) {
      let person = record.person;
      let qualifications: readonly QualificationRecord[] = record.qualifications;
      specs.forEach((spec, i) => {
        if (!personPicked(i, spec, record.person.id)) return;
        switch (spec.kind) {
          case 'registration-lag':
            qualifications = qualifications.filter((q) => !(insurerPicked(spec, q.insurerNumber) && date < addDays(q.acquiredOn, spec.days)));
            return;
          case 'still-valid-after-loss':
            qualifications = qualifications.map((q) => {
              if (!insurerPicked(spec, q.insurerNumber) || q.lostOn === undefined) return q;
              const { lostOn: _lost, ...rest } = q;
              return rest;
            });
            return;
          case 'gaiji-in-name': {
            if (!qualifications.some((q) => insurerPicked(spec, q.insurerNumber))) return;
            const blacken = (name: string): string => withBlackCircles(name, spec.chars, spec.count ?? 1);
            const original = person.name;
            person = { ...person, name: blacken(person.name) };
            qualifications = qualifications.map((q) =>
              insurerPicked(spec, q.insurerNumber) && q.insuredName !== undefined ? { ...q, insuredName: q.insuredName === original ? person.name : blacken(q.insuredName) } : q,
            );
            return;
          }
          default:
            return;
        }
      });
      return person === record.person && qualifications === record.qualifications ? record : { ...record, person, qualifications };
    },

    adjustResult(message, personId) {
      const results = message.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation;
      if (!results || results.length === 0) return message;
      let changed = results;
      specs.forEach((spec, i) => {
        if (spec.kind !== 'wrong-ratio' && spec.kind !== 'ratio-flips') return;
        if (!personPicked(i, spec, personId)) return;
        if (!changed.some((r) => insurerPicked(spec, r.InsurerNumber))) return;
        let shown: number;
        if (spec.kind === 'wrong-ratio') shown = spec.ratio;
        else {
          const n = flipCounts[i]!.get(personId) ?? 0;
          flipCounts[i]!.set(personId, n + 1);
          shown = spec.ratios[n % spec.ratios.length]!;
        }
        const field = ratioToField(shown);
        changed = changed.map((r) => {
          if (!insurerPicked(spec, r.InsurerNumber)) return r;
          // The ratio shows where the rules put it; under 70 (no field by default) it is added.
          const elderly = r.ElderlyRecipientCertificateInfo;
          if (elderly?.ElderlyRecipientContributionRatio !== undefined && r.InsuredPartialContributionRatio === undefined) {
            return { ...r, ElderlyRecipientCertificateInfo: { ...elderly, ElderlyRecipientContributionRatio: field } };
          }
          return { ...r, InsuredPartialContributionRatio: field };
        });
      });
      if (changed === results) return message;
      return {
        ...message,
        XmlMsg: { ...message.XmlMsg, MessageBody: { ...message.XmlMsg.MessageBody, ResultList: { ResultOfQualificationConfirmation: changed } } },
      };
    },
  };
}

/** ● for the given characters, or for the first `count` characters that are not spaces. */
export function withBlackCircles(name: string, chars: string | undefined, count: number): string {
  const set = chars === undefined ? undefined : new Set([...chars]);
  let left = count;
  return [...name]
    .map((c) => {
      if (set) return set.has(c) ? '\u25CF' : c;
      if (left > 0 && c !== ' ' && c !== '\u3000') {
        left -= 1;
        return '\u25CF';
      }
      return c;
    })
    .join('');
}
