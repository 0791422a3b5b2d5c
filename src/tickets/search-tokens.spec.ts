import { searchQuery, searchTokens } from './search-tokens';

describe('searchTokens', () => {
  it('indexes every pair of neighbouring Chinese characters so substrings are found', () => {
    const tokens = searchTokens('收到的杯子有破损');
    expect(tokens).toEqual(expect.arrayContaining(['收到', '杯子', '破损', '有破']));
  });

  it('lower-cases words, splits on punctuation and keeps digits of order ids', () => {
    expect(searchTokens('Blender BROKEN, order 5123456789012345678')).toEqual([
      'blender',
      'broken',
      'order',
      '5123456789012345678',
    ]);
  });

  it('keeps a single Chinese character on its own', () => {
    expect(searchTokens('坏')).toEqual(['坏']);
  });
});

describe('searchQuery', () => {
  it('matches Chinese bigrams exactly and words by prefix', () => {
    expect(searchQuery('破损 cup')).toBe("'破损' & 'cup':*");
  });

  it('escapes quotes', () => {
    expect(searchQuery("o'neil")).toBe("'o':* & 'neil':*");
  });

  it('has nothing to search for in punctuation', () => {
    expect(searchQuery('  ,.!  ')).toBeNull();
  });
});
