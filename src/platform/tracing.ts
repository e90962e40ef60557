import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, type SpanProcessor, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { SinergiConfig } from '@sinergi/common';

/** The one tracer provider of this process, once tracing started. */
let provider: NodeTracerProvider | null = null;

export interface TracingOptions {
  /** `service.name` of every span. */
  serviceName: string;
  /** Where spans go over OTLP/HTTP (`…/v1/traces`); unset with `spanProcessors` (tests). */
  endpoint?: string;
  /** Share of new traces recorded; a trace begun upstream follows its caller's decision. @defaultValue 1 */
  sampleRatio?: number;
  /** Instead of the OTLP exporter (tests: a SimpleSpanProcessor over an InMemorySpanExporter). */
  spanProcessors?: SpanProcessor[];
}

/**
 * Registers the OpenTelemetry SDK for this process (docs/operations.md, Tracing): W3C trace context, AsyncLocalStorage
 * for the active span, batches to the OTLP endpoint. Spans are made by hand where a procurement event travels
 * (HTTP request, relays, jobs, the BPJS call, notification deliveries); there is no auto-instrumentation. Once per
 * process: a second call changes nothing and returns false.
 */
export function startTracing(options: TracingOptions): boolean {
  if (provider) return false;
  const spanProcessors = options.spanProcessors ?? [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint }))];
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    spanProcessors,
  });
  provider.register();
  return true;
}

/** Starts tracing when the configuration names an OTLP endpoint; `process` names the service unless OTEL_SERVICE_NAME does. */
export function startTracingFromConfig(config: SinergiConfig, process: 'api' | 'worker' | 'local'): boolean {
  if (!config.tracing) return false;
  return startTracing({ serviceName: config.tracing.serviceName ?? `sinergi-${process}`, endpoint: config.tracing.endpoint, sampleRatio: config.tracing.sampleRatio });
}

/** Sends the spans still buffered (at shutdown). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush().catch(() => undefined);
}

/** Flushes, shuts the provider down and unregisters it (tests that start and stop tracing). */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = null;
  if (!p) return;
  await p.shutdown().catch(() => undefined);
  trace.disable();
  context.disable();
  propagation.disable();
}

/** Flushes the buffered spans when the application shuts down, before the process exits. */
@Injectable()
export class TracingFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }
}
