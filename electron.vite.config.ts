import { cpSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import react from '@vitejs/plugin-react'

// One build for the three Electron processes. The CLI is a second entry of
// the main build: it shares src/core and runs in plain Node.
export default defineConfig({
  main: {
    plugins: [copySecretRules()],
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/cli/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve('src/preload/index.ts') } },
    },
  },
  renderer: {
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
})

/**
 * The secret scanner reads its rule set (gitleaks.toml and its licence)
 * from a `rules` folder beside the bundle, as shipped.
 */
function copySecretRules(): Plugin {
  return {
    name: 'copy-secret-rules',
    closeBundle() {
      cpSync(resolve('src/core/secrets/rules'), resolve('out/main/rules'), {
        recursive: true,
      })
    },
  }
}
