import { config } from 'zod'

// zod probes for eval with `new Function` to speed up parsing; the
// window's CSP forbids eval, and the refused probe is logged as a CSP
// violation. Parse without it. Imported first, before any schema runs.
config({ jitless: true })
