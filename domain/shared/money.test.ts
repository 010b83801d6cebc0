import { formatFen, formatMoney } from './money';

describe('money as people read it', () => {
  test.each([
    [123456789, '1,234,567.89'],
    [5, '0.05'],
    [70_000, '700.00'],
    [-1_250, '-12.50'],
  ])('formatFen(%d) is %s', (fen, text) => expect(formatFen(fen)).toBe(text));

  test.each([
    [70_000, 'CNY', 'en', '¥700.00'],
    [70_000, 'CNY', 'zh', '700.00 元'],
    [123_456_78, 'CNY', 'en', '¥123,456.78'],
    [27_500, 'USD', 'en', 'USD 275.00'],
    [27_500, 'USD', 'zh', '275.00 美元'],
    [100, 'GBP', 'zh', '1.00 GBP'],
    [-500, 'CNY', 'en', '-¥5.00'],
  ] as const)('formatMoney(%d, %s, %s) is %s', (fen, currency, lang, text) =>
    expect(formatMoney(fen, currency, lang)).toBe(text),
  );

  test('yuan by default, in English', () => expect(formatMoney(1)).toBe('¥0.01'));
});
