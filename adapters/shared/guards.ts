import { AdapterError, AdapterErrorCode } from '../contract';

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every credential a call needs is present, or the call is not made (AUTH names the first one missing). */
export function requireCredentials(credentials: Record<string, string>, fields: readonly string[]): void {
  for (const field of fields) {
    if (!credentials[field]) throw new AdapterError(AdapterErrorCode.AUTH, `the connection has no ${field}`);
  }
}
