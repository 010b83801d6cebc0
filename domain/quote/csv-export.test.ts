import { csvCell, toCsv } from './csv-export';

describe('CSV export', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', `"'+1"`],
    ['-cmd', `"'-cmd"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tTAB', `"'\tTAB"`],
    ['R1,R2', '"R1,R2"'],
    ['plain', 'plain'],
    [12, '12'],
  ])('escapes %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes CRLF rows', () => {
    expect(toCsv(['a', 'b'], [[1, '=2']])).toBe(`a,b\r\n1,"'=2"\r\n`);
  });
});
