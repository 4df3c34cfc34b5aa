// Saves audit runs into a store as fast as it can, printing each run's
// id once its transaction has committed; the store test kills it mid-way.
import { Store } from '../../src/core/store/store'
import { sampleRun } from './sample-run'

const store = new Store(process.argv[2]!)
for (let i = 0; ; i++) {
  const id = store.saveRun('/work/acme.launchready.yaml', sampleRun(i, 500))
  process.stdout.write(`saved ${id}\n`)
}
