import type { TicketCategory } from '../../adapters/contract';
import { KeywordMatcher } from './keyword-matcher';

export interface TextClassification {
  category: TicketCategory;
  keywords: string[];
}

/** Picks a category from the buyer's own words: most distinct keyword hits wins, ties go to the earlier category. */
export class KeywordClassifier {
  private readonly matchers: { category: TicketCategory; matcher: KeywordMatcher }[];

  constructor(table: Readonly<Partial<Record<TicketCategory, readonly string[]>>>) {
    this.matchers = Object.entries(table).map(([category, keywords]) => ({
      category: category as TicketCategory,
      matcher: new KeywordMatcher(keywords ?? []),
    }));
  }

  classify(lowerText: string): TextClassification | null {
    let best: TextClassification | null = null;
    for (const { category, matcher } of this.matchers) {
      const keywords = matcher.find(lowerText);
      if (keywords.length > 0 && (best === null || keywords.length > best.keywords.length)) {
        best = { category, keywords };
      }
    }
    return best;
  }
}
