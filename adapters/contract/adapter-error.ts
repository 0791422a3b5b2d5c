/** The few codes every platform failure is mapped to at the adapter boundary; retry policy reads only these. */
export enum AdapterErrorCode {
  TEMPORARY = 'TEMPORARY',
  RATE_LIMITED = 'RATE_LIMITED',
  AUTH = 'AUTH',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  INVALID = 'INVALID',
  UNSUPPORTED = 'UNSUPPORTED',
  /** The platform holds the decision until the seller passes on a code it sent them (TOP's SMS code). */
  VERIFICATION_REQUIRED = 'VERIFICATION_REQUIRED',
}

export interface UpstreamErrorDetail {
  httpStatus?: number;
  code?: string;
  message?: string;
}

export class AdapterError extends Error {
  constructor(
    readonly code: AdapterErrorCode,
    message: string,
    readonly upstream: UpstreamErrorDetail = {},
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AdapterError';
  }
}

/** A pushed request whose signature (or timestamp) does not verify; nothing from it may be stored. */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}
