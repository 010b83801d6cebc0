import {
  calendarDate,
  factDate,
  factDateTime,
  factoryDateTime,
  factoryToday,
  httpUrl,
  multilineText,
  planDate,
  setFactoryTimeZone,
  text,
} from './fields';

describe('text fields refuse what PostgreSQL, PDFs and mails cannot take', () => {
  const line = text({ min: 1, max: 20 });
  const prose = multilineText({ max: 50 });

  test.each([
    ['plain text', 'R0402 10k', true, true],
    ['Chinese', '品质异常处理报告', true, true],
    ['NUL', 'abc\u0000def', false, false],
    ['bell', 'abc\u0007', false, false],
    ['escape', '\u001B[31mred', false, false],
    ['DEL', 'a\u007Fb', false, false],
    ['C1 control', 'a\u0085b', false, false],
    ['newline', 'first\nsecond', false, true],
    ['CRLF and tab', 'a\r\n\tb', false, true],
    ['vertical tab', 'a\u000Bb', false, false],
  ])('%s: one line %s, several lines %s', (_name, value, lineOk, proseOk) => {
    expect(line.safeParse(value).success).toBe(lineOk);
    expect(prose.safeParse(value).success).toBe(proseOk);
  });

  test('trims, then enforces the bounds with a message naming them', () => {
    expect(line.parse('  ok  ')).toBe('ok');
    expect(line.safeParse('   ').error?.issues[0].message).toBe('must not be empty');
    expect(line.safeParse('x'.repeat(21)).error?.issues[0].message).toBe('must be at most 20 characters');
    expect(text({ max: 5, trim: false }).parse(' a ')).toBe(' a ');
  });
});

describe("dates are real calendar dates on the right side of the factory's today", () => {
  afterEach(() => setFactoryTimeZone('Asia/Shanghai'));

  test.each([
    ['2026-02-28', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['2026-01-01T00:00:00Z', false],
  ])('%s is a calendar date: %s', (value, ok) => {
    expect(calendarDate().safeParse(value).success).toBe(ok);
  });

  test("today is the factory's date, not the server's", () => {
    // 2026-03-01 20:00 UTC is already 2 March in Shanghai and still 1 March in New York.
    const at = new Date('2026-03-01T20:00:00Z');
    expect(factoryToday(at)).toBe('2026-03-02');
    setFactoryTimeZone('America/New_York');
    expect(factoryToday(at)).toBe('2026-03-01');
    expect(() => setFactoryTimeZone('Mars/Olympus')).toThrow();
  });

  test("mails name instants in the factory's zone, in both languages", () => {
    const at = new Date('2026-03-01T20:05:00Z');
    expect(factoryDateTime(at, 'en')).toBe('2026-03-02 04:05 GMT+8');
    expect(factoryDateTime(at, 'zh')).toBe('2026-03-02 04:05（北京时间）');
    setFactoryTimeZone('America/New_York');
    expect(factoryDateTime(at, 'en')).toBe('2026-03-01 15:05 GMT-5');
    expect(factoryDateTime(at, 'zh')).toBe('2026-03-01 15:05（GMT-5）');
  });

  test('a plan may not be in the past and a fact not in the future', () => {
    const today = factoryToday();
    const [y, m, d] = today.split('-').map(Number);
    const shift = (days: number) => new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
    expect(planDate().safeParse(today).success).toBe(true);
    expect(planDate().safeParse(shift(30)).success).toBe(true);
    expect(planDate().safeParse(shift(-1)).error?.issues[0].message).toBe(`must be today (${today}) or later`);
    expect(factDate().safeParse(today).success).toBe(true);
    expect(factDate().safeParse(shift(-400)).success).toBe(true);
    expect(factDate().safeParse(shift(1)).error?.issues[0].message).toBe(`must be today (${today}) or earlier`);
    expect(planDate().safeParse('2099-02-30').success).toBe(false);
  });

  test('a fact date-time may not be in the future', () => {
    expect(factDateTime().safeParse(new Date(Date.now() - 60_000).toISOString()).success).toBe(true);
    expect(factDateTime().safeParse('2026-03-01T09:30:00+08:00').success).toBe(true);
    expect(factDateTime().safeParse(new Date(Date.now() + 3_600_000).toISOString()).success).toBe(false);
    expect(factDateTime().safeParse('2026-02-30T09:30:00Z').success).toBe(false);
  });
});

describe('links are http or https only', () => {
  test.each([
    ['https://photos.example.com/rma/1.jpg', true],
    ['http://10.0.0.5/board.png', true],
    ['javascript:alert(1)', false],
    ['JavaScript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['file:///etc/passwd', false],
    ['ftp://example.com/x', false],
    ['not a url', false],
  ])('%s: %s', (value, ok) => {
    expect(httpUrl().safeParse(value).success).toBe(ok);
  });
});
