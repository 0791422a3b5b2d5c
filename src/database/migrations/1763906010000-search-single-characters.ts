import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The character ranges of the tokenizer in src/tickets/search-tokens.ts, as they were when this ran. */
const CJK_CLASS = '[\\u3400-\\u9fff\\uf900-\\ufaff\\u3040-\\u30ff\\uac00-\\ud7af]';

/**
 * Tickets now index every Chinese/Japanese/Korean character on its own beside the pairs, so a one-character
 * search is served by the GIN index; this adds those lexemes to the tickets stored before.
 */
export class SearchSingleCharacters1763906010000 implements MigrationInterface {
  name = 'SearchSingleCharacters1763906010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE tickets SET search_vector = search_vector || array_to_tsvector(ARRAY(
         SELECT DISTINCT m[1] FROM regexp_matches(search_text, $1, 'g') AS m
       ))
       WHERE search_text ~ $2`,
      [`(${CJK_CLASS})`, CJK_CLASS],
    );
  }

  async down(): Promise<void> {
    // The extra lexemes are harmless to the previous query code; nothing to undo.
  }
}
