import { CSV_COLUMNS, EXPORT_WRITERS } from './export-format';

describe('export formats', () => {
  it('starts a CSV with its header row', () => {
    expect(EXPORT_WRITERS.csv.header).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    expect(EXPORT_WRITERS.ndjson.header).toBeNull();
  });

  it('ends with a trailer giving the count and digest', () => {
    expect(EXPORT_WRITERS.csv.trailer(2, 'ab')).toBe('# count=2 sha256=ab\r\n');
    expect(EXPORT_WRITERS.ndjson.trailer(2, 'ab')).toBe('{"type":"trailer","count":2,"sha256":"ab"}\n');
  });
});
