const CJK_CHARS = '\\u3400-\\u9fff\\uf900-\\ufaff\\u3040-\\u30ff\\uac00-\\ud7af';
const CJK_RUN = new RegExp(`[${CJK_CHARS}]+`, 'gu');
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Lexemes stored for a ticket: lower-cased words; for each Chinese/Japanese/Korean run every pair of
 * neighbouring characters, so that any substring of two or more (破损, 没收到) is found through the index
 * without a dictionary; and every single character of such a run, so that a one-character search (胶, 坏)
 * is an index lookup as well rather than a scan.
 */
export function searchTokens(text: string): string[] {
  const tokens = new Set<string>();
  for (const run of text.match(CJK_RUN) ?? []) {
    const chars = [...run];
    for (const char of chars) tokens.add(char);
    for (let i = 0; i + 1 < chars.length; i += 1) tokens.add(chars[i] + chars[i + 1]);
  }
  for (const word of text.replace(CJK_RUN, ' ').match(WORD) ?? []) tokens.add(word.toLowerCase());
  return [...tokens];
}

/**
 * What a search for `text` must find, every part of it, in any order: a word by prefix, a Chinese run by its
 * pairs of characters (so 鞋底开胶 needs 鞋底, 底开 and 开胶), a lone character by itself.
 */
export function queryTokens(text: string): { token: string; prefix: boolean }[] {
  const tokens = new Map<string, boolean>();
  for (const run of text.match(CJK_RUN) ?? []) {
    const chars = [...run];
    if (chars.length === 1) tokens.set(chars[0], false);
    for (let i = 0; i + 1 < chars.length; i += 1) tokens.set(chars[i] + chars[i + 1], false);
  }
  for (const word of text.replace(CJK_RUN, ' ').match(WORD) ?? []) tokens.set(word.toLowerCase(), true);
  return [...tokens].map(([token, prefix]) => ({ token, prefix }));
}

/** One tsquery literal per part of the search (each must match). */
export function searchTerms(text: string): string[] {
  const lexeme = (token: string) => `'${token.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;
  return queryTokens(text).map(({ token, prefix }) => (prefix ? `${lexeme(token)}:*` : lexeme(token)));
}

/** A tsquery literal that matches every part of the search; null when the text has nothing to index on. */
export function searchQuery(text: string): string | null {
  const terms = searchTerms(text);
  return terms.length === 0 ? null : terms.join(' & ');
}
