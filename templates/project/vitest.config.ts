import { hashiNaming } from 'hashi/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Automatic naming: `const x = ...` in files that import hashi names the hardware `x`.
  plugins: [hashiNaming()],
  test: {
    include: ['test/**/*.test.ts'],
    // A cold Verilator build takes a while; later runs load models from the cache.
    testTimeout: 120_000,
  },
});
