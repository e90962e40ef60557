import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/**
 * Tracing helpers over the OpenTelemetry API (docs/operations.md, Tracing). Without a registered SDK (tracing off, the
 * default) every call here is a no-op: no span is made and no `traceparent` is written anywhere.
 *
 * A trace follows one procurement event across processes by W3C trace context: the HTTP request's `traceparent`
 * goes into the metadata of the events it appends, a relay continues it and writes its own into the job data, and a
 * job continues that. Span attributes carry ids, types, counts and statuses only: never a name, an NPWP, a NIK, a
 * phone number, an address, a body or a query string.
 */
export const TRACER_NAME = 'sinergi';

export { SpanKind };
export type { Span };

/** The `traceparent` of `ctx` (the active context by default); undefined when no sampled-or-not span is there. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  if (!trace.getSpan(ctx)?.spanContext().traceId) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The `traceparent` naming `span` itself (what a job or an event it causes continues). */
export function traceparentOfSpan(span: Span): string | undefined {
  return traceparentOf(trace.setSpan(context.active(), span));
}

/** The context a `traceparent` names (the root context when it is missing or malformed). */
export function contextFrom(traceparent: unknown): Context {
  if (typeof traceparent !== 'string' || traceparent === '') return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** The active span, for attributes set after it started. */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

export interface SpanOptions {
  kind?: SpanKind;
  /** The parent: a context (`contextFrom(traceparent)`); the active context by default. */
  parent?: Context;
  /** Ids, types, counts, statuses: never personal data. */
  attributes?: Attributes;
}

/**
 * Runs `fn` inside a new active span, ended when `fn` settles. A thrown error marks the span as an error by its name
 * (`RegistryUnavailableError`), never its message, which may echo what was sent.
 */
export async function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    markError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Starts a span that the caller ends (one that outlives a callback, e.g. an HTTP request's). */
export function startSpan(name: string, options: SpanOptions): Span {
  return trace.getTracer(TRACER_NAME).startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, options.parent ?? context.active());
}

/** Runs `fn` with `span` active (its children and the events appended under it carry its trace). */
export function withActiveSpan<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}

export function markError(span: Span, error: unknown): void {
  const name = typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : 'Error';
  span.setAttribute('error.type', name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: name });
}
