import { ConcurrencyError } from './event-store.errors';

/** How often a load → decide → append is tried before the conflict is the caller's answer. */
export const MAX_CONFLICT_ATTEMPTS = 5;

/**
 * Runs `attempt` again while it fails with a ConcurrencyError (another writer moved the stream
 * on), a bounded number of times. Safe only because what it re-runs reads afresh and decides purely.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, maxAttempts = MAX_CONFLICT_ATTEMPTS): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || n >= maxAttempts) throw error;
    }
  }
}
