import { FaultSpecs, type CentralRoute, type FaultSpec } from '../../protocol/faults.js';
import { addDays, type IsoDate, type Rng } from '../../domain/index.js';
import { ratioToField, type OqsResultMessage, type ResultOfQualificationConfirmation } from '../../protocol/oqs-result.js';
import { isActiveOn, type QualificationRecord } from './qualification-result.js';
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
  /** 医療機関コード of the asking facility, when the route knows it before decoding. */
  medicalInstitutionCode?: string;
}

/** What the data edge knows about the asking request. */
export interface ViewContext {
  /** 医療機関コード of the asking facility; faults with `facility` do not apply without it. */
  facility?: string;
  /** How the person was found; default `certificate` (a card check). `mis-linkage` applies to certificates only. */
  via?: 'certificate' | 'card-data';
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
  viewRecord(record: EligibilityRecord, date: IsoDate, ctx?: ViewContext): EligibilityRecord;
  /** Result edge: the result of `personId` before it leaves central. */
  adjustResult<T extends OqsResultMessage>(message: T, personId: string): T;
}

const list = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
const insurerKey = (n: string): string => n.trim().replace(/^0+(?=\d{6}$)/, '');

export interface ApplyFaultsOptions {
  /** Seeded: the same seed picks the same people and requests. */
  rng: Rng;
  /** The store's records by person id (for `mis-linkage`). */
  lookup?: (personId: string) => EligibilityRecord | undefined;
}

/** The injector for a list of declared faults (validated with FaultSpecs first). */
export function applyFaults(input: readonly FaultSpec[], opts: ApplyFaultsOptions): FaultInjector {
  const specs = FaultSpecs.parse(input);
  const requestStreams = specs.map((_, i) => opts.rng.fork(`fault-${i}:requests`));
  const flipCounts = specs.map(() => new Map<string, number>());

  const facilityPicked = (spec: FaultSpec, facility: string | undefined): boolean => {
    const facilities = list(spec.facility);
    return !facilities || (facility !== undefined && facilities.includes(facility));
  };
  const personPicked = (i: number, spec: FaultSpec, personId: string, facility?: string): boolean => {
    if (!facilityPicked(spec, facility)) return false;
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
        if (!facilityPicked(spec, ctx.medicalInstitutionCode)) return;
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

    viewRecord(record, date, ctx = {}) {
      // ひも付け誤り first: the certificate leads to another person's record, which the other faults then see.
      let base = record;
      specs.forEach((spec, i) => {
        if (spec.kind !== 'mis-linkage' || (ctx.via ?? 'certificate') !== 'certificate') return;
        if (spec.person === undefined || !personPicked(i, spec, record.person.id, ctx.facility)) return;
        const other = opts.lookup?.(spec.showsPerson);
        if (other) base = other;
      });
      let person = base.person;
      let qualifications: readonly QualificationRecord[] = base.qualifications;
      specs.forEach((spec, i) => {
        if (!personPicked(i, spec, base.person.id, ctx.facility)) return;
        switch (spec.kind) {
          case 'double-enrolment': {
            if (qualifications.some((q) => insurerKey(q.insurerNumber) === insurerKey(spec.other.insurerNumber))) return;
            const current = qualifications.find((q) => isActiveOn(q, date)) ?? qualifications[0];
            if (!current || !insurerPicked(spec, current.insurerNumber)) return;
            const { symbol, ...other } = spec.other;
            // The record the other insurer never closed: same person, same dates, still open.
            qualifications = [
              ...qualifications,
              { ...other, ...(symbol !== undefined ? { symbol } : {}), relation: current.relation, cardClassification: '01', acquiredOn: current.acquiredOn, incomeClass: current.incomeClass },
            ];
            return;
          }
          case 'foreign-resident-data-missing':
            if (spec.person === undefined && !/[A-Za-zＡ-Ｚａ-ｚ]/.test(person.name)) return;
            qualifications = qualifications.filter((q) => !insurerPicked(spec, q.insurerNumber));
            return;
          case 'child-invalid-parent-valid':
            qualifications = qualifications.map((q) => (q.relation === 'dependent' && insurerPicked(spec, q.insurerNumber) ? { ...q, lostOn: q.acquiredOn } : q));
            return;
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
      return person === base.person && qualifications === base.qualifications ? base : { ...base, person, qualifications };
    },

    adjustResult(message, personId) {
      const results = message.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation;
      if (!results || results.length === 0) return message;
      const facility = message.XmlMsg.MessageHeader.MedicalInstitutionCode;
      let changed = results;
      specs.forEach((spec, i) => {
        if (!personPicked(i, spec, personId, facility)) return;
        const shown = showFault(spec);
        if (shown) changed = changed.map((r) => (insurerPicked(spec, r.InsurerNumber) ? shown(r) : r));
      });
      specs.forEach((spec, i) => {
        if (spec.kind !== 'wrong-ratio' && spec.kind !== 'ratio-flips') return;
        if (!personPicked(i, spec, personId, facility)) return;
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

type Result = ResultOfQualificationConfirmation;

/** The faults that only change how a result shows the record (name layout, missing fields). */
function showFault(spec: FaultSpec): ((r: Result) => Result) | undefined {
  switch (spec.kind) {
    case 'name-order':
      return (r) => ({ ...r, Name: swapParts(r.Name, '\u3000'), ...(r.NameKana !== undefined ? { NameKana: swapParts(r.NameKana, ' ') } : {}) });
    case 'name-split':
      return (r) => ({ ...r, Name: splitAt(r.Name, spec.at ?? 1) });
    case 'old-surname':
      return (r) => ({
        ...r,
        Name: replaceFamily(r.Name, '\u3000', spec.surname),
        ...(spec.surnameKana !== undefined && r.NameKana !== undefined ? { NameKana: replaceFamily(r.NameKana, ' ', spec.surnameKana) } : {}),
      });
    case 'missing-expiry':
      return (r) => {
        const { InsuredCardExpirationDate: _gone, ...rest } = r;
        return rest;
      };
    default:
      return undefined;
  }
}

/** "架空　太郎" → "太郎　架空"; a name without the separator stays as it is. */
export function swapParts(name: string, separator: string): string {
  const at = name.indexOf(separator);
  return at < 0 ? name : `${name.slice(at + separator.length)}${separator}${name.slice(0, at)}`;
}

/** "渡辺　太郎" with at 1 → "渡　辺太郎": the separator moved to after `at` characters. */
export function splitAt(name: string, at: number): string {
  const chars = [...name.replace(/\u3000/g, '')];
  const cut = Math.min(at, chars.length);
  return `${chars.slice(0, cut).join('')}\u3000${chars.slice(cut).join('')}`;
}

function replaceFamily(name: string, separator: string, family: string): string {
  const at = name.indexOf(separator);
  return at < 0 ? `${family}${separator}${name}` : `${family}${name.slice(at)}`;
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
