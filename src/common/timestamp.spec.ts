import { isTimestamp } from './timestamp';

describe('timestamps PostgreSQL accepts', () => {
  it.each([
    '2024-05-01',
    '2024-05-01T08:00:00Z',
    '2024-05-01T08:00:00.123Z',
    '2024-05-01T08:00:00+08:00',
    '2024-02-29T00:00:00Z',
    '0001-01-01',
    '9999-12-31T23:59:59Z',
    '2026-11-30 17:20:01.123456+00',
  ])('accepts %s', (value) => expect(isTimestamp(value)).toBe(true));

  it.each([
    '2024-02-30',
    '2023-02-29',
    '2024-04-31T00:00:00Z',
    '0000-01-01',
    '2024-W01',
    '2024-W01-1',
    '2024-123',
    '2024-13-01',
    '2024-05-01T24:00:00Z',
    '2024-05-01T08:00:00+99:00',
    '20240501',
    'yesterday',
  ])('refuses %s', (value) => expect(isTimestamp(value)).toBe(false));
});
