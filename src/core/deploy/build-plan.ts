import { join } from 'node:path'
import type { Workspace } from '../../shared/workspace'
import type { EnvDocumentation } from '../env/analysis'
import { readDotenv } from '../env/dotenv-file'

/** The variables a clean build gets, and the documented ones it lacks. */
export interface BuildVariables {
  readonly environment: string
  /** Where the values came from, as written in the workspace. */
  readonly envFile?: string
  readonly values: Readonly<Record<string, string>>
  /** Documented, but with no value for the environment. */
  readonly unset: readonly string[]
}

/**
 * The documented variables of the build's environment, with the values
 * its env file gives them. Only documented names pass: a build that needs
 * anything else fails here as it would on a fresh machine.
 */
export async function buildVariables(
  workspace: Workspace,
  docs: EnvDocumentation,
): Promise<BuildVariables> {
  const name = docs.repo.buildEnvironment
  const environment = workspace.environments.find((e) => e.name === name)
  const file = environment?.envFile
    ? await readDotenv(join(docs.repoDir, environment.envFile))
    : undefined
  const values: Record<string, string> = {}
  const unset: string[] = []
  for (const variable of docs.documented?.entries.keys() ?? []) {
    const value = file?.entries.get(variable)?.value
    if (value) values[variable] = value
    else unset.push(variable)
  }
  return { environment: name, envFile: environment?.envFile, values, unset }
}
