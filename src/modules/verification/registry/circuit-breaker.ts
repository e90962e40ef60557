export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @defaultValue 5 */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through. @defaultValue 10000 */
  halfOpenAfterMs?: number;
  /** Which errors count as failures; any other outcome shows the remote side is answering. */
  isFailure: (error: unknown) => boolean;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** Thrown instead of calling while the circuit is open (or while a half-open trial is in flight). */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';

  constructor() {
    super('circuit open');
  }
}

/**
 * Opens after N consecutive failures, fails fast while open, then lets one trial call through: its success closes
 * the circuit, its failure opens it again. The same shape as cockatiel's `ConsecutiveBreaker`, which needs Node ≥ 22.
 */
export class ConsecutiveCircuitBreaker {
  private readonly failureThreshold: number;
  private readonly halfOpenAfterMs: number;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly now: () => number;
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  /** Bumped whenever the circuit opens, so a call let through before that cannot close it when it ends late. */
  private generation = 0;

  constructor(options: CircuitBreakerOptions) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.halfOpenAfterMs = options.halfOpenAfterMs ?? 10_000;
    this.isFailure = options.isFailure;
    this.now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new RangeError('failureThreshold must be a positive integer');
    }
    if (!Number.isFinite(this.halfOpenAfterMs) || this.halfOpenAfterMs < 0) {
      throw new RangeError('halfOpenAfterMs must be a non-negative number');
    }
  }

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.trialInFlight || this.now() - this.openedAt >= this.halfOpenAfterMs ? 'half-open' : 'open';
  }

  async execute<T>(call: () => Promise<T>): Promise<T> {
    const trial = this.admit();
    const generation = this.generation;
    const counts = () => trial || (this.openedAt === null && generation === this.generation);
    try {
      const result = await call();
      if (counts()) this.succeeded();
      return result;
    } catch (error) {
      if (counts()) {
        if (this.isFailure(error)) this.failed(trial);
        else this.succeeded();
      }
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  /** Returns whether this call is the half-open trial; throws when the call may not go through. */
  private admit(): boolean {
    if (this.openedAt === null) return false;
    if (this.trialInFlight || this.now() - this.openedAt < this.halfOpenAfterMs) throw new CircuitOpenError();
    this.trialInFlight = true;
    return true;
  }

  private succeeded(): void {
    this.failures = 0;
    this.openedAt = null;
  }

  private failed(trial: boolean): void {
    this.failures += 1;
    if (trial || this.failures >= this.failureThreshold) {
      this.openedAt = this.now();
      this.generation += 1;
    }
  }
}
