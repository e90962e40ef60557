import type { FactoryProvider } from '@nestjs/common';
import { type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../../platform/metrics';
import { BpjsHttpRegistry } from './bpjs-http.registry';
import { BranchFileRegistry } from './branch-file.registry';
import { CompositeRegistry } from './composite.registry';
import { ENROLMENT_REGISTRY } from './enrolment-registry.port';
import { EvidenceRegistry } from './evidence.registry';

/** BPJS's API first, then the branch's file, then evidence an official confirmed; the API's call outcomes feed the BPJS metrics. */
export const enrolmentRegistryProvider: FactoryProvider = {
  provide: ENROLMENT_REGISTRY,
  inject: [SINERGI_CONFIG, PG_POOL, SinergiMetrics],
  useFactory: (config: SinergiConfig, pool: Pool, metrics: SinergiMetrics) =>
    new CompositeRegistry([
      new BpjsHttpRegistry({
        baseUrl: config.bpjsApiUrl,
        timeoutMs: config.verification.bpjsTimeoutMs,
        breaker: { halfOpenAfterMs: config.verification.circuitHalfOpenMs },
        onCall: ({ operation, status, durationMs }) => {
          metrics.bpjsCallDuration.observe({ operation, status: String(status) }, durationMs / 1000);
          if (typeof status !== 'number' || status >= 500 || status === 429) {
            metrics.bpjsCallErrors.inc({ operation, kind: typeof status === 'number' ? String(status) : status });
          }
        },
      }),
      new BranchFileRegistry(pool),
      new EvidenceRegistry(pool),
    ]),
};
