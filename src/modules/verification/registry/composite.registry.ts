import {
  EnrolmentQuery,
  EnrolmentRecord,
  EnrolmentRegistry,
  EnrolmentSource,
  RegistryRateLimitedError,
  RegistryRejectedError,
  RegistryUnavailableError,
} from './enrolment-registry.port';

type RegistryError = RegistryUnavailableError | RegistryRateLimitedError | RegistryRejectedError;

const isRegistryError = (error: unknown): error is RegistryError =>
  error instanceof RegistryUnavailableError || error instanceof RegistryRateLimitedError || error instanceof RegistryRejectedError;

/**
 * Asks several registries in order (the BPJS API first, then the branch file, then evidence) and takes the first
 * answer. A source that could not answer never hides a later source's answer, and "not known" is concluded only when
 * every source answered: if one was unavailable the result is {@link RegistryUnavailableError}, so the job retries.
 */
export class CompositeRegistry implements EnrolmentRegistry {
  private readonly registries: readonly EnrolmentRegistry[];

  constructor(registries: readonly EnrolmentRegistry[]) {
    if (registries.length === 0) throw new RangeError('CompositeRegistry needs at least one registry');
    this.registries = [...registries];
  }

  /** The first source's: records carry the source that actually answered. */
  get source(): EnrolmentSource {
    return this.registries[0].source;
  }

  findProject(query: EnrolmentQuery): Promise<EnrolmentRecord | null> {
    return this.firstAnswer((registry) => registry.findProject(query));
  }

  lookupWorkers(projectNumber: string, niks: string[]): Promise<Map<string, boolean> | null> {
    return this.firstAnswer((registry) => registry.lookupWorkers(projectNumber, niks));
  }

  private async firstAnswer<T>(ask: (registry: EnrolmentRegistry) => Promise<T | null>): Promise<T | null> {
    const failures: { source: EnrolmentSource; error: RegistryError }[] = [];
    for (const registry of this.registries) {
      try {
        const answer = await ask(registry);
        if (answer !== null) return answer;
      } catch (error) {
        if (!isRegistryError(error)) throw error;
        failures.push({ source: registry.source, error });
      }
    }
    if (failures.length === 0) return null;
    const unavailable = failures.filter((failure) => failure.error instanceof RegistryUnavailableError);
    if (unavailable.length > 0) {
      const which = unavailable.map(({ source, error }) => `${source}: ${error.message}`).join('; ');
      throw new RegistryUnavailableError(`no registry knew the answer and some could not be asked (${which})`, unavailable[0].error);
    }
    throw (failures.find((failure) => failure.error instanceof RegistryRateLimitedError) ?? failures[0]).error;
  }
}
