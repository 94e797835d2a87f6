import { hashiNaming } from 'hashi/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Automatic naming: `const x = ...` in files that import hashi names the hardware `x`.
  plugins: [hashiNaming()],
  test: {
    include: ['test/**/*.test.ts'],
    // The first run compiles Verilator's runtime and the model (minutes on a busy
    // machine); later runs load them from the cache in well under a second.
    testTimeout: 600_000,
  },
});
