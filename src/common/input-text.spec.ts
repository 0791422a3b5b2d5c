import { findInputProblem, MAX_INPUT_DEPTH, storableText, storableValue } from './input-text';

describe('input text', () => {
  it('names the field holding a NUL or a lone surrogate', () => {
    expect(findInputProblem({ name: 'a\u0000b' })).toEqual({
      field: 'name',
      problem: expect.stringContaining('NUL') as string,
    });
    expect(findInputProblem({ rules: [{ then: { tags: ['ok', 'x\ud800'] } }] })?.field).toBe(
      'rules[0].then.tags[1]',
    );
    expect(findInputProblem({ text: 'tail \udc00' })?.problem).toContain('lone surrogate');
  });

  it('accepts ordinary text, emoji and Chinese', () => {
    expect(findInputProblem({ reason: '杯子破损 😞', tags: ['a'], n: 1, ok: true, none: null })).toBeNull();
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 5_000; level += 1) deep = [deep];
    expect(findInputProblem({ a: deep })?.problem).toContain(`${MAX_INPUT_DEPTH} levels`);
  });

  it('strips what PostgreSQL cannot store from signed text', () => {
    expect(storableText('a\u0000b\ud800c😞')).toBe('ab\uFFFDc😞');
  });

  it('cleans every string of a case and keeps its dates', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(
      storableValue({
        reason: 'a\u0000b',
        items: [{ title: '\udc00x' }],
        at,
        amount: 5,
        raw: { 'k\u0000': 'v' },
      }),
    ).toEqual({ reason: 'ab', items: [{ title: '\uFFFDx' }], at, amount: 5, raw: { k: 'v' } });
  });
});
