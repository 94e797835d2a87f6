import { defineConfig } from 'vitest/config';
import { hashiNaming } from './dsl/naming/vite-plugin.ts';

export default defineConfig({
  // Automatic naming: `const x = …` in files that import hashi names hardware `x`.
  plugins: [hashiNaming()],
  test: {
    include: ['test/**/*.test.ts'],
    // Circuit tests compile Verilator models on a cold cache; give them room.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: more workers only fight over the C++ compiler.
    maxWorkers: 2,
  },
});
