/** Keys platforms put their human-readable answer under (TOP `sub_msg`/`msg`, JD/Douyin `message`, …). */
const MESSAGE_KEYS = [
  'sub_msg',
  'message',
  'msg',
  'errorMessage',
  'error_description',
  'description',
  'zh_desc',
];

/** The platform's own sentence inside its answer, searched breadth-first, nearest first, a few levels deep. */
export function platformMessage(response: unknown): string | null {
  let level: unknown[] = [response];
  for (let depth = 0; depth < 6 && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const value of level) {
      if (!value || typeof value !== 'object') continue;
      const record = value as Record<string, unknown>;
      for (const key of MESSAGE_KEYS) {
        if (typeof record[key] === 'string' && record[key]) return record[key];
      }
      next.push(...Object.values(record));
    }
    level = next;
  }
  return null;
}
