import { AdapterError } from '../../../adapters/contract';
import { failureDecision } from '../../common/failure-policy';
import { describeUpstreamFailure } from '../../common/upstream-failure';
import type { AppGroup } from './app-channels.service';

/** Where an app channel's standing is written: the connections of the app and `connection.sync_failed`. */
export interface AppChannelHealthStore {
  /**
   * Sets every active connection among `connectionIds` to `error` with `message` and emits
   * `connection.sync_failed` for each of them, in one transaction; connections already in `error` (or paused)
   * are left as they are and get no event. Resolves to how many crossed to `error`.
   */
  markRefused(connectionIds: string[], message: string): Promise<number>;
  /** Sets back to `active` the connections among `connectionIds` still in `error` with exactly `message`. */
  clearRefused(connectionIds: string[], message: string): Promise<number>;
}

/**
 * The failure policy applied to one app's channel (the TOP TMC loop, the Pinduoduo socket): when the platform
 * refuses the app's credentials, every connection of the app shows `error` with the platform's message, as a
 * refused sync does, and `connection.sync_failed` is emitted once per connection crossing to `error`, not on
 * every retry. The next success sets back to `active` the connections still in `error` with that message; an
 * error set by something else (a shop's own token refused by its sync) is left for its own success to clear.
 * One instance per running channel: it remembers the message it set while the channel lives.
 */
export class AppChannelHealth {
  private refusedWith: string | null = null;

  constructor(private readonly store: AppChannelHealthStore) {}

  /** Whether the channel currently stands refused. */
  get refused(): boolean {
    return this.refusedWith !== null;
  }

  /**
   * Applies the policy to a failure of the channel; resolves true when it means the app's credentials are
   * refused (the connections were set to `error`), false for anything else (the caller just backs off).
   */
  async failed(group: AppGroup, error: unknown): Promise<boolean> {
    if (!(error instanceof AdapterError) || failureDecision(error.code) !== 'pause_connection') return false;
    const message = describeUpstreamFailure(error);
    const ids = group.connections.map((connection) => connection.id);
    if (this.refusedWith !== null && this.refusedWith !== message) {
      await this.store.clearRefused(ids, this.refusedWith);
    }
    this.refusedWith = message;
    await this.store.markRefused(ids, message);
    return true;
  }

  /** The platform accepted the app's credentials again: clears what the last refusal set. */
  async succeeded(group: AppGroup): Promise<void> {
    const message = this.refusedWith;
    if (message === null) return;
    await this.store.clearRefused(
      group.connections.map((connection) => connection.id),
      message,
    );
    this.refusedWith = null;
  }
}
