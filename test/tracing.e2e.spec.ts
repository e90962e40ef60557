import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { projectRegistered, signedPost, waitFor } from '@sinergi/testing';
import { startTracing, stopTracing } from '../src/platform/tracing';
import { type RunningSystem, startSystem } from './support/running-system';

/**
 * One procurement event, traced with an in-memory exporter: the HTTP request, the verification relay, the verification
 * job, the BPJS call, the escalation relay and the notification deliveries share one trace id, each span a child of the
 * one before it across the event log (metadata `traceparent`) and the queues (job data `traceparent`).
 */
describe('OpenTelemetry tracing follows a procurement event from the request to the notification', () => {
  const exporter = new InMemorySpanExporter();
  let system: RunningSystem;
  let client: { id: string; secret: string };

  beforeAll(async () => {
    expect(startTracing({ serviceName: 'sinergi-test', spanProcessors: [new SimpleSpanProcessor(exporter)] })).toBe(true);
    system = await startSystem('tracing');
    client = await system.client('spse-tracing', ['73.07']);
  });
  afterAll(async () => {
    await system?.stop();
    await stopTracing();
  });

  const spans = () => exporter.getFinishedSpans();
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const inTrace = (traceId: string) => spans().filter((s) => s.spanContext().traceId === traceId);
  const one = (list: ReadableSpan[], name: string) => {
    const found = list.filter((s) => s.name === name);
    expect(found.map((s) => s.name)).toEqual([name]);
    return found[0];
  };

  it('shares one trace id from the ingest request through the relay, the job and the BPJS call to the notifications', async () => {
    const res = await signedPost(system.baseUrl, '/v1/procurement/events', client, projectRegistered('TRACE-1', {}, { contractNumber: 'SPK/TRACE-1' }));
    expect(res.status).toBe(202);
    const projectId = res.body.projectId as string;

    const request = await waitFor(
      async () => spans().find((s) => s.name === 'POST /v1/procurement/events'),
      (s) => s !== undefined,
    );
    expect(request!.kind).toBe(SpanKind.SERVER);
    expect(request!.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/v1/procurement/events', 'http.response.status_code': 202 });
    const traceId = request!.spanContext().traceId;

    // The event the request appended carries the request's trace.
    const { rows } = await system.db.pool.query(`SELECT metadata FROM events WHERE stream_id = $1 AND type = 'ProjectRegistered'`, [`project-${projectId}`]);
    expect(rows[0].metadata.traceparent).toBe(`00-${traceId}-${request!.spanContext().spanId}-01`);

    // Verification: relay → job → BPJS call; the project is not enrolled, so a case opens and notifications go out.
    const trace = await waitFor(
      async () => inTrace(traceId),
      (list) => list.some((s) => s.name === 'bpjs findProject') && list.some((s) => s.name === 'notification delivery'),
      45_000,
    );
    const relay = one(trace, 'verification-relay ProjectRegistered');
    expect(parentOf(relay)).toBe(request!.spanContext().spanId);
    expect(relay.kind).toBe(SpanKind.PRODUCER);
    const job = one(trace, 'verification job');
    expect(job.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(job)).toBe(relay.spanContext().spanId);
    const bpjs = one(trace, 'bpjs findProject');
    expect(bpjs.kind).toBe(SpanKind.CLIENT);
    expect(parentOf(bpjs)).toBe(job.spanContext().spanId);
    expect(bpjs.attributes).toMatchObject({ 'sinergi.bpjs.operation': 'findProject', 'http.request.method': 'GET', 'http.response.status_code': 404 });

    const escalation = one(trace, 'escalation-relay ComplianceStatusChanged');
    expect(parentOf(escalation)).toBe(job.spanContext().spanId);
    const deliveries = trace.filter((s) => s.name === 'notification delivery');
    expect(deliveries.length).toBeGreaterThan(0);
    for (const d of deliveries) expect(parentOf(d)).toBe(escalation.spanContext().spanId);

    // Nothing personal in any span: no names, NPWP, NIP, e-mail addresses, contract numbers, queries or bodies.
    const everything = JSON.stringify(spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
    for (const secret of ['0012345674901000', '001234567490', 'CV Karya', 'Andi Baso', '198001012005011001', '@', 'SPK/TRACE-1', 'TRACE-1', 'npwp', 'Rehabilitasi']) {
      expect(everything).not.toContain(secret);
    }
  });

  it("continues the caller's traceparent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await signedPost(system.baseUrl, '/v1/procurement/events', client, projectRegistered('TRACE-2'), {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(202);
    const request = await waitFor(
      async () => inTrace(traceId).find((s) => s.name === 'POST /v1/procurement/events'),
      (s) => s !== undefined,
    );
    expect(parentOf(request!)).toBe('00f067aa0ba902b7');
    await waitFor(async () => inTrace(traceId), (list) => list.some((s) => s.name === 'verification job'), 30_000);
  });
});
