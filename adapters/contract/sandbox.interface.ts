import type { Platform } from './platform.type';

/**
 * Faults a sandbox can be told to inject into its next answers or pushes. A request fault with an `apiMethod`
 * waits for a call of that method, so other traffic of the hub (pulls, reads) does not use it up.
 */
export type SandboxFault =
  | { kind: 'throttle'; times: number; apiMethod?: string }
  | { kind: 'server_error'; times: number; apiMethod?: string }
  | { kind: 'timeout'; times: number; delayMs?: number; apiMethod?: string }
  /** Applies the request, then holds the answer back: the platform acted but the caller has not heard. */
  | { kind: 'slow_response'; times: number; delayMs: number; apiMethod?: string }
  | { kind: 'duplicate_pushes'; ratio: number }
  | { kind: 'reorder_pushes'; ratio: number };

export interface RecordedCall {
  at: Date;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  /** The platform method named by the request (`taobao.refunds.receive.get`, `afterSale/List`, a GraphQL operation). */
  apiMethod: string | null;
  /** The status the sandbox answered with. */
  status: number;
  /** The injected fault this call met, if any: a `throttle`, `server_error` or `timeout` call was not applied. */
  fault: Extract<SandboxFault, { times: number }>['kind'] | null;
}

export interface SandboxPushTarget {
  url: string;
}

/**
 * A fake marketplace on 127.0.0.1 that speaks the platform's wire format, checks signatures, keeps
 * case state, applies actions and pushes to the hub. Tests and the demo point connections at `url`.
 */
export interface MarketplaceSandbox {
  readonly platform: Platform;
  readonly url: string;
  /** The credentials a connection must carry to talk to this sandbox. */
  readonly credentials: Record<string, string>;
  /** The shopId a connection to this sandbox uses. */
  readonly shopId: string;
  start(port?: number): Promise<string>;
  stop(): Promise<void>;
  /** Where pushes go (the connection's webhookUrl); null stops pushing. */
  setPushTarget(target: SandboxPushTarget | null): void;
  /** Creates realistic cases (and pushes them when a target is set); returns their external ids. */
  generateCases(count: number): Promise<string[]>;
  /** Moves existing cases along their life cycle as a buyer or the platform would (and pushes). */
  advanceCases(count: number): Promise<string[]>;
  injectFault(fault: SandboxFault): void;
  clearFaults(): void;
  calls(): RecordedCall[];
  /** The sandbox's current view of a case, in the platform's own shape. */
  caseState(externalId: string): unknown;
}
