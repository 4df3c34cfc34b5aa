import { parentPort, workerData } from 'node:worker_threads'
import type { SourceOptions } from './scan'
import { scanFilesSync } from './tree'

/**
 * A worker thread of scanTree: scans its share of the files and posts
 * back the findings, the skipped files and the bytes read.
 */
const { root, files, options } = workerData as {
  root: string
  files: string[]
  options: SourceOptions
}
parentPort!.postMessage(scanFilesSync({ root, options, skipped: [] }, files))
