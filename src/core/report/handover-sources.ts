import { basename } from 'node:path'
import type { Finding } from '../../shared/finding'
import type { LoadedWorkspace } from '../workspace/load'
import type { Resolver } from '../net/resolver'
import type { RunRecord, Store } from '../store/store'
import { secretEnvName, type Vault } from '../vault/vault'
import { lookupDomainRecords, recordsFromFindings } from './domain-records'
import type { HandoverSources } from './handover'

export interface CollectOptions {
  readonly loaded: Pick<LoadedWorkspace, 'file' | 'workspace'>
  /** The audit history; without it the pack has no results. */
  readonly store?: Pick<Store, 'lastRun' | 'partialRunsAfter'>
  /** Listed by name only, never read. */
  readonly vault?: Pick<Vault, 'list'>
  /** Where headless secrets come from (`LAUNCH_READY_SECRET_<NAME>`). */
  readonly env?: NodeJS.ProcessEnv
  /** Asks DNS for the records as they are now; else the audit's are used. */
  readonly resolver?: Resolver
  readonly now?: Date
  readonly userZone?: string
}

/**
 * Gathers what the handover pack shows: the latest stored audit (with
 * any later re-checks laid over it), the domain's records, and the names
 * of the secrets this machine holds with where each is kept. Nothing
 * here reads a secret's value.
 */
export async function collectHandover(
  options: CollectOptions,
): Promise<HandoverSources> {
  const now = options.now ?? new Date()
  const { workspace, file } = options.loaded
  const run = options.store && latestRun(options.store, file)
  const records = options.resolver
    ? await lookupDomainRecords(workspace, options.resolver, now)
    : run && recordsFromFindings(run.findings, run.startedAt)
  return {
    workspace,
    fileName: basename(file),
    ...(run ? { run } : {}),
    ...(records ? { records } : {}),
    storedSecrets: await secretPlaces(options.vault, options.env ?? {}),
    generatedAt: now,
    ...(options.userZone ? { userZone: options.userZone } : {}),
  }
}

/** The last full audit with the partial runs since laid over it. */
function latestRun(
  store: Pick<Store, 'lastRun' | 'partialRunsAfter'>,
  file: string,
): Pick<RunRecord, 'startedAt' | 'outcome' | 'findings'> | undefined {
  const full = store.lastRun(file)
  const partials = store.partialRunsAfter(file, full?.id ?? 0)
  const base = full ?? partials[0]
  if (!base) return undefined
  let findings: readonly Finding[] = full?.findings ?? []
  for (const run of partials) {
    const replaced = new Set(run.checks)
    findings = [
      ...findings.filter((f) => !replaced.has(f.check)),
      ...run.findings,
    ]
  }
  return { startedAt: base.startedAt, outcome: base.outcome, findings }
}

async function secretPlaces(
  vault: Pick<Vault, 'list'> | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Map<string, string>> {
  const places = new Map<string, string>()
  for (const name of vault ? await vault.list() : []) {
    const variable = secretEnvName(name)
    places.set(
      name,
      env[variable] !== undefined
        ? `the environment variable ${variable}`
        : 'the keychain of this machine',
    )
  }
  return places
}
