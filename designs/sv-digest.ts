// A digest of emitted SystemVerilog: to show which part of a chip a change
// touches (HaShiFlex's new classifier leaves the hardened extractor's SV
// byte-identical; HaShiFix's changes its own).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface SvDigest {
  /** sha256 over the picked files' names and bytes, in name order. */
  readonly sha256: string;
  readonly files: number;
  readonly bytes: number;
}

/** Digest of the SV files whose base name `pick` accepts (default: all). */
export function svDigest(svFiles: readonly string[], pick: (name: string) => boolean = () => true): SvDigest {
  const chosen = svFiles.filter((f) => pick(basename(f))).sort((a, b) => (basename(a) < basename(b) ? -1 : 1));
  const h = createHash('sha256');
  let bytes = 0;
  for (const f of chosen) {
    const data = readFileSync(f);
    h.update(`${basename(f)}\0${data.length}\0`);
    h.update(data);
    bytes += data.length;
  }
  return { sha256: h.digest('hex'), files: chosen.length, bytes };
}

/** A picker for the files of a sub-design emitted on its own (the same module names). */
export function sameModulesAs(svFiles: readonly string[]): (name: string) => boolean {
  const names = new Set(svFiles.map((f) => basename(f)));
  return (name) => names.has(name);
}
