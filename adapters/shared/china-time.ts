const GMT8_OFFSET_MS = 8 * 60 * 60 * 1000;

/** TOP and JD want `yyyy-MM-dd HH:mm:ss` in GMT+8, whatever the server's own time zone. */
export function formatGmt8(date: Date): string {
  return new Date(date.getTime() + GMT8_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Reads `yyyy-MM-dd HH:mm:ss` as GMT+8. */
export function parseGmt8(text: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) throw new RangeError(`not a GMT+8 timestamp: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - GMT8_OFFSET_MS);
}

export function fromUnixSeconds(seconds: number | string): Date {
  return new Date(Number(seconds) * 1000);
}

export function toUnixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
