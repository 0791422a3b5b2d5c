import { ValidateBy, type ValidationOptions } from 'class-validator';

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)?)?$/i;

/**
 * A calendar date or date-time that PostgreSQL reads the same way: years 1 to 9999, real days
 * (`2024-02-30` is not one), no ISO week or ordinal forms (`2024-W01`), which `IsDateString` lets through.
 */
export function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [, year, month, day, hour = '0', minute = '0', second = '0', offsetHours = '0', offsetMinutes = '0'] =
    match.map((part) => part ?? undefined);
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  if (d > new Date(Date.UTC(2000, m, 0)).getUTCDate() || (m === 2 && d === 29 && !isLeap(y))) return false;
  return (
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(offsetHours) <= 15 &&
    Number(offsetMinutes) <= 59
  );
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value) => isTimestamp(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a real date or date-time such as 2024-05-01T08:00:00Z`,
      },
    },
    options,
  );
}
