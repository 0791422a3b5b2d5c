import type { ActionOutcome, NormalizedCase } from '../contract';

/**
 * The case read again after a decision the platform accepted. The decision is made upstream, so a failed read
 * must not fail the action (a retry would be refused as a second decision): the case is left for the next pull
 * or message, and the error goes back to the hub, which logs it with the action.
 */
export async function rereadAfterAction(
  read: () => Promise<NormalizedCase>,
): Promise<Pick<ActionOutcome, 'updatedCase' | 'rereadError'>> {
  try {
    return { updatedCase: await read() };
  } catch (error) {
    return { updatedCase: null, rereadError: error instanceof Error ? error.message : String(error) };
  }
}
