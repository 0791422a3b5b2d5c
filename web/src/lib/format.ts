/** Formatting shared by every screen: money with its currency, times in the tenant's zone, durations. */

export type Locale = 'zh' | 'en';

export interface Money {
  amount: string;
  currency: string;
}

const intlLocale = (locale: Locale): string => (locale === 'zh' ? 'zh-CN' : 'en-US');

/** The amount stays the decimal string the API sent: no float rounding of money. */
export function formatMoney(money: Money | null | undefined, locale: Locale): string {
  if (!money) return '—';
  const [whole, fraction = ''] = money.amount.replace(/^-/, '').split('.');
  let symbol = money.currency;
  try {
    const parts = new Intl.NumberFormat(intlLocale(locale), {
      style: 'currency',
      currency: money.currency,
      currencyDisplay: 'narrowSymbol',
    }).formatToParts(0);
    symbol = parts.find((part) => part.type === 'currency')?.value ?? money.currency;
  } catch {
    // An unknown code is shown as it is.
  }
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = money.amount.startsWith('-') ? '-' : '';
  const digits = fraction ? `${grouped}.${fraction}` : grouped;
  // The symbol alone is ambiguous (¥ is both CNY and JPY, $ many dollars): the code goes after it.
  return `${sign}${symbol}${digits} ${money.currency}`;
}

/** A date and time on the tenant's wall clock, e.g. `2026-11-30 18:05`: the same in both languages. */
export function formatDateTime(value: string | Date | null | undefined, timeZone: string): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '—';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** The calendar day in a time zone, `YYYY-MM-DD`, for date filters. */
export function dayIn(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}

/** Offset of a time zone from UTC at a moment, in minutes (Asia/Shanghai: 480). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a tenant-local day starts (`end`: the next day starts), for `createdFrom` / `createdTo`. */
export function startOfDayIn(day: string, timeZone: string, end = false): string {
  const [year, month, date] = day.split('-').map(Number);
  const guess = new Date(Date.UTC(year, month - 1, date + (end ? 1 : 0)));
  const offset = zoneOffsetMinutes(timeZone, guess);
  return new Date(guess.getTime() - offset * 60_000).toISOString();
}

/** `1 d 3 h`, `3 h 05 m`, `12 m`, `45 s`; Chinese `1天3小时`, `3小时05分`. */
export function formatDuration(seconds: number | null | undefined, locale: Locale): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const total = Math.round(Math.abs(seconds));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const zh = locale === 'zh';
  let text: string;
  if (days > 0)
    text = zh ? `${days}天${hours ? `${hours}小时` : ''}` : `${days} d${hours ? ` ${hours} h` : ''}`;
  else if (hours > 0)
    text = zh
      ? `${hours}小时${String(minutes).padStart(2, '0')}分`
      : `${hours} h ${String(minutes).padStart(2, '0')} m`;
  else if (minutes > 0) text = zh ? `${minutes}分钟` : `${minutes} m`;
  else text = zh ? `${total}秒` : `${total} s`;
  return seconds < 0 ? `-${text}` : text;
}

export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(1).replace(/\.0$/, '')}%`;
}
