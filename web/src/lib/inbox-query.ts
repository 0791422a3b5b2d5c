import { startOfDayIn } from './format';
import type { SORTS } from './vocabulary';

/** The inbox filters as the screen holds them; lists are multi-selects (`a,b` on the wire). */
export interface InboxFilters {
  status: string[];
  stage: string[];
  platform: string[];
  department: string[];
  severity: string[];
  category: string[];
  kind: string[];
  slaState: string[];
  assignee: '' | 'mine' | 'none';
  tag: string;
  q: string;
  /** Tenant-local days, `YYYY-MM-DD`. */
  createdFrom: string;
  createdTo: string;
  sort: (typeof SORTS)[number];
}

export const DEFAULT_FILTERS: InboxFilters = {
  status: [],
  stage: [],
  platform: [],
  department: [],
  severity: [],
  category: [],
  kind: [],
  slaState: [],
  assignee: '',
  tag: '',
  q: '',
  createdFrom: '',
  createdTo: '',
  sort: '-createdAt',
};

const LISTS = [
  'status',
  'stage',
  'platform',
  'department',
  'severity',
  'category',
  'kind',
  'slaState',
] as const;

/** The `GET /v1/tickets` query for the filters; `me` is the signed-in key's id, which "mine" means. */
export function ticketQuery(
  filters: InboxFilters,
  options: { me: string; timeZone: string; limit: number; cursor?: string | null },
): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of LISTS) if (filters[key].length > 0) params.set(key, filters[key].join(','));
  if (filters.assignee === 'mine') params.set('assigneeId', options.me);
  if (filters.assignee === 'none') params.set('assigneeId', 'none');
  if (filters.tag.trim()) params.set('tag', filters.tag.trim());
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.createdFrom) params.set('createdFrom', startOfDayIn(filters.createdFrom, options.timeZone));
  if (filters.createdTo) params.set('createdTo', startOfDayIn(filters.createdTo, options.timeZone, true));
  if (filters.sort !== '-createdAt') params.set('sort', filters.sort);
  params.set('limit', String(options.limit));
  if (options.cursor) params.set('cursor', options.cursor);
  return params;
}

/** How many filters differ from the defaults, for the "clear (n)" button. */
export function activeFilterCount(filters: InboxFilters): number {
  let count = 0;
  for (const key of LISTS) if (filters[key].length > 0) count++;
  for (const key of ['assignee', 'tag', 'q', 'createdFrom', 'createdTo'] as const) if (filters[key]) count++;
  return count;
}

/** Filters kept in the address (`#/inbox?status=new&q=破损`), so a view can be shared or reloaded. */
export function filtersToHash(filters: InboxFilters): string {
  const params = new URLSearchParams();
  for (const key of LISTS) if (filters[key].length > 0) params.set(key, filters[key].join(','));
  for (const key of ['assignee', 'tag', 'q', 'createdFrom', 'createdTo'] as const) {
    if (filters[key]) params.set(key, filters[key]);
  }
  if (filters.sort !== '-createdAt') params.set('sort', filters.sort);
  return params.toString();
}

export function filtersFromHash(search: string): InboxFilters {
  const params = new URLSearchParams(search);
  const filters: InboxFilters = { ...DEFAULT_FILTERS };
  for (const key of LISTS) {
    const value = params.get(key);
    filters[key] = value ? value.split(',').filter(Boolean) : [];
  }
  const assignee = params.get('assignee');
  filters.assignee = assignee === 'mine' || assignee === 'none' ? assignee : '';
  filters.tag = params.get('tag') ?? '';
  filters.q = params.get('q') ?? '';
  filters.createdFrom = /^\d{4}-\d{2}-\d{2}$/.test(params.get('createdFrom') ?? '')
    ? params.get('createdFrom')!
    : '';
  filters.createdTo = /^\d{4}-\d{2}-\d{2}$/.test(params.get('createdTo') ?? '')
    ? params.get('createdTo')!
    : '';
  const sort = params.get('sort');
  if (sort === '-updatedAt' || sort === 'slaDue' || sort === '-severity') filters.sort = sort;
  return filters;
}
