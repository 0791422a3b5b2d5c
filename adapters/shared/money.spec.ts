import { decimalToMinor, minorToDecimal, moneyFromDecimal, moneyFromFen } from './money';

describe('money', () => {
  it('turns decimal strings into minor units without floating-point error', () => {
    expect(decimalToMinor('129.00', 'CNY')).toBe(12900);
    expect(decimalToMinor('200.07', 'CNY')).toBe(20007);
    expect(decimalToMinor('0.1', 'USD')).toBe(10);
    expect(decimalToMinor('19.99', 'USD')).toBe(1999);
    expect(decimalToMinor(0.29, 'USD')).toBe(29);
    expect(decimalToMinor('1500', 'JPY')).toBe(1500);
    expect(decimalToMinor('-5.50', 'EUR')).toBe(-550);
  });

  it('refuses amounts that are not decimals or carry more precision than the currency', () => {
    expect(() => decimalToMinor('12,50', 'EUR')).toThrow('not a decimal amount');
    expect(() => decimalToMinor('1.005', 'USD')).toThrow('more decimals');
    expect(() => decimalToMinor('1.5', 'JPY')).toThrow('more decimals');
  });

  it('formats minor units as decimal strings', () => {
    expect(minorToDecimal(12900, 'CNY')).toBe('129.00');
    expect(minorToDecimal(7, 'USD')).toBe('0.07');
    expect(minorToDecimal(-550, 'EUR')).toBe('-5.50');
    expect(minorToDecimal(1500, 'JPY')).toBe('1500');
  });

  it('reads fen integers and strings as CNY', () => {
    expect(moneyFromFen(12900)).toEqual({ amountMinor: 12900, currency: 'CNY' });
    expect(moneyFromFen('3990')).toEqual({ amountMinor: 3990, currency: 'CNY' });
    expect(moneyFromDecimal('39.90', 'cny')).toEqual({ amountMinor: 3990, currency: 'CNY' });
  });
});
