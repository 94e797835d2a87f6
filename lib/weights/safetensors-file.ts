/** safetensors files on disk (Node): read / write whole files through readSafetensors / writeSafetensors. */
import { readFileSync, writeFileSync } from 'node:fs';
import { readSafetensors, type SafetensorsContents } from './safetensors-read.ts';
import { writeSafetensors } from './safetensors-write.ts';
import type { TensorInput } from './tensor.ts';

export function readSafetensorsFile(path: string): SafetensorsContents {
  return readSafetensors(readFileSync(path));
}

export function writeSafetensorsFile(
  path: string,
  tensors: ReadonlyMap<string, TensorInput> | Readonly<Record<string, TensorInput>>,
  metadata?: Readonly<Record<string, string>>,
): void {
  writeFileSync(path, writeSafetensors(tensors, metadata));
}
