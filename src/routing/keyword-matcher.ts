const LATIN = /[a-z0-9]/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds which of a fixed list of keywords occur in a lower-cased text. Words in Latin script match whole
 * words only ("account" is not in "accountant"); Chinese has no spaces, so its words match anywhere.
 */
export class KeywordMatcher {
  private readonly tests: { keyword: string; pattern: RegExp | null }[];

  constructor(keywords: readonly string[]) {
    this.tests = [...new Set(keywords.map((keyword) => keyword.trim().toLowerCase()))]
      .filter((keyword) => keyword.length > 0)
      .map((keyword) => ({
        keyword,
        pattern: LATIN.test(keyword) ? new RegExp(`(?<![a-z0-9])${escapeRegExp(keyword)}(?![a-z0-9])`) : null,
      }));
  }

  /** The distinct keywords found in `lowerText`, in list order. */
  find(lowerText: string): string[] {
    const found: string[] = [];
    if (lowerText.length === 0) return found;
    for (const { keyword, pattern } of this.tests) {
      if (!lowerText.includes(keyword)) continue;
      if (pattern === null || pattern.test(lowerText)) found.push(keyword);
    }
    return found;
  }
}
