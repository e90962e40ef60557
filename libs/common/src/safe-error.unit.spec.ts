import { safeError } from './safe-error';

describe('safeError', () => {
  it('keeps a database error’s codes and names, never its message, detail, where or hint', () => {
    const error = Object.assign(new Error('invalid input syntax for type json: "7307051203850002 Baharuddin"'), {
      code: '22P02',
      severity: 'ERROR',
      detail: 'Token "Baharuddin" is invalid.',
      where: 'JSON data, line 1: {"nik":"7307051203850002","name":"Baharuddin"',
      hint: 'Baharuddin',
      table: 'personal_data',
      constraint: 'personal_data_pkey',
      routine: 'json_errsave_error',
    });
    const safe = safeError(error);
    expect(safe).toMatchObject({ type: 'Error', code: '22P02', message: 'database error 22P02', table: 'personal_data', constraint: 'personal_data_pkey', routine: 'json_errsave_error' });
    const text = JSON.stringify(safe);
    expect(text).not.toContain('7307051203850002');
    expect(text).not.toContain('Baharuddin');
  });

  it('keeps an ordinary error’s message and frames, without repeating the message in the stack', () => {
    const safe = safeError(new RangeError('No VAT rate applies on 0000-01-01'));
    expect(safe.type).toBe('RangeError');
    expect(safe.message).toBe('No VAT rate applies on 0000-01-01');
    expect(safe.stack).toMatch(/^\s+at /);
    expect(safe.stack).not.toContain('No VAT rate');
  });

  it('says only the kind of a thrown non-error', () => {
    expect(safeError('7307051203850002')).toEqual({ type: 'string' });
  });
});
