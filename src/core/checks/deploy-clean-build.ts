import { checkInfo } from '../../shared/catalogue'
import type { Finding } from '../../shared/finding'
import { buildVariables, type BuildVariables } from '../deploy/build-plan'
import {
  cleanBuild,
  type BuildEvent,
  type BuildResult,
} from '../deploy/clean-build'
import type { EnvDocumentation } from '../env/analysis'
import { formatSeconds } from '../errors'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { envDocumentation, listSome, repoUnreadable } from './env-shared'

const info = checkInfo('deploy.clean-build')!

/** Clone and cleanup on top of the build's own limit. */
const MARGIN_MS = 60_000

/**
 * deploy.clean-build: the build command succeeds in a fresh clone of
 * HEAD with only the documented variables of the build environment, and
 * its log prints no secret. Target: the build environment's name. Runs
 * on demand: it takes minutes and keeps the CPU busy.
 */
export const deployCleanBuild: Check = {
  info,
  exclusive: true,
  timeoutMs: (workspace) =>
    (workspace.repo?.buildTimeoutSeconds ?? 900) * 1000 + MARGIN_MS,
  targets: (workspace) =>
    workspace.repo ? [workspace.repo.buildEnvironment] : [],
  async run(target, context): Promise<readonly Finding[]> {
    let docs: EnvDocumentation
    let vars: BuildVariables
    try {
      docs = await envDocumentation(context)
      vars = await buildVariables(context.workspace, docs)
    } catch (error) {
      return [repoUnreadable(info, target, error)]
    }
    const result = await cleanBuild({
      repoDir: docs.repoDir,
      command: docs.repo.buildCommand,
      variables: vars.values,
      timeoutMs: docs.repo.buildTimeoutSeconds * 1000,
      signal: context.signal,
      onEvent: reporter(context),
    })
    return [finding(info, target, judge(result, docs, vars.unset))]
  },
}

/** Log lines go to the progress display at most this often. */
const NOTE_INTERVAL_MS = 250

const PHASE_NOTES = {
  clone: 'cloning the repository',
  build: 'building',
  cleanup: 'removing the temporary folder',
} as const

/**
 * Forwards the build's phases, and its latest (masked) log line now and
 * then, to the progress display. The engine's log gets phases only: log
 * lines may hold secrets the masking missed.
 */
function reporter(context: CheckContext): (event: BuildEvent) => void {
  let last = 0
  return (event) => {
    if (event.type === 'phase') {
      context.log.debug(event.phase, { ms: event.ms })
      context.progress?.(PHASE_NOTES[event.phase])
    } else if (event.type === 'log' && event.line.trim()) {
      const now = performance.now()
      if (now - last < NOTE_INTERVAL_MS) return
      last = now
      context.progress?.(`building: ${event.line.trim().slice(0, 120)}`)
    }
  }
}

function judge(
  result: BuildResult,
  docs: EnvDocumentation,
  unset: readonly string[],
): Verdict {
  const command = docs.repo.buildCommand
  const evidence = {
    command,
    outcome: result.outcome,
    exitCode: result.exitCode,
    exitSignal: result.exitSignal,
    durationMs: result.durationMs,
    commit: result.commit ?? null,
    variables: result.variables,
    unsetVariables: unset,
    logLines: result.logLines,
    logTail: result.tail,
    logSecrets: result.secrets.map((s) => ({
      line: s.line,
      rule: s.rule,
      value: s.redacted,
      fingerprint: s.fingerprint,
    })),
  }
  const took = formatSeconds(result.durationMs)
  switch (result.outcome) {
    case 'clone-failed':
      return {
        status: 'error',
        severity: 'high',
        title: 'Could not clone the repository for a clean build',
        detail: `git clone failed: ${result.error}.`,
        evidence,
        fix: 'Check that repo.path is a git checkout with at least one commit.',
      }
    case 'cancelled':
      return {
        status: 'skip',
        severity: 'info',
        title: 'The clean build was cancelled',
        detail: `Stopped after ${took}; its temporary folder was removed.`,
        evidence,
      }
    case 'timed-out':
      return {
        status: 'fail',
        severity: 'high',
        title: `The clean build timed out after ${formatSeconds(docs.repo.buildTimeoutSeconds * 1000)}`,
        detail: `"${command}" was still running when its time limit ran out; it was stopped.`,
        evidence,
        fix: 'Find out why the build hangs (a prompt waiting for input, a watch mode), or raise repo.buildTimeoutSeconds.',
      }
    case 'failed':
      return {
        status: 'fail',
        severity: 'high',
        title: `The build fails from a clean clone (exit ${result.exitCode ?? result.exitSignal})`,
        detail:
          `"${command}" failed after ${took} in a fresh clone with only ` +
          `the documented variables.` +
          (docs.undocumented.length > 0
            ? ` The code also reads undocumented variables, which the build did not get: ${listSome(docs.undocumented.map((v) => v.name))}.`
            : '') +
          (unset.length > 0
            ? ` Documented but with no value for this environment: ${listSome(unset)}.`
            : ''),
        evidence,
        fix:
          'Read the end of the log below. A build that works on your ' +
          'machine but not here depends on a file that is not in git or ' +
          `a variable that is not in ${docs.repo.documentedFile}: commit ` +
          'the file, or document the variable and set it for the environment.',
      }
    case 'succeeded':
      return result.secrets.length > 0
        ? {
            status: 'fail',
            severity: 'blocker',
            title: `The build log prints ${result.secrets.length} secret(s)`,
            detail:
              `The build succeeded in ${took}, but its log shows what looks ` +
              `like ${listSome([...new Set(result.secrets.map((s) => s.rule))])} ` +
              `(log lines ${listSome(result.secrets.map((s) => String(s.line)))}). ` +
              'Build logs are kept by CI and hosting providers and read by many.',
            evidence,
            fix: 'Remove the line of the build that prints it (a debug print, "env", "set -x"), then rotate the key.',
          }
        : {
            status: 'pass',
            severity: 'info',
            title: `The build succeeds from a clean clone in ${took}`,
            detail: `"${command}" built commit ${result.commit?.slice(0, 12)} with ${result.variables.length} documented variable(s); its log shows no secrets.`,
            evidence,
          }
  }
}
