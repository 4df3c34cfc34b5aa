import { checkInfo } from '../../shared/catalogue'
import type { Workspace } from '../../shared/workspace'
import { environmentGap, place, type EnvDocumentation } from '../env/analysis'
import { isProduction } from '../env/preview-hosts'
import { finding, type Check, type Verdict } from './check'
import { envDocumentation, listSome, repoUnreadable } from './env-shared'

const info = checkInfo('env.documented')!

/**
 * env.documented: every variable the code reads is listed in the
 * documented file (target: that file), and every documented or read
 * variable is set in each environment's env file (target: its name).
 */
export const envDocumented: Check = {
  info,
  targets: (workspace) =>
    workspace.repo
      ? [
          workspace.repo.documentedFile,
          ...workspace.environments.filter((e) => e.envFile).map((e) => e.name),
        ]
      : [],
  async run(target, context) {
    try {
      const docs = await envDocumentation(context)
      const verdict =
        target === docs.repo.documentedFile
          ? judgeDocumentation(docs)
          : await judgeEnvironment(docs, context.workspace, target)
      return [finding(info, target, verdict)]
    } catch (error) {
      return [repoUnreadable(info, target, error)]
    }
  },
}

function judgeDocumentation(docs: EnvDocumentation): Verdict {
  const file = docs.repo.documentedFile
  const evidence = {
    documentedFile: file,
    filesParsed: docs.scan.filesParsed,
    skipped: docs.scan.skipped,
    read: docs.read.length,
    undocumented: docs.undocumented.map((v) => ({
      name: v.name,
      readAt: v.reads.map(place),
    })),
  }
  const lines = docs.undocumented.map((v) => `  ${v.name}=`).join('\n')
  if (!docs.documented && docs.read.length > 0) {
    return {
      status: 'fail',
      severity: 'medium',
      title: `${file} does not exist`,
      detail:
        `The code reads ${docs.read.length} environment variable(s) ` +
        `(${listSome(docs.read.map((v) => v.name))}), but there is no ` +
        `${file} saying what each one is for.`,
      evidence,
      fix: `Create ${file} in the repository with every variable and a placeholder value:\n${lines}`,
    }
  }
  if (docs.undocumented.length > 0) {
    const where = docs.undocumented.map(
      (v) => `${v.name} (read at ${v.reads.map(place).join(', ')})`,
    )
    return {
      status: 'fail',
      severity: 'medium',
      title: `${docs.undocumented.length} variable(s) the code reads are not in ${file}`,
      detail: `Not documented: ${listSome(where)}. Whoever deploys next will not know to set them.`,
      evidence,
      fix: `Add them to ${file} with a placeholder value and a comment on what each is for:\n${lines}`,
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `Every variable the code reads is in ${file}`,
    detail: `${docs.read.length} variable(s) read in ${docs.scan.filesParsed} source file(s); all are documented.`,
    evidence,
  }
}

async function judgeEnvironment(
  docs: EnvDocumentation,
  workspace: Workspace,
  name: string,
): Promise<Verdict> {
  const environment = workspace.environments.find((e) => e.name === name)!
  const gap = await environmentGap(docs, environment)
  const severity = isProduction(environment) ? 'high' : 'medium'
  const evidence = {
    environment: name,
    envFile: gap.envFile ?? null,
    found: gap.found,
    required: docs.required,
    missing: gap.missing,
  }
  if (!gap.found) {
    return {
      status: 'fail',
      severity,
      title: `The env file of ${name} (${gap.envFile}) does not exist`,
      detail: `The workspace says ${name} takes its variables from ${gap.envFile}, but there is no such file in the repository folder.`,
      evidence,
      fix: `Create ${gap.envFile} with the values ${name} uses (keep it out of git), or correct envFile for ${name} in the workspace.`,
    }
  }
  if (gap.missing.length > 0) {
    return {
      status: 'fail',
      severity,
      title: `${name} does not set ${gap.missing.length} variable(s)`,
      detail: `${gap.envFile} leaves out, or leaves empty: ${listSome(gap.missing)}. The app reads or documents them, so ${name} will run without them.`,
      evidence,
      fix:
        `Set them in ${gap.envFile} and in the hosting provider's settings for ${name}:\n` +
        gap.missing.map((n) => `  ${n}=`).join('\n'),
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `${name} sets every documented variable`,
    detail: `${gap.envFile} sets all ${docs.required.length} variable(s) the code reads or documents.`,
    evidence,
  }
}
