import type { ClinicRecord, ReceptionOutcome } from '../protocol/reception-outcome.js';
import { ReferenceReception } from '../reference-clinic/reception-client.js';
import type { Decide } from '../reference-clinic/decide.js';
import { decideBackOffice, type DecideBackOffice } from '../reference-clinic/back-office.js';
import type { BackOfficeAnswer, BackOfficeOutcome } from '../protocol/back-office.js';

/** Endpoints a system under test is handed for one scenario: its own, never shared. */
export interface SutEndpoints {
  /** ws://127.0.0.1:PORT/reception of this scenario's terminal. */
  receptionUrl: string;
  terminalUrl: string;
  /** The scenario and seed the session serves; for the SUT's own logs (remote protocol). */
  scenarioId?: string;
  seed?: number;
  /** The clinic's own records of the scenario's patients (persona `clinicRecord`), for the reception to compare with OQS. */
  clinicRecords?: ClinicRecord[];
}

export interface SutSession {
  /** The reception's current decision, or undefined before it has decided anything. */
  outcome(): Promise<ReceptionOutcome | undefined>;
  /**
   * Back-office answers (一括照会 download, medical-information fetch, 居宅同意取得型 qualification) handed to the reception;
   * absent when the SUT has no back office the harness can reach (the remote protocol v1).
   */
  backOffice?: {
    deliver(answer: BackOfficeAnswer): Promise<void>;
    outcome(): Promise<BackOfficeOutcome>;
  };
  close(): Promise<void>;
}

/** How the harness reaches a reception system: in-process now, remote (HTTP/WebSocket) later. */
export interface SutAdapter {
  readonly name: string;
  start(endpoints: SutEndpoints): Promise<SutSession>;
}

export function referenceAdapter(opts: { name?: string; decide?: Decide; decideBackOffice?: DecideBackOffice } = {}): SutAdapter {
  return {
    name: opts.name ?? 'reference-reception',
    async start(endpoints) {
      const reception = new ReferenceReception({ receptionUrl: endpoints.receptionUrl, decide: opts.decide, clinicRecords: endpoints.clinicRecords ?? [] });
      await reception.connect();
      const decideDesk = opts.decideBackOffice ?? decideBackOffice;
      let desk: BackOfficeOutcome = {};
      return {
        outcome: async () => reception.outcome(),
        backOffice: {
          deliver: async (answer) => {
            // The counter's rules and charts: a home-visit result is decided as a card check is.
            desk = decideDesk(desk, answer, { decide: opts.decide, clinicRecords: endpoints.clinicRecords ?? [] });
          },
          outcome: async () => desk,
        },
        close: () => reception.close(),
      };
    },
  };
}
