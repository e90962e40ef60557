import { CompositeRegistry } from './composite.registry';
import {
  EnrolmentRecord,
  EnrolmentRegistry,
  EnrolmentSource,
  RegistryRateLimitedError,
  RegistryRejectedError,
  RegistryUnavailableError,
} from './enrolment-registry.port';

const QUERY = { npwp: '0123456782012345', contractNumber: 'SPK/027/PUPR/2025' };
const NIK = '3201014501900001';

const record = (source: EnrolmentSource): EnrolmentRecord => ({
  source,
  projectNumber: '1234567890123',
  npp: '12345678',
  status: 'ACTIVE',
  coveredFrom: '2025-03-01',
  coveredTo: '2026-02-28',
  premiumAssessed: '3675000',
  premiumPaid: '3675000',
  workersRegistered: 1,
});

type Answer<T> = T | null | Error;

/** A registry that answers what it is told and notes which operations it was asked. */
function fake(
  source: EnrolmentSource,
  project: Answer<EnrolmentRecord>,
  workers: Answer<Map<string, boolean>> = null,
): EnrolmentRegistry & { asked: string[] } {
  const answer = async <T>(value: Answer<T>): Promise<T | null> => {
    if (value instanceof Error) throw value;
    return value;
  };
  const asked: string[] = [];
  return {
    source,
    asked,
    findProject: () => {
      asked.push('findProject');
      return answer(project);
    },
    lookupWorkers: () => {
      asked.push('lookupWorkers');
      return answer(workers);
    },
  };
}

describe('CompositeRegistry', () => {
  it('answers the first source that knows the project and does not ask the later ones', async () => {
    const api = fake('bpjs_api', record('bpjs_api'));
    const file = fake('branch_file', record('branch_file'));

    await expect(new CompositeRegistry([api, file]).findProject(QUERY)).resolves.toMatchObject({ source: 'bpjs_api' });
    expect(file.asked).toEqual([]);
  });

  it('asks the next source when the first does not know the project', async () => {
    const composite = new CompositeRegistry([fake('bpjs_api', null), fake('branch_file', record('branch_file'))]);

    await expect(composite.findProject(QUERY)).resolves.toMatchObject({ source: 'branch_file' });
  });

  it('answers null when every source answered and none knows the project', async () => {
    const composite = new CompositeRegistry([fake('bpjs_api', null), fake('branch_file', null), fake('evidence', null)]);

    await expect(composite.findProject(QUERY)).resolves.toBeNull();
  });

  it('does not let an unavailable source hide a later source that knows the project', async () => {
    const composite = new CompositeRegistry([
      fake('bpjs_api', new RegistryUnavailableError('BPJS findProject answered 503')),
      fake('branch_file', record('branch_file')),
    ]);

    await expect(composite.findProject(QUERY)).resolves.toMatchObject({ source: 'branch_file' });
  });

  it('refuses to conclude "not registered" when no source knows the project and one was unavailable', async () => {
    const composite = new CompositeRegistry([
      fake('bpjs_api', new RegistryUnavailableError('circuit open')),
      fake('branch_file', null),
    ]);

    const error = await composite.findProject(QUERY).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as Error).message).toBe('no registry knew the answer and some could not be asked (bpjs_api: circuit open)');
  });

  it('prefers unavailable over rate limited, and passes a rate limit on when nothing was unavailable', async () => {
    const rateLimited = new RegistryRateLimitedError(2000);

    await expect(
      new CompositeRegistry([fake('bpjs_api', rateLimited), fake('branch_file', new RegistryUnavailableError('down'))]).findProject(QUERY),
    ).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(new CompositeRegistry([fake('bpjs_api', rateLimited), fake('branch_file', null)]).findProject(QUERY)).rejects.toBe(
      rateLimited,
    );
  });

  it('passes a permanent refusal on when no other source knows the project', async () => {
    const rejected = new RegistryRejectedError(400, 'BPJS findProject refused the request with 400');

    await expect(new CompositeRegistry([fake('bpjs_api', rejected), fake('branch_file', null)]).findProject(QUERY)).rejects.toBe(rejected);
    await expect(
      new CompositeRegistry([fake('bpjs_api', rejected), fake('branch_file', record('branch_file'))]).findProject(QUERY),
    ).resolves.toMatchObject({ source: 'branch_file' });
  });

  it('lets an unexpected error through at once', async () => {
    const later = fake('branch_file', record('branch_file'));

    await expect(new CompositeRegistry([fake('bpjs_api', new TypeError('bug')), later]).findProject(QUERY)).rejects.toThrow('bug');
    expect(later.asked).toEqual([]);
  });

  it('asks for workers in order until a source can tell', async () => {
    const file = fake('branch_file', null, null);
    const evidence = fake('evidence', null, new Map([[NIK, true]]));
    const composite = new CompositeRegistry([file, evidence, fake('bpjs_api', null, new Map([[NIK, false]]))]);

    await expect(composite.lookupWorkers('1234567890123', [NIK])).resolves.toEqual(new Map([[NIK, true]]));
    expect(file.asked).toEqual(['lookupWorkers']);
  });

  it('answers null for workers when no source can tell, and unavailable when one could not be asked', async () => {
    await expect(new CompositeRegistry([fake('branch_file', null)]).lookupWorkers('1234567890123', [NIK])).resolves.toBeNull();
    await expect(
      new CompositeRegistry([fake('bpjs_api', null, new RegistryUnavailableError('down')), fake('branch_file', null)]).lookupWorkers(
        '1234567890123',
        [NIK],
      ),
    ).rejects.toBeInstanceOf(RegistryUnavailableError);
  });

  it('takes its source from the first registry and refuses an empty list', () => {
    expect(new CompositeRegistry([fake('bpjs_api', null), fake('branch_file', null)]).source).toBe('bpjs_api');
    expect(() => new CompositeRegistry([])).toThrow(RangeError);
  });
});
