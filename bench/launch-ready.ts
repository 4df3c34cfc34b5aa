import { selectChecks } from '../src/core/checks/registry'
import { createNetwork, type Network } from '../src/core/net/network'
import type { TlsReport } from '../src/core/net/tls'
import { runAudit, type AuditResult } from '../src/core/runner/run-checks'
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

/**
 * Audits a workspace file with the checks `only` names (all when
 * absent), on a fresh network: the resolver keeps its answers for its
 * life, so reusing one would time a warm cache, not an audit.
 */
export async function auditFile(
  file: string,
  only?: readonly string[],
): Promise<TimedAudit> {
  const started = performance.now()
  const { workspace, file: path } = await loadWorkspace(file)
  const { checks, unknown } = selectChecks(only)
  if (unknown.length > 0) throw new Error(`Unknown checks: ${unknown}`)
  const net = await createNetwork(workspace, path)
  const result = await runAudit({ workspace, net, checks })
  return { result, ms: performance.now() - started }
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
