import type { SecretBox } from '@sinergi/common';
import { normaliseNpwp, parseRupiah } from '@sinergi/domain';
import type { PersonalDataWrite } from '@sinergi/event-store';
import type { FundingSource } from '../../construction-project.events';
import type { RecordProcurementFact } from '../../construction-project.decider';
import type {
  ContractAmendedDataDto,
  PaymentRequestedDataDto,
  ProjectCancelledDataDto,
  ProjectCompletedDataDto,
  ProjectRegisteredDataDto,
  WorkersReportedDataDto,
  WorkStartedDataDto,
} from './record-procurement-event.request.dto';
import type { ValidProcurementEvent } from './validate-procurement-event';

export interface NormalisedFact {
  fact: RecordProcurementFact;
  /** Names, NIKs and officials' contact details, stored beside the log; the fact carries only references. */
  personalData: PersonalDataWrite[];
}

const rupiah = (v: string | number) => parseRupiah(v)!.toString();
const orNull = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);

/** Turns a validated request into the decider's input, replacing personal data with pseudonymous references. */
export function normaliseProcurementEvent(event: ValidProcurementEvent, box: SecretBox): NormalisedFact {
  switch (event.type) {
    case 'ProjectRegistered': {
      const d = event.data as ProjectRegisteredDataDto;
      const npwp = normaliseNpwp(d.contractor.npwp);
      if (!npwp.ok) throw new Error('npwp passed validation but does not normalise');
      const ppkRef = box.pseudonym('ppk', d.ppk.nip ?? `${d.ppk.name.trim().toLowerCase()}|${d.ppk.email ?? ''}`);
      return {
        fact: {
          type: 'ProjectRegistered',
          data: {
            name: d.name,
            agency: { code: d.agency.code, name: d.agency.name },
            regionCode: d.regionCode,
            workType: d.workType,
            fundingSource: d.fundingSource as FundingSource,
            fiscalYear: d.fiscalYear,
            contractNumber: d.contractNumber,
            contractDate: d.contractDate,
            contractValue: rupiah(d.contractValue),
            valueIncludesVat: d.valueIncludesVat ?? true,
            startDate: d.startDate,
            endDate: d.endDate,
            maintenanceEndDate: orNull(d.maintenanceEndDate),
            contractor: {
              npwp: npwp.value,
              nib: orNull(d.contractor.nib),
              name: d.contractor.name,
              email: orNull(d.contractor.email),
              phone: orNull(d.contractor.phone),
              // Only when the event says: events without it keep the shape (and hash) they always had.
              ...(d.contractor.whatsappOptIn === undefined ? {} : { whatsappOptIn: d.contractor.whatsappOptIn }),
            },
            ppk: { ref: ppkRef },
            estimatedWorkers: orNull(d.estimatedWorkers),
          },
        },
        personalData: [{ ref: ppkRef, kind: 'ppk', data: { nip: orNull(d.ppk.nip), name: d.ppk.name, email: orNull(d.ppk.email) } }],
      };
    }
    case 'ContractAmended': {
      const d = event.data as ContractAmendedDataDto;
      return {
        fact: {
          type: 'ContractAmended',
          data: {
            addendumNumber: d.addendumNumber,
            // Optional fields may come as null (class-validator's IsOptional lets it through): absent, like undefined.
            contractValue: d.contractValue === undefined || d.contractValue === null ? null : rupiah(d.contractValue),
            endDate: orNull(d.endDate),
            maintenanceEndDate: orNull(d.maintenanceEndDate),
            reason: d.reason,
          },
        },
        personalData: [],
      };
    }
    case 'WorkersReported': {
      const d = event.data as WorkersReportedDataDto;
      const personalData: PersonalDataWrite[] = [];
      const workers = d.workers.map((w) => {
        const personRef = box.pseudonym('nik', w.nik);
        personalData.push({ ref: personRef, kind: 'worker', data: { nik: w.nik, name: w.name } });
        return { personRef, role: orNull(w.role), startDate: orNull(w.startDate), endDate: orNull(w.endDate) };
      });
      return { fact: { type: 'WorkersReported', data: { asOf: d.asOf, workers } }, personalData };
    }
    case 'WorkStarted':
      return { fact: { type: 'WorkStarted', data: { startedAt: (event.data as WorkStartedDataDto).startedAt } }, personalData: [] };
    case 'PaymentRequested': {
      const d = event.data as PaymentRequestedDataDto;
      return {
        fact: { type: 'PaymentRequested', data: { terminNumber: d.terminNumber, amount: rupiah(d.amount), requestedAt: d.requestedAt } },
        personalData: [],
      };
    }
    case 'ProjectCompleted':
      return { fact: { type: 'ProjectCompleted', data: { completedAt: (event.data as ProjectCompletedDataDto).completedAt } }, personalData: [] };
    case 'ProjectCancelled':
      return { fact: { type: 'ProjectCancelled', data: { reason: (event.data as ProjectCancelledDataDto).reason } }, personalData: [] };
    default: {
      const unexpected: never = event.type;
      throw new Error(`unknown procurement event type ${unexpected as string}`);
    }
  }
}
