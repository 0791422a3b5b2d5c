import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from './cursor';
import type { PageQuery } from './dto/page.query';

export const DEFAULT_PAGE_SIZE = 50;

/**
 * One page of a list ordered by a timestamp column and the id. The cursor carries the timestamp as
 * PostgreSQL prints it, so microsecond columns page exactly (a JavaScript Date would round them).
 */
export async function keysetPage<T extends ObjectLiteral & { id: string }, V>(
  builder: SelectQueryBuilder<T>,
  timeColumn: string,
  direction: 'ASC' | 'DESC',
  query: PageQuery,
  view: (row: T) => V,
): Promise<Page<V>> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const idColumn = `${builder.alias}.id`;
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, ['timestamp', 'uuid']);
    builder.andWhere(
      `(${timeColumn}, ${idColumn}) ${direction === 'DESC' ? '<' : '>'} (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid))`,
      { cursorAt: String(at), cursorId: String(id) },
    );
  }
  const { entities, raw } = await builder
    .addSelect(`${timeColumn}::text`, 'page_key')
    .orderBy(timeColumn, direction)
    .addOrderBy(idColumn, direction)
    .limit(limit + 1)
    .getRawAndEntities<{ page_key: string }>();
  const page = entities.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(view),
    nextCursor:
      entities.length > limit && last ? encodeCursor([raw[page.length - 1].page_key, last.id]) : null,
  };
}
