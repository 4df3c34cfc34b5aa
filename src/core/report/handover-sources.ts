import { basename } from 'node:path'
import type { LoadedWorkspace } from '../workspace/load'
import type { Resolver } from '../net/resolver'
import { auditView } from '../store/audit-view'
import type { RunRecord, Store } from '../store/store'
import { LaunchReadyError } from '../errors'
import { secretEnvName, type Vault } from '../vault/vault'
import { secretReferences } from '../workspace/secret-refs'
import { lookupDomainRecords, recordsFromFindings } from './domain-records'
import {
  buildHandover,
  handoverHtml,
  handoverMarkdown,
  type HandoverSources,
} from './handover'

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
  const secrets = await secretPlaces(
    options.vault,
    options.env ?? {},
    secretReferences(workspace).map((r) => r.name),
  )
  return {
    workspace,
    fileName: basename(file),
    ...(run ? { run } : {}),
    ...(records ? { records } : {}),
    storedSecrets: secrets.places,
    ...(secrets.problem ? { vaultProblem: secrets.problem } : {}),
    generatedAt: now,
    ...(options.userZone ? { userZone: options.userZone } : {}),
  }
}

/** The audit as the app shows it: the last full one, re-checks laid over. */
function latestRun(
  store: Pick<Store, 'lastRun' | 'partialRunsAfter'>,
  file: string,
): Pick<RunRecord, 'startedAt' | 'outcome' | 'findings'> | undefined {
  const view = auditView(store, file)
  if (!view) return undefined
  const { startedAt, outcome } = view.base
  return { startedAt, outcome, findings: view.findings }
}

/**
 * Where each secret is kept on this machine, by name: the vault's list
 * and, for the names the workspace uses, their environment variables.
 * A keychain that cannot be listed (a headless machine) is a note in
 * the pack, not a failure.
 */
async function secretPlaces(
  vault: Pick<Vault, 'list'> | undefined,
  env: NodeJS.ProcessEnv,
  referenced: readonly string[],
): Promise<{ places: Map<string, string>; problem?: string }> {
  const places = new Map<string, string>()
  const inEnv = (name: string) => env[secretEnvName(name)] !== undefined
  const envPlace = (name: string) =>
    `the environment variable ${secretEnvName(name)}`
  let listed: readonly string[] = []
  let problem: string | undefined
  try {
    listed = vault ? await vault.list() : []
  } catch (error) {
    if (!(error instanceof LaunchReadyError)) throw error
    problem = error.message
  }
  for (const name of listed) {
    places.set(
      name,
      inEnv(name) ? envPlace(name) : 'the keychain of this machine',
    )
  }
  for (const name of referenced) {
    if (inEnv(name)) places.set(name, envPlace(name))
  }
  return { places, ...(problem ? { problem } : {}) }
}

/** The pack written out, and whether it has audit results in it. */
export interface RenderedHandover {
  readonly text: string
  readonly hasResults: boolean
}

/**
 * Gathers, builds and writes the pack in one call: what the CLI prints
 * and what the app saves (its HTML is also what it prints to PDF).
 */
export async function renderHandover(
  options: CollectOptions & { readonly format: 'md' | 'html' },
): Promise<RenderedHandover> {
  const sources = await collectHandover(options)
  const doc = buildHandover(sources)
  return {
    text: options.format === 'html' ? handoverHtml(doc) : handoverMarkdown(doc),
    hasResults: sources.run !== undefined,
  }
}
