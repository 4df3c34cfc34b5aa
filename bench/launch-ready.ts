import { selectChecks } from '../src/core/checks/registry'
import { createNetwork, type Network } from '../src/core/net/network'
import type { TlsReport } from '../src/core/net/tls'
import { runAudit, type AuditResult } from '../src/core/runner/run-checks'
import { secretEnvName, withEnvironmentSecrets } from '../src/core/vault/vault'
import { loadWorkspace } from '../src/core/workspace/load'

/**
 * Our engine as the CLI runs it, for the bench and the testssl
 * comparison: a workspace file in, findings (and the time they took) out.
 */

/** One audit and its wall time. */
export interface TimedAudit {
  readonly result: AuditResult
  /** From loading the workspace to the last finding, in ms. */
  readonly ms: number
}

/** Secret values by name ("shop-api-token" → "Bearer …"). */
export type Secrets = Readonly<Record<string, string>>

/**
 * Audits a workspace file with the checks `only` names (all when
 * absent), on a fresh network: the resolver keeps its answers for its
 * life, so reusing one would time a warm cache, not an audit. `secrets`
 * answer the workspace's `secret:NAME` references the way the CLI's
 * LAUNCH_READY_SECRET_* variables do; without them the endpoints that
 * need a credential end as "could not decide".
 */
export async function auditFile(
  file: string,
  only?: readonly string[],
  secrets: Secrets = {},
): Promise<TimedAudit> {
  const started = performance.now()
  const { workspace, file: path } = await loadWorkspace(file)
  const { checks, unknown } = selectChecks(only)
  if (unknown.length > 0) throw new Error(`Unknown checks: ${unknown}`)
  const net = await createNetwork(workspace, path)
  const vault = withEnvironmentSecrets(undefined, environmentOf(secrets))
  const result = await runAudit({ workspace, net, checks, vault })
  return { result, ms: performance.now() - started }
}

/** `secrets` as the environment variables the vault reads headless. */
function environmentOf(secrets: Secrets): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(secrets).map(([name, value]) => [
      secretEnvName(name),
      value,
    ]),
  )
}

/** The network a workspace file describes. */
export async function networkOf(file: string): Promise<Network> {
  const { workspace, file: path } = await loadWorkspace(file)
  return createNetwork(workspace, path)
}

/**
 * One handshake with `host`, the way the tls.* checks make theirs
 * (tls-probe.ts): security level 0, so weak keys and SHA-1 still
 * complete and can be reported. An Error when there was no handshake.
 */
export async function inspectHost(
  net: Network,
  host: string,
): Promise<TlsReport | Error> {
  try {
    return await net.inspectTls({ host, ciphers: 'DEFAULT@SECLEVEL=0' })
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  }
}
