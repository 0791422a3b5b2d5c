import { idString, parseLosslessJson, stringifyLosslessJson } from './lossless-json';

describe('lossless JSON', () => {
  it('keeps 19-digit ids exactly, as strings, where JSON.parse would round them', () => {
    const text = '{"refund_id":7091800003790954036,"num":2,"price":"12.50"}';
    expect((JSON.parse(text) as { refund_id: number }).refund_id).toBe(7091800003790954000);
    expect(parseLosslessJson(text)).toEqual({ refund_id: '7091800003790954036', num: 2, price: '12.50' });
  });

  it('writes the kept ids back as text', () => {
    expect(stringifyLosslessJson(parseLosslessJson('[7091800003790954036]'))).toBe('["7091800003790954036"]');
  });

  it('turns any id into a string, and nothing into null', () => {
    expect(idString(42)).toBe('42');
    expect(idString('7091800003790954036')).toBe('7091800003790954036');
    expect(idString('')).toBeNull();
    expect(idString(undefined)).toBeNull();
    expect(idString({})).toBeNull();
  });
});
