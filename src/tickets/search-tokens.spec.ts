import { searchQuery, searchTokens } from './search-tokens';

describe('searchTokens', () => {
  it('indexes every pair of neighbouring Chinese characters so substrings are found', () => {
    const tokens = searchTokens('收到的杯子有破损');
    expect(tokens).toEqual(expect.arrayContaining(['收到', '杯子', '破损', '有破']));
  });

  it('indexes every Chinese character on its own too, so one character is an index lookup', () => {
    expect(searchTokens('鞋底开胶')).toEqual(
      expect.arrayContaining(['鞋', '底', '开', '胶', '鞋底', '底开', '开胶']),
    );
  });

  it('lower-cases words, splits on punctuation and keeps digits of order ids', () => {
    expect(searchTokens('Blender BROKEN, order 5123456789012345678')).toEqual([
      'blender',
      'broken',
      'order',
      '5123456789012345678',
    ]);
  });

  it('splits words from Chinese runs written without a space', () => {
    expect(searchTokens('Blender坏了')).toEqual(expect.arrayContaining(['blender', '坏了', '坏', '了']));
  });
});

describe('searchQuery', () => {
  it('matches Chinese bigrams exactly and words by prefix', () => {
    expect(searchQuery('破损 cup')).toBe("'破损' & 'cup':*");
  });

  it('needs every word, in any order', () => {
    expect(searchQuery('broken blender')).toBe("'broken':* & 'blender':*");
  });

  it('needs every pair of a Chinese run, and every run', () => {
    expect(searchQuery('开胶 鞋底')).toBe("'开胶' & '鞋底'");
    expect(searchQuery('鞋底开胶')).toBe("'鞋底' & '底开' & '开胶'");
  });

  it('looks a single Chinese character up by itself', () => {
    expect(searchQuery('胶')).toBe("'胶'");
  });

  it('escapes quotes', () => {
    expect(searchQuery("o'neil")).toBe("'o':* & 'neil':*");
  });

  it('ignores punctuation between the words', () => {
    expect(searchQuery('blender, broken!')).toBe("'blender':* & 'broken':*");
  });

  it('has nothing to search for in punctuation', () => {
    expect(searchQuery('  ,.!  ')).toBeNull();
  });
});
