import type { SourceLoc } from './locator.ts';
import { formatLoc } from './locator.ts';

/**
 * The one error family hashi throws for a user's mistake. The message names the
 * user's file:line, says what is wrong and how to fix it.
 */
export class HashiError extends Error {
  override readonly name = 'HashiError';
  constructor(
    readonly problem: string,
    readonly hint: string,
    readonly loc: SourceLoc | undefined,
    readonly code: string,
  ) {
    super(`${loc ? `${formatLoc(loc)}: ` : ''}${problem}\n  fix: ${hint}`);
  }
}
