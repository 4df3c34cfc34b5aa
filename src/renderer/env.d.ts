/// <reference types="vite/client" />
import type { Api } from '../shared/api'

declare global {
  interface Window {
    /** The domain API the preload (or the e2e bridge) exposes. */
    readonly api: Api
    /** The path of a file dropped on the window (preload or e2e bridge). */
    readonly files?: { pathOf(file: File): string | Promise<string> }
  }
}

export {}
