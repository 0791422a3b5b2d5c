import {
  activeFilterCount,
  DEFAULT_FILTERS,
  filtersFromHash,
  filtersToHash,
  ticketQuery,
} from './inbox-query';

const options = { me: 'key-1', timeZone: 'Asia/Shanghai', limit: 100 };

describe('inbox query', () => {
  it('sends every filter the way GET /v1/tickets takes it', () => {
    const params = ticketQuery(
      {
        ...DEFAULT_FILTERS,
        status: ['new', 'open'],
        platform: ['taobao'],
        slaState: ['warning', 'breached'],
        assignee: 'mine',
        tag: ' vip ',
        q: '破损',
        createdFrom: '2026-12-01',
        createdTo: '2026-12-01',
        sort: 'slaDue',
      },
      { ...options, cursor: 'abc' },
    );
    expect(Object.fromEntries(params)).toEqual({
      status: 'new,open',
      platform: 'taobao',
      slaState: 'warning,breached',
      assigneeId: 'key-1',
      tag: 'vip',
      q: '破损',
      createdFrom: '2026-11-30T16:00:00.000Z',
      createdTo: '2026-12-01T16:00:00.000Z',
      sort: 'slaDue',
      limit: '100',
      cursor: 'abc',
    });
  });

  it('leaves the defaults out and asks for unassigned tickets with `none`', () => {
    expect(ticketQuery(DEFAULT_FILTERS, options).toString()).toBe('limit=100');
    expect(ticketQuery({ ...DEFAULT_FILTERS, assignee: 'none' }, options).get('assigneeId')).toBe('none');
  });

  it('keeps the view in the address and reads it back, ignoring what it does not know', () => {
    const filters = { ...DEFAULT_FILTERS, stage: ['requested'], q: '没收到', sort: '-severity' as const };
    expect(filtersFromHash(filtersToHash(filters))).toEqual(filters);
    expect(filtersFromHash('sort=sideways&createdFrom=yesterday&assignee=boss')).toEqual(DEFAULT_FILTERS);
    expect(activeFilterCount(filters)).toBe(2);
  });
});
