// Records monitor samples into a store as fast as it can, printing each
// sample's time once its transaction has committed; the monitor store
// test kills it mid-way with SIGKILL.
import { Store } from '../../src/core/store/store'

const store = new Store(process.argv[2]!)
const start = Date.UTC(2026, 0, 1)
for (let i = 0; ; i++) {
  store.monitor.recordSample('/work/acme.launchready.yaml', {
    monitor: `uptime:${i % 3}`,
    at: start + i * 1000,
    ok: i % 7 !== 0,
    status: 200,
    durationMs: 20 + (i % 50),
  })
  process.stdout.write(`saved ${i}\n`)
}
