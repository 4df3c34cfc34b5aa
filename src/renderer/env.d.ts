/// <reference types="vite/client" />
import type { Api } from '../shared/api'

declare global {
  interface Window {
    /** The domain API the preload (or the e2e bridge) exposes. */
    readonly api: Api
  }
}

export {}
