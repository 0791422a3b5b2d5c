import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from './cursor';
import { DomainError, ErrorCode } from './domain-error';
import type { PageQuery } from './dto/page.query';

export const DEFAULT_PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    const [at, id] = decodeCursor(query.cursor, 2);
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !UUID.test(id)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'cursor is not one this list handed out', [
        { field: 'cursor', problems: ['unknown cursor'] },
      ]);
    }
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
