import { slaCountdown, type TicketSla } from './sla';

const created = '2026-11-30T10:00:00Z';
const sla = (overrides: Partial<TicketSla> = {}): TicketSla => ({
  firstResponseDueAt: '2026-11-30T12:00:00Z',
  resolutionDueAt: '2026-12-01T10:00:00Z',
  firstRespondedAt: null,
  resolvedAt: null,
  state: 'ok',
  ...overrides,
});
const at = (iso: string) => new Date(iso);

describe('slaCountdown', () => {
  it('counts down to the first response until there is one, then to the resolution', () => {
    const first = slaCountdown(sla(), created, at('2026-11-30T11:00:00Z'));
    expect(first).toMatchObject({ clock: 'first_response', remainingSeconds: 3600, tone: 'ok' });
    const second = slaCountdown(
      sla({ firstRespondedAt: '2026-11-30T10:30:00Z' }),
      created,
      at('2026-11-30T11:00:00Z'),
    );
    expect(second).toMatchObject({ clock: 'resolution', remainingSeconds: 23 * 3600, tone: 'ok' });
  });

  it('turns amber at 75 % of the target even before the server says so', () => {
    expect(slaCountdown(sla(), created, at('2026-11-30T11:29:00Z')).tone).toBe('ok');
    expect(slaCountdown(sla(), created, at('2026-11-30T11:30:00Z')).tone).toBe('amber');
  });

  it('turns red once the due time passes, with the overdue time negative', () => {
    const late = slaCountdown(sla(), created, at('2026-11-30T12:10:00Z'));
    expect(late).toMatchObject({ tone: 'red', remainingSeconds: -600 });
  });

  it("takes the server's warning and breach even when the browser's clock says otherwise", () => {
    expect(slaCountdown(sla({ state: 'warning' }), created, at('2026-11-30T10:05:00Z')).tone).toBe('amber');
    expect(slaCountdown(sla({ state: 'breached' }), created, at('2026-11-30T10:05:00Z')).tone).toBe('red');
  });

  it('does not run out while the ticket is paused', () => {
    expect(slaCountdown(sla(), created, at('2026-11-30T13:00:00Z'), true).tone).toBe('ok');
  });

  it('has no clock once resolved, and remembers a breach', () => {
    expect(
      slaCountdown(sla({ resolvedAt: '2026-11-30T11:00:00Z' }), created, at('2026-11-30T11:00:00Z')),
    ).toMatchObject({ clock: null, tone: 'done' });
    expect(
      slaCountdown(
        sla({ resolvedAt: '2026-11-30T13:00:00Z', state: 'breached' }),
        created,
        at('2026-11-30T14:00:00Z'),
      ).tone,
    ).toBe('red');
  });
});
