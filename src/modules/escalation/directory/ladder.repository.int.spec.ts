import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { NATIONAL_DEFAULT_LADDER } from '../ladder/escalation-ladder';
import { LadderRepository } from './ladder.repository';

const FAST = [
  { level: 0, recipients: ['CONTRACTOR'], waitBeforeNext: 'PT1H' },
  { level: 1, recipients: ['BUPATI'], waitBeforeNext: null },
];

describe('LadderRepository: the national default ladder (ID) under every region', () => {
  let db: MigratedTestDatabase;
  let ladders: LadderRepository;

  beforeAll(async () => {
    db = await createMigratedDatabase('ladders_national');
    ladders = new LadderRepository(db.pool);
  });
  afterAll(() => db?.drop());

  it('gives a region with no ladder of its own, nor an ancestor with one, the seeded national ladder', async () => {
    const ladder = await ladders.effectiveLadder('76.01.02');
    expect(ladder).toMatchObject({ regionCode: 'ID', version: 1, createdBy: 'seed' });
    expect(ladder!.levels).toEqual(NATIONAL_DEFAULT_LADDER.levels);
    // Sinjai keeps its own seeded ladder.
    expect(await ladders.effectiveLadder('73.07.05')).toMatchObject({ regionCode: '73.07', version: 1 });
  });

  it("prefers the nearest region's own ladder over the national one, and follows a new national version", async () => {
    await ladders.saveNewVersion('76', FAST, 'admin-1');
    expect(await ladders.effectiveLadder('76.01.02')).toMatchObject({ regionCode: '76', version: 1 });
    const national = await ladders.saveNewVersion('ID', FAST, 'admin-1');
    expect(national).toMatchObject({ regionCode: 'ID', version: 2 });
    expect(await ladders.effectiveLadder('11.01')).toMatchObject({ regionCode: 'ID', version: 2, levels: FAST });
    expect(await ladders.effectiveLadder('ID')).toMatchObject({ regionCode: 'ID', version: 2 });
    expect(await ladders.effectiveLadder('76.01.02')).toMatchObject({ regionCode: '76' });
  });

  it('refuses a code that is neither a region nor ID', async () => {
    expect(await ladders.effectiveLadder('IDN')).toBeNull();
    await expect(ladders.saveNewVersion('XX', FAST, null)).rejects.toMatchObject({ code: 'invalid_ladder' });
  });
});
