// Where firtool is: $HASHI_FIRTOOL, else the pinned build that `hashi setup`
// (scripts/bootstrap.mjs) unpacks (see scripts/paths.mjs; version pinned in package.json).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { firtoolPath, isSourceCheckout, pinnedFirtoolVersion } from '../../scripts/paths.mjs';

export { pinnedFirtoolVersion };

export interface Firtool {
  readonly path: string;
  readonly version: string;
}

let found: Firtool | undefined;

export function findFirtool(): Firtool {
  if (found) return found;
  const override = process.env.HASHI_FIRTOOL;
  const path = firtoolPath();
  if (!existsSync(path)) {
    throw new Error(
      override
        ? `firtool not found at HASHI_FIRTOOL=${override}; point it at a firtool binary or unset it`
        : `firtool not found at ${path}; run \`${isSourceCheckout ? 'npm run bootstrap' : 'npx hashi setup'}\` to fetch CIRCT firtool ${pinnedFirtoolVersion()}`,
    );
  }
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  const version = /CIRCT firtool-(\S+)/.exec(r.stdout ?? '')?.[1];
  if (r.status !== 0 || !version) throw new Error(`${path} --version failed: ${r.stderr || r.error?.message}`);
  found = { path, version };
  return found;
}
