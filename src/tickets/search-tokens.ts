const CJK_CHARS = '\\u3400-\\u9fff\\uf900-\\ufaff\\u3040-\\u30ff\\uac00-\\ud7af';
const CJK_RUN = new RegExp(`[${CJK_CHARS}]+`, 'gu');
const HAS_CJK = new RegExp(`[${CJK_CHARS}]`, 'u');
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Lexemes for the inbox search: lower-cased words, and every pair of neighbouring characters in a
 * Chinese/Japanese/Korean run, so that any substring of two or more such characters (破损, 没收到) is found
 * through the index without a dictionary.
 */
export function searchTokens(text: string): string[] {
  const tokens = new Set<string>();
  for (const run of text.match(CJK_RUN) ?? []) {
    const chars = [...run];
    if (chars.length === 1) tokens.add(chars[0]);
    for (let i = 0; i + 1 < chars.length; i += 1) tokens.add(chars[i] + chars[i + 1]);
  }
  const rest = text.replace(CJK_RUN, ' ');
  for (const word of rest.match(WORD) ?? []) tokens.add(word.toLowerCase());
  return [...tokens];
}

/** A tsquery literal that matches every token (words by prefix); null when the text has nothing to index on. */
export function searchQuery(text: string): string | null {
  const tokens = searchTokens(text);
  if (tokens.length === 0) return null;
  const lexeme = (token: string) => `'${token.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;
  return tokens
    .map((token) =>
      /^[\p{L}\p{N}]+$/u.test(token) && !HAS_CJK.test(token) ? `${lexeme(token)}:*` : lexeme(token),
    )
    .join(' & ');
}
