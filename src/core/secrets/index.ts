/**
 * The secret scanner: gitleaks' default rules over a working tree, its
 * git history, a build log or any text. Findings carry a redacted value
 * and a fingerprint, never the secret.
 *
 *   scanText(text, source)        a string already in memory
 *   scanStream(readable, source)  a build log as it is written
 *   scanLogFile(path)             a log on disk, streamed
 *   scanTree(root, options)       a checkout, .gitignore honoured
 *   scanHistory(root, options)    every commit's added lines, streamed
 */
export { scanLogFile, scanStream, scanText, type SourceOptions } from './scan'
export { scanTree, type TreeOptions } from './tree'
export { scanHistory, type HistoryOptions } from './history'
export { secretsSarif } from './sarif'
export {
  acceptFinding,
  applyBaseline,
  readBaseline,
  unaccepted,
  type Baseline,
} from './baseline'
export { defaultRules, loadRules, type RuleSet } from './rules'
export type {
  ScanOptions,
  ScanResult,
  SecretFinding,
  Skipped,
  SkipReason,
} from './types'
