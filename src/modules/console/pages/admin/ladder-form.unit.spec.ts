import { ladderLevels, ladderRowErrors, readLadderRows, waitAsTyped } from './ladder-form';

describe('the ladder form', () => {
  it('shows a stored wait as written when in one unit, else in the largest whole unit', () => {
    expect(waitAsTyped('P14D')).toEqual({ wait: '14', unit: 'hari' });
    expect(waitAsTyped('P2W')).toEqual({ wait: '2', unit: 'minggu' });
    expect(waitAsTyped('PT36H')).toEqual({ wait: '36', unit: 'jam' });
    expect(waitAsTyped('P1DT12H')).toEqual({ wait: '36', unit: 'jam' });
    expect(waitAsTyped('PT90M')).toEqual({ wait: '90', unit: 'menit' });
    expect(waitAsTyped(null)).toEqual({ wait: '', unit: 'hari' });
  });

  it('reads the rows, drops removed and blank ones, numbers the rest and leaves the last without a wait', () => {
    const rows = readLadderRows({
      rows: '4',
      l0_CONTRACTOR: 'ya',
      l0_PPK: 'ya',
      l0_wait: '3',
      l0_unit: 'hari',
      l1_SEKDA: 'ya',
      l1_wait: '7',
      l1_unit: 'hari',
      l1_remove: 'ya',
      l2_BUPATI: 'ya',
      l2_wait: '12',
      l2_unit: 'jam',
      l3_wait: '',
    });
    expect(rows).toHaveLength(4);
    const { levels, rowOf } = ladderLevels(rows);
    expect(levels).toEqual([
      { level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: 'P3D' },
      { level: 1, recipients: ['BUPATI'], waitBeforeNext: null },
    ]);
    expect(rowOf).toEqual([0, 2]);
  });

  it('passes a wait that is not a whole number on to the command, which names it', () => {
    const { levels } = ladderLevels(readLadderRows({ rows: '2', l0_PPK: 'ya', l0_wait: 'tiga', l1_BUPATI: 'ya' }));
    expect(levels[0].waitBeforeNext).toBe('tiga');
  });

  it('puts the command’s field errors on the form rows they came from', () => {
    const errors = ladderRowErrors(
      [
        { path: 'levels[1].recipients', code: 'recipients_required', message: '' },
        { path: 'levels[0].waitBeforeNext', code: 'wait_not_positive', message: '' },
        { path: 'levels', code: 'levels_required', message: '' },
      ],
      [0, 2],
    );
    expect(errors.rows[2]).toEqual(['Penerima: pilih paling sedikit satu jabatan.']);
    expect(errors.rows[0]).toEqual(['Lama tunggu: tulis bilangan bulat lebih dari nol sebelum naik ke tingkat berikutnya.']);
    expect(errors.general).toEqual(['Tangga memerlukan paling sedikit satu tingkat dengan penerima.']);
  });
});
