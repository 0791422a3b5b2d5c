/** Deeper than any body the API takes (routing rules are the deepest, at 5 levels). */
export const MAX_INPUT_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

export interface InputProblem {
  field: string;
  problem: string;
}

/**
 * Text PostgreSQL cannot store: NUL is refused by `text`, and a lone UTF-16 surrogate by `jsonb`
 * (JSON.stringify writes it as `\ud800`). Null when the string is fine.
 */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (it holds a lone surrogate)';
  return null;
}

/** Removes what `textProblem` refuses, for text that arrives signed and cannot be sent back (platform pushes). */
export function storableText(value: string): string {
  return value.split('\u0000').join('').replace(LONE_SURROGATES, '\uFFFD');
}

/** A copy of a plain value (objects, arrays, strings) with `storableText` applied to every string; dates kept. */
export function storableValue<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => storableValue(item)) as T;
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, child]) => [
      storableText(key),
      storableValue(child),
    ]),
  ) as T;
}

/** The first problem in a parsed input (body, query, route parameter), with the path of the field. */
export function findInputProblem(value: unknown, path = '', depth = 0): InputProblem | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { field: path || 'value', problem } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_INPUT_DEPTH)
    return { field: path || 'body', problem: `is nested deeper than ${MAX_INPUT_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findInputProblem(value[index], `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const field = path ? `${path}.${key}` : key;
    const keyProblem = textProblem(key);
    if (keyProblem) return { field, problem: `has a field name that ${keyProblem}` };
    const found = findInputProblem(child, field, depth + 1);
    if (found) return found;
  }
  return null;
}
