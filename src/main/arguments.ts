import { isAbsolute, resolve } from 'node:path'

const WORKSPACE_FILE = /\.(launchready\.)?(ya?ml|json)$/i

/**
 * The workspace file named on a command line (the app's own, or a second
 * instance's), resolved against that instance's working directory.
 * Flags, the executable and the app's script are skipped.
 */
export function workspaceArgument(
  argv: readonly string[],
  cwd: string,
): string | undefined {
  const candidate = [...argv]
    .reverse()
    .find((arg) => !arg.startsWith('-') && WORKSPACE_FILE.test(arg))
  if (!candidate) return undefined
  return isAbsolute(candidate) ? candidate : resolve(cwd, candidate)
}
