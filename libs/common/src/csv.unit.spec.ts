import { csvCell, csvLine, toCsv, wantsCsv } from './csv';

describe('CSV cells', () => {
  it('writes plain text and numbers as they are', () => {
    expect(csvCell('Sinjai Utara')).toBe('Sinjai Utara');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(33.33)).toBe('33.33');
    expect(csvCell(9_007_199_254_740_993n)).toBe('9007199254740993');
    expect(csvCell(true)).toBe('true');
  });

  it('leaves null, undefined and non-finite numbers empty', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvCell('Jalan Persatuan, Sinjai')).toBe('"Jalan Persatuan, Sinjai"');
    expect(csvCell('CV "Sinar"')).toBe('"CV ""Sinar"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
  });

  it('makes text that would start a formula inert with a leading quote', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+62 812')).toBe("'+62 812");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    expect(csvCell('\r=cmd')).toBe('"\'\r=cmd"');
    expect(csvCell('=HYPERLINK("http://evil.example","klik")')).toBe('"\'=HYPERLINK(""http://evil.example"",""klik"")"');
  });

  it('never prefixes a number, even a negative one', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
  });

  it('ends every line with CRLF and puts the header first', () => {
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
    expect(toCsv(['region_code', 'name'], [['73.07', 'Kabupaten Sinjai'], ['73.07.01', 'Sinjai Barat']])).toBe(
      'region_code,name\r\n73.07,Kabupaten Sinjai\r\n73.07.01,Sinjai Barat\r\n',
    );
    expect(toCsv(['only'], [])).toBe('only\r\n');
  });
});

describe('wantsCsv', () => {
  it('is CSV when text/csv is preferred', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('text/csv; charset=utf-8')).toBe(true);
    expect(wantsCsv('application/json;q=0.5, text/csv')).toBe(true);
    expect(wantsCsv(['text/csv'])).toBe(true);
  });

  it('is JSON when nothing, a wildcard or JSON is preferred (ties go to JSON)', () => {
    expect(wantsCsv(undefined)).toBe(false);
    expect(wantsCsv('')).toBe(false);
    expect(wantsCsv('*/*')).toBe(false);
    expect(wantsCsv('application/json')).toBe(false);
    expect(wantsCsv('text/csv, application/json')).toBe(false);
    expect(wantsCsv('text/csv;q=0.2, */*;q=0.8')).toBe(false);
    expect(wantsCsv('text/csv;q=0')).toBe(false);
  });

  it('lets ?format= decide when given', () => {
    expect(wantsCsv('application/json', 'csv')).toBe(true);
    expect(wantsCsv('text/csv', 'json')).toBe(false);
  });
});
