// Where firtool is: $HASHI_FIRTOOL, else the pinned build that
// `scripts/bootstrap.mjs` unpacks into tools/ (version pinned in package.json).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function pinnedFirtoolVersion(): string {
  const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { hashi: { firtoolVersion: string } };
  return pkg.hashi.firtoolVersion;
}

export interface Firtool {
  readonly path: string;
  readonly version: string;
}

let found: Firtool | undefined;

export function findFirtool(): Firtool {
  if (found) return found;
  const override = process.env.HASHI_FIRTOOL;
  const path = override || join(projectDir, 'tools', `firtool-${pinnedFirtoolVersion()}`, 'firtool');
  if (!existsSync(path)) {
    throw new Error(
      override
        ? `firtool not found at HASHI_FIRTOOL=${override}; point it at a firtool binary or unset it`
        : `firtool not found at ${path}; run \`npm run bootstrap\` to fetch CIRCT firtool ${pinnedFirtoolVersion()}`,
    );
  }
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  const version = /CIRCT firtool-(\S+)/.exec(r.stdout ?? '')?.[1];
  if (r.status !== 0 || !version) throw new Error(`${path} --version failed: ${r.stderr || r.error?.message}`);
  found = { path, version };
  return found;
}
