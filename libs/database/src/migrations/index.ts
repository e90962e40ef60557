import { EventStore1764000000000 } from './1764000000000-event-store';
import { ProcurementClients1764000000001 } from './1764000000001-procurement-clients';
import { SeedSinjaiRegions1764000000002 } from './1764000000002-seed-sinjai-regions';
import { BpjsBranchFile1764000000003 } from './1764000000003-bpjs-branch-file';
import { Verification1764000000004 } from './1764000000004-verification';
import { EnrolmentEvidence1764000000005 } from './1764000000005-enrolment-evidence';
import { EscalationDirectory1764000000006 } from './1764000000006-escalation-directory';
import { EscalationRuntime1764000000007 } from './1764000000007-escalation-runtime';
import { RegionHierarchy1764000000008 } from './1764000000008-region-hierarchy';
import { CoverageProjections1764000000009 } from './1764000000009-coverage-projections';
import { CoverageTargets1764000000010 } from './1764000000010-coverage-targets';
import { Audit1764000000011 } from './1764000000011-audit';
import { AuditCheckpoints1764000000012 } from './1764000000012-audit-checkpoints';
import { NumericMoneyAndParkedEvents1764000000013 } from './1764000000013-numeric-money-and-parked-events';
import { AuditCheckpointHeads1764000000014 } from './1764000000014-audit-checkpoint-heads';
import { HeldEvents1764000000015 } from './1764000000015-held-events';
import { Holidays1764000000016 } from './1764000000016-holidays';
import { PaymentRequestCleared1764000000018 } from './1764000000018-payment-request-cleared';
import { ConnectorPulls1764000000017 } from './1764000000017-connector-pulls';
import { WhatsappChannel1764000000019 } from './1764000000019-whatsapp-channel';
import { ConsoleReadIndexes1764000000020 } from './1764000000020-console-read-indexes';
import { Retention1764000000021 } from './1764000000021-retention';
import { NationalDefaultLadder1764000000022 } from './1764000000022-national-default-ladder';
import { TimersInPostgres1764000000023 } from './1764000000023-timers-in-postgres';
import { NotificationClaims1764000000024 } from './1764000000024-notification-claims';

/** Every migration in order; the CLI's `migrate` and the tests run exactly this list. */
export const MIGRATIONS = [
  EventStore1764000000000,
  ProcurementClients1764000000001,
  SeedSinjaiRegions1764000000002,
  BpjsBranchFile1764000000003,
  Verification1764000000004,
  EnrolmentEvidence1764000000005,
  EscalationDirectory1764000000006,
  EscalationRuntime1764000000007,
  RegionHierarchy1764000000008,
  CoverageProjections1764000000009,
  CoverageTargets1764000000010,
  Audit1764000000011,
  AuditCheckpoints1764000000012,
  NumericMoneyAndParkedEvents1764000000013,
  AuditCheckpointHeads1764000000014,
  HeldEvents1764000000015,
  Holidays1764000000016,
  PaymentRequestCleared1764000000018,
  ConnectorPulls1764000000017,
  WhatsappChannel1764000000019,
  ConsoleReadIndexes1764000000020,
  Retention1764000000021,
  NationalDefaultLadder1764000000022,
  TimersInPostgres1764000000023,
  NotificationClaims1764000000024,
];
