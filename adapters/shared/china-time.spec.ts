import { formatGmt8, fromUnixSeconds, parseGmt8, toUnixSeconds } from './china-time';

describe('GMT+8 time', () => {
  it('formats any instant in China time, whatever the server zone', () => {
    expect(formatGmt8(new Date('2026-11-23T16:30:05Z'))).toBe('2026-11-24 00:30:05');
  });

  it('reads China time back to the same instant', () => {
    expect(parseGmt8('2026-11-24 00:30:05').toISOString()).toBe('2026-11-23T16:30:05.000Z');
    expect(() => parseGmt8('24/11/2026')).toThrow('not a GMT+8 timestamp');
  });

  it('converts unix seconds both ways', () => {
    expect(fromUnixSeconds(1_700_000_000).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(toUnixSeconds(new Date('2023-11-14T22:13:20.900Z'))).toBe(1_700_000_000);
  });
});
