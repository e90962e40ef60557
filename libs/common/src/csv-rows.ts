/** One CSV record with the line of the file it starts on (1-based), or why it could not be read. */
export type CsvRow = { line: number; fields: string[] } | { line: number; error: string };

/**
 * Reads RFC 4180 CSV: quoted fields with `""` escapes and line breaks, LF / CRLF / CR line ends, a leading BOM;
 * blank lines and rows of empty fields are skipped. The delimiter is a comma, or a semicolon when the first line has semicolons and no comma
 * (what Excel writes in an Indonesian locale). Line numbers are exact, so rejections can point at the file.
 */
export function readCsvRows(input: string): CsvRow[] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const firstLine = text.slice(0, text.search(/\r|\n|$/));
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: CsvRow[] = [];
  let line = 1;
  let i = 0;

  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let error: string | null = null;

    for (;;) {
      const c = text[i];
      if (c === '"' && field.trim() === '') {
        field = '';
        i += 1;
        for (;;) {
          if (i >= text.length) {
            error = 'quoted field is not closed';
            break;
          }
          if (text[i] === '"' && text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else if (text[i] === '"') {
            i += 1;
            break;
          } else {
            if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) line += 1;
            field += text[i];
            i += 1;
          }
        }
        if (error) break;
        while (text[i] === ' ' || text[i] === '\t') i += 1;
        if (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') {
          error = 'unexpected text after a closing quote';
          while (i < text.length && text[i] !== '\r' && text[i] !== '\n') i += 1;
          break;
        }
        continue;
      }
      if (i >= text.length || c === '\r' || c === '\n' || c === delimiter) {
        fields.push(field);
        field = '';
        if (c === delimiter) {
          i += 1;
          continue;
        }
        break;
      }
      field += c;
      i += 1;
    }

    if (text[i] === '\r' || text[i] === '\n') {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
    }

    if (error) rows.push({ line: startLine, error });
    else if (fields.some((value) => value.trim() !== '')) rows.push({ line: startLine, fields });
  }
  return rows;
}
