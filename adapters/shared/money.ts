import type { MinorMoney } from '../contract';

const ZERO_DECIMAL_CURRENCIES = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF']);

export function currencyExponent(currency: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currency.toUpperCase()) ? 0 : 2;
}

/** "129.00" (or 129, "129") in major units → integer minor units, exactly, without floating point. */
export function decimalToMinor(value: string | number, currency: string): number {
  const text = typeof value === 'number' ? value.toFixed(currencyExponent(currency)) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, whole, fraction = ''] = match;
  const exponent = currencyExponent(currency);
  if (fraction.replace(/0+$/, '').length > exponent) {
    throw new RangeError(`${text} has more decimals than ${currency} allows`);
  }
  const minor =
    Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0').slice(0, exponent) || 0);
  return sign ? -minor : minor;
}

/** Integer minor units → "129.00". */
export function minorToDecimal(amountMinor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export function money(amountMinor: number, currency: string): MinorMoney {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`amount is not an integer: ${amountMinor}`);
  return { amountMinor, currency: currency.toUpperCase() };
}

export function moneyFromDecimal(value: string | number, currency: string): MinorMoney {
  return money(decimalToMinor(value, currency), currency);
}

/** Chinese platforms report fen as integers (Douyin, PDD pushes, TOP's agree call). */
export function moneyFromFen(fen: number | string): MinorMoney {
  return money(typeof fen === 'string' ? Number.parseInt(fen, 10) : fen, 'CNY');
}
