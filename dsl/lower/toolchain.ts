// Where firtool is: $HASHI_FIRTOOL, else the pinned build that `hashi setup`
// (scripts/bootstrap.mjs) unpacks (see scripts/paths.mjs; version pinned in package.json).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { firtoolPath, isSourceCheckout, pinnedFirtoolVersion } from '../../scripts/paths.mjs';
import { ToolError } from '../errors.ts';

export { pinnedFirtoolVersion };

export interface Firtool {
  readonly path: string;
  readonly version: string;
}

let found: Firtool | undefined;

/** The firtool binary hashi runs and its version ($HASHI_FIRTOOL, else the pinned install). */
export function findFirtool(): Firtool {
  if (found) return found;
  const override = process.env.HASHI_FIRTOOL;
  const path = firtoolPath();
  if (!existsSync(path)) {
    throw new ToolError(
      'firtool',
      override ? `firtool not found at HASHI_FIRTOOL=${override}` : `firtool not found at ${path}`,
      override ? 'point HASHI_FIRTOOL at a firtool binary, or unset it to use the pinned one' : `run \`${isSourceCheckout ? 'npm run bootstrap' : 'npx hashi setup'}\` to fetch CIRCT firtool ${pinnedFirtoolVersion()}`,
    );
  }
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  const version = /CIRCT firtool-(\S+)/.exec(r.stdout ?? '')?.[1];
  if (r.status !== 0 || !version) {
    const why = r.error?.message ?? (r.stderr?.trim().split('\n')[0] || `it printed no CIRCT firtool version (exit ${r.status})`);
    throw new ToolError('firtool', `${path} does not run as firtool: ${why}`, override ? 'point HASHI_FIRTOOL at a firtool binary, or unset it to use the pinned one' : 'run `npm run bootstrap` again');
  }
  found = { path, version };
  return found;
}
