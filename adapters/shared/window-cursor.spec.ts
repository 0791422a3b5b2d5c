import { AdapterErrorCode } from '../contract';
import { parseWindowCursor, type WindowCursor } from './window-cursor';

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
