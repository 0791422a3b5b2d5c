import { dayIn, formatDateTime, formatDuration, formatMoney, formatRatio, startOfDayIn } from './format';

describe('formatMoney', () => {
  it('keeps the decimal string exactly, groups thousands and names the currency', () => {
    expect(formatMoney({ amount: '1234567.05', currency: 'CNY' }, 'zh')).toBe('¥1,234,567.05 CNY');
    expect(formatMoney({ amount: '129.00', currency: 'USD' }, 'en')).toBe('$129.00 USD');
  });

  it('does not round through floating point', () => {
    expect(formatMoney({ amount: '0.10', currency: 'EUR' }, 'en')).toBe('€0.10 EUR');
    expect(formatMoney({ amount: '9007199254740993.99', currency: 'CNY' }, 'en')).toContain(
      '9,007,199,254,740,993.99',
    );
  });

  it('shows a dash for no amount and the bare code for an unknown currency', () => {
    expect(formatMoney(null, 'zh')).toBe('—');
    expect(formatMoney({ amount: '5.00', currency: 'XXQ' }, 'en')).toBe('XXQ5.00 XXQ');
  });
});

describe('times in the tenant zone', () => {
  it('shows the wall clock of the zone, not of the browser', () => {
    expect(formatDateTime('2026-11-30T16:30:00Z', 'Asia/Shanghai')).toBe('2026-12-01 00:30');
    expect(formatDateTime('2026-11-30T16:30:00Z', 'America/New_York')).toBe('2026-11-30 11:30');
    expect(formatDateTime(null, 'UTC')).toBe('—');
  });

  it('turns a tenant-local day into the instants that bound it', () => {
    expect(startOfDayIn('2026-12-01', 'Asia/Shanghai')).toBe('2026-11-30T16:00:00.000Z');
    expect(startOfDayIn('2026-12-01', 'Asia/Shanghai', true)).toBe('2026-12-01T16:00:00.000Z');
    expect(startOfDayIn('2026-07-01', 'Europe/Berlin')).toBe('2026-06-30T22:00:00.000Z');
    expect(dayIn(new Date('2026-11-30T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-12-01');
  });
});

describe('formatDuration', () => {
  it('reads in both languages', () => {
    expect(formatDuration(45, 'en')).toBe('45 s');
    expect(formatDuration(12 * 60, 'zh')).toBe('12分钟');
    expect(formatDuration(3 * 3600 + 5 * 60, 'en')).toBe('3 h 05 m');
    expect(formatDuration(3 * 3600 + 5 * 60, 'zh')).toBe('3小时05分');
    expect(formatDuration(27 * 3600, 'zh')).toBe('1天3小时');
    expect(formatDuration(86_400, 'zh')).toBe('1天');
    expect(formatDuration(86_400, 'en')).toBe('1 d');
    expect(formatDuration(-90, 'en')).toBe('-1 m');
    expect(formatDuration(null, 'en')).toBe('—');
  });

  it('formats ratios as percentages', () => {
    expect(formatRatio(0.955)).toBe('95.5%');
    expect(formatRatio(1)).toBe('100%');
    expect(formatRatio(null)).toBe('—');
  });
});
