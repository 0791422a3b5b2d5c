import { canMove, STATUS_TRANSITIONS } from './status-workflow';

describe('ticket status workflow', () => {
  it('follows new → open → pending → solved → closed', () => {
    expect(canMove('new', 'open')).toBe(true);
    expect(canMove('open', 'pending')).toBe(true);
    expect(canMove('pending', 'solved')).toBe(true);
    expect(canMove('solved', 'closed')).toBe(true);
  });

  it('allows reopening a solved or closed ticket', () => {
    expect(canMove('solved', 'open')).toBe(true);
    expect(canMove('closed', 'open')).toBe(true);
  });

  it('refuses skipping back or closing what is not solved', () => {
    expect(canMove('open', 'new')).toBe(false);
    expect(canMove('open', 'closed')).toBe(false);
    expect(canMove('closed', 'solved')).toBe(false);
    expect(STATUS_TRANSITIONS.closed).toEqual(['open']);
  });

  it('treats staying put as no move', () => {
    expect(canMove('pending', 'pending')).toBe(true);
  });
});
