import { secretRefName, type Workspace } from '../../shared/workspace'
import { secretEnvName, type Vault } from '../vault/vault'
import { formatPath } from './load'

/** One `secret:NAME` a workspace refers to, and every field that does. */
export interface SecretReference {
  readonly name: string
  /** Field paths such as `email.smtp.password`, in file order. */
  readonly usedIn: readonly string[]
}

/** A secret the open workspace needs, and whether the vault holds it. */
export interface NeededSecret extends SecretReference {
  readonly stored: boolean
}

/**
 * Every `secret:NAME` reference in a workspace with the fields that hold
 * it, sorted by name. Names only: a workspace never holds a value.
 */
export function secretReferences(
  workspace: Workspace,
): readonly SecretReference[] {
  const found = new Map<string, string[]>()
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === 'string') {
      const name = secretRefName(value)
      if (!name) return
      const usedIn = found.get(name) ?? []
      usedIn.push(formatPath(path))
      found.set(name, usedIn)
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i]))
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) visit(v, [...path, key])
    }
  }
  visit(workspace, [])
  return [...found.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, usedIn]) => ({ name, usedIn }))
}

/**
 * The secrets a workspace needs before its audit can run, each with the
 * fields that use it and whether the vault already has it — what the
 * app asks for when a handed-over workspace is opened. Only the vault's
 * list of names is read, never a value. A name set headless through
 * `LAUNCH_READY_SECRET_<NAME>` counts too; that variable name cannot
 * tell "smtp.password" from "smtp-password", so neither can this.
 */
export async function secretsNeeded(
  workspace: Workspace,
  vault: Pick<Vault, 'list'>,
): Promise<readonly NeededSecret[]> {
  const listed = new Set((await vault.list()).map(secretEnvName))
  return secretReferences(workspace).map((ref) => ({
    ...ref,
    stored: listed.has(secretEnvName(ref.name)),
  }))
}
