import { randomBytes } from 'node:crypto'
import { copyFile } from 'node:fs/promises'
import { expect } from 'vitest'
import { selectChecks } from '../../src/core/checks/registry'
import { createNetwork } from '../../src/core/net/network'
import {
  runAudit,
  type AuditOptions,
  type AuditResult,
} from '../../src/core/runner/run-checks'
import {
  secretEnvName,
  withEnvironmentSecrets,
} from '../../src/core/vault/vault'
import { loadWorkspace } from '../../src/core/workspace/load'
import { updateWorkspace } from '../../src/core/workspace/save'
import type { Finding } from '../../src/shared/finding'

/** The audit of a workspace file, with a way to pick one verdict. */
export interface Audited extends AuditResult {
  /** The one finding of `check` on `target`. */
  verdict(check: string, target: string): Finding
}

/**
 * The credentials the world's workspaces refer to, as the headless
 * environment variables a CI run would set.
 */
const secrets: NodeJS.ProcessEnv = {}
export function provideSecret(name: string, value: string): void {
  secrets[secretEnvName(name)] = value
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
    workspaceFile: path,
    net,
    checks: selectChecks(only).checks,
    vault: withEnvironmentSecrets(undefined, secrets),
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

/**
 * A copy of a workspace file, next to it, with some fields replaced —
 * for a test that needs the same site seen another way.
 */
export async function workspaceWith(
  file: string,
  changes: Readonly<Record<string, unknown>>,
): Promise<string> {
  const copy = file.replace(
    /(\.launchready)?\.(ya?ml|json)$/,
    `-${randomBytes(3).toString('hex')}$&`,
  )
  await copyFile(file, copy)
  await updateWorkspace(
    copy,
    Object.entries(changes).map(([key, value]) => ({ path: [key], value })),
  )
  return copy
}
