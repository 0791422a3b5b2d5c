import { AdapterErrorCode } from '../contract';
import { parseWindowCursor, WindowPager, type WindowCursor } from './window-cursor';

type JdLike = WindowCursor & { family: string };

describe('parseWindowCursor', () => {
  it('reads back a cursor it wrote', () => {
    expect(parseWindowCursor('{"start":1700000000,"end":null,"page":1}', 'Taobao', 1)).toEqual({
      start: 1700000000,
      end: null,
      page: 1,
    });
    expect(parseWindowCursor('{"start":5,"end":9,"page":0}', 'Douyin', 0).page).toBe(0);
  });

  it('refuses something else as INVALID, naming the platform', () => {
    for (const text of ['not json', '{"start":"x","page":1}', '{"start":1,"page":0}']) {
      expect(() => parseWindowCursor(text, 'Pinduoduo', 1)).toThrow(
        expect.objectContaining({
          code: AdapterErrorCode.INVALID,
          message: expect.stringContaining('not a Pinduoduo pull cursor'),
        }),
      );
    }
  });

  it('applies a platform’s own extra check', () => {
    const isAsc = (value: JdLike) => value.family === 'asc';
    expect(
      parseWindowCursor<JdLike>('{"start":1,"end":null,"page":1,"family":"asc"}', 'JD', 1, isAsc),
    ).toMatchObject({ family: 'asc' });
    expect(() =>
      parseWindowCursor<JdLike>('{"start":1,"end":null,"page":1,"family":"x"}', 'JD', 1, isAsc),
    ).toThrow('not a JD pull cursor');
  });
});

describe('WindowPager', () => {
  const HOUR = 3_600_000;
  const pager = new WindowPager(
    {
      platform: 'Test',
      lookbackMs: 24 * HOUR,
      maxWindowMs: HOUR,
      overlapMs: 300_000,
      firstPage: 1,
      maxDays: 90,
    },
    {},
  );
  const now = 1_700_000_000_000;

  it('starts a first pull a lookback back, in windows no longer than the API takes', () => {
    expect(pager.open(null, now)).toEqual({
      state: { start: now - 24 * HOUR, end: null, page: 1 },
      end: now - 23 * HOUR,
    });
  });

  it('pages inside a window, then moves on with the overlap, with one rule for more', () => {
    const { state, end } = pager.open(null, now);
    expect(JSON.parse(pager.more(state, end).nextCursor!)).toEqual({ start: state.start, end, page: 2 });
    expect(pager.done(end, now)).toEqual({
      nextCursor: JSON.stringify({ start: end - 300_000, end: null, page: 1 }),
      hasMore: true,
    });
    expect(pager.done(now - 299_999, now).hasMore).toBe(false);
  });

  it('never reads past now, and never an empty window', () => {
    expect(pager.open(JSON.stringify({ start: now - 1000, end: null, page: 1 }), now).end).toBe(now);
    expect(pager.open(JSON.stringify({ start: now, end: null, page: 1 }), now).end).toBe(now + 1000);
  });

  it('reads a cursor stored in seconds where the platform once wrote them', () => {
    const legacy = new WindowPager({ ...pager.plan, legacySeconds: true }, {});
    const cursor = JSON.stringify({ start: 1_700_000_000, end: 1_700_000_600, page: 3 });
    expect(legacy.open(cursor, now).state).toEqual({
      start: 1_700_000_000_000,
      end: 1_700_000_600_000,
      page: 3,
    });
    expect(legacy.backfill.positionOf(cursor)).toEqual(new Date(1_700_000_000_000));
    expect(JSON.parse(legacy.backfill.cursorFrom(new Date(now)))).toEqual({ start: now, end: null, page: 1 });
  });
});
