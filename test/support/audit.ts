import { expect } from 'vitest'
import { selectChecks } from '../../src/core/checks/registry'
import { createNetwork } from '../../src/core/net/network'
import {
  runAudit,
  type AuditOptions,
  type AuditResult,
} from '../../src/core/runner/run-checks'
import { loadWorkspace } from '../../src/core/workspace/load'
import type { Finding } from '../../src/shared/finding'

/** The audit of a workspace file, with a way to pick one verdict. */
export interface Audited extends AuditResult {
  /** The one finding of `check` on `target`. */
  verdict(check: string, target: string): Finding
}

/** Runs the named checks (all when none) on a workspace file. */
export async function audit(
  file: string,
  only?: readonly string[],
  options: Partial<AuditOptions> & { readonly netTimeoutMs?: number } = {},
): Promise<Audited> {
  const { workspace, file: path } = await loadWorkspace(file)
  const net = await createNetwork(workspace, path, {
    timeoutMs: options.netTimeoutMs,
  })
  const result = await runAudit({
    workspace,
    net,
    checks: selectChecks(only).checks,
    ...options,
  })
  return {
    ...result,
    verdict(check, target) {
      const found = result.findings.filter(
        (f) => f.check === check && f.target === target,
      )
      expect(found, `one ${check} finding on ${target}`).toHaveLength(1)
      return found[0]!
    },
  }
}
