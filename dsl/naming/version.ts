// Bumped whenever the naming transform's output changes for the same input;
// part of every cache key, so stale cache entries are simply never read again.
export const NAMING_TRANSFORM_VERSION = 'naming-3';
