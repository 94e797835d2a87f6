// The source-map shape passed between the transform, its cache, esbuild and Vite.
export interface RawSourceMap {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

/** `//# sourceMappingURL=data:…` comment carrying `map` inline. */
export function inlineSourceMapComment(map: RawSourceMap): string {
  return `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}
