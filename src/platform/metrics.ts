import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Sinergi's Prometheus metrics (docs/operations.md), one registry per process. Gauges that describe shared
 * state (queue depth, relay lag) are filled in on scrape by the collectors registered with them.
 */
export class SinergiMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'sinergi_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'sinergi_events_appended_total',
    help: 'Events appended to the log, by type',
    labelNames: ['type'],
    registers: [this.registry],
  });

  readonly parkedEvents = new Counter({
    name: 'sinergi_consumer_parked_events_total',
    help: 'Events a log consumer could not apply, even alone, and parked to go on (alert on any increase)',
    labelNames: ['consumer'],
    registers: [this.registry],
  });

  readonly verificationOutcomes = new Counter({
    name: 'sinergi_verification_outcomes_total',
    help: 'Verifications finished, by outcome (verdict, unchanged, skipped, failed, retried)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly bpjsCallDuration = new Histogram({
    name: 'sinergi_bpjs_call_duration_seconds',
    help: 'Calls to the BPJS Jakon API by operation and status',
    labelNames: ['operation', 'status'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  readonly bpjsCallErrors = new Counter({
    name: 'sinergi_bpjs_call_errors_total',
    help: 'BPJS calls that failed (timeout, network, 5xx, 429, other 4xx)',
    labelNames: ['operation', 'kind'],
    registers: [this.registry],
  });

  readonly relayEventLag = new Histogram({
    name: 'sinergi_relay_event_lag_seconds',
    help: 'Time from an event being recorded to the relay handling it',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly escalationRelayLag = new Histogram({
    name: 'sinergi_escalation_relay_lag_seconds',
    help: 'Time from an event being recorded to the escalation relay handling it',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly projectionLag = new Histogram({
    name: 'sinergi_projection_lag_seconds',
    help: 'Time from an event being recorded to a projection committing it, by projection',
    labelNames: ['projection'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly escalationTimers = new Counter({
    name: 'sinergi_escalation_timers_total',
    help: 'Ladder timers handled, by outcome (escalated: a level was reached; stale: the case had ended or moved on)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly notificationDeliveries = new Counter({
    name: 'sinergi_notification_deliveries_total',
    help: 'Notification delivery attempts by channel and outcome (delivered, retried, failed, skipped)',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });

  /** Where the connector gauge reads from on scrape (PostgreSQL, so every process says the same); unset: no samples. */
  private connectorSuccesses: (() => Promise<{ connector: string; endpoint: string; at: Date }[]>) | null = null;

  readonly connectorLastSuccess = new Gauge({
    name: 'sinergi_connector_last_success_timestamp_seconds',
    help: 'When a pull connector last read an endpoint to its end without error (Unix seconds); alert when it grows old',
    labelNames: ['connector', 'endpoint'],
    registers: [this.registry],
    collect: async () => {
      if (!this.connectorSuccesses) return;
      const rows = await this.connectorSuccesses();
      this.connectorLastSuccess.reset();
      for (const r of rows) this.connectorLastSuccess.set({ connector: r.connector, endpoint: r.endpoint }, r.at.getTime() / 1000);
    },
  });

  /** The connectors' module names where their last successful pulls are kept. */
  readConnectorSuccessesFrom(source: () => Promise<{ connector: string; endpoint: string; at: Date }[]>): void {
    this.connectorSuccesses = source;
  }

  constructor(process: 'api' | 'worker' | 'local') {
    this.registry.setDefaultLabels({ process });
    collectDefaultMetrics({ register: this.registry, prefix: 'sinergi_' });
  }

  /** A gauge whose value is read when Prometheus scrapes (e.g. from PostgreSQL or Redis). */
  gauge(name: string, help: string, labelNames: string[], collect: (g: Gauge) => Promise<void>): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry], collect() { return collect(this); } });
  }
}
