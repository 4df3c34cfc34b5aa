import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  cleanBuild,
  cleanBuildEvents,
  type BuildEvent,
  type CleanBuildOptions,
} from '../../../src/core/deploy/clean-build'
import { selectChecks } from '../../../src/core/checks/registry'
import { audit } from '../../support/audit'
import {
  createRepo,
  repoWorkspace,
  type TestRepo,
} from '../../support/git-repo'

// Assembled so no scanner mistakes this file for a leak.
const LIVE = 'sk_' + 'live_' + '51Hx9aQ2bC3dE4fG5hI6jK7l'
const node = JSON.stringify(process.execPath)

let repo: TestRepo | undefined
afterEach(async () => {
  await repo?.remove()
  repo = undefined
})

/** A committed repository whose build is `node build.js`. */
async function buildRepo(
  script: string,
  extra: Record<string, string> = {},
): Promise<TestRepo> {
  repo = await createRepo({ 'build.js': script, ...extra })
  repo.commit()
  return repo
}

function options(
  dir: string,
  more: Partial<CleanBuildOptions> = {},
): CleanBuildOptions {
  return {
    repoDir: dir,
    command: `${node} build.js`,
    variables: {},
    timeoutMs: 30_000,
    ...more,
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('cleanBuild', () => {
  it('builds HEAD with only the documented variables and the basics, then removes its folder', async () => {
    const r = await buildRepo(
      [
        "const fs = require('node:fs')",
        "console.log('building for', process.env.SHOP_NAME)",
        "console.log('env', JSON.stringify(Object.keys(process.env).sort()))",
        "console.log('committed only:', fs.existsSync('not-committed.txt'))",
      ].join('\n'),
    )
    await r.write({ 'not-committed.txt': 'only on this laptop' })
    const events: BuildEvent[] = []
    const result = await cleanBuild(
      options(r.dir, {
        variables: { SHOP_NAME: 'Shop' },
        baseEnv: { PATH: process.env['PATH'], HOME: '/tmp', LEAKY: 'x' },
        onEvent: (e) => events.push(e),
      }),
    )
    expect(result).toMatchObject({
      outcome: 'succeeded',
      exitCode: 0,
      variables: ['SHOP_NAME'],
      secrets: [],
      commit: r.git('rev-parse', 'HEAD').trim(),
    })
    expect(result.durationMs).toBeGreaterThan(0)
    expect(result.tail).toContain('building for Shop')
    expect(result.tail).toContain('committed only: false')
    const env = result.tail.find((l) => l.startsWith('env '))!
    // Less whatever the shell sets for itself (PWD, SHLVL, _).
    const names = (JSON.parse(env.slice(4)) as string[]).filter(
      (n) => !['PWD', 'OLDPWD', 'SHLVL', '_'].includes(n),
    )
    expect(names).toEqual(['CI', 'HOME', 'PATH', 'SHOP_NAME'])
    expect(existsSync(result.folder)).toBe(false)
    expect(
      events.map((e) =>
        e.type === 'log' ? 'log' : e.type === 'phase' ? e.phase : e.type,
      ),
    ).toEqual(['clone', 'build', 'log', 'log', 'log', 'cleanup', 'finished'])
  })

  it('reports a failing build with its exit code and the end of its log', async () => {
    const r = await buildRepo(
      "console.error('Error: cannot find module ./config'); process.exit(3)",
    )
    const result = await cleanBuild(options(r.dir))
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 3 })
    expect(result.tail).toEqual(['Error: cannot find module ./config'])
    expect(existsSync(result.folder)).toBe(false)
  })

  it('stops a build that runs past its time limit', async () => {
    const r = await buildRepo('setInterval(() => {}, 1000)')
    const result = await cleanBuild(options(r.dir, { timeoutMs: 1000 }))
    expect(result.outcome).toBe('timed-out')
    expect(result.exitSignal).toBe('SIGTERM')
    expect(existsSync(result.folder)).toBe(false)
  })

  it('on cancel kills the whole process group and removes the folder', async () => {
    // The build starts a child of its own, as npm or a bundler would.
    const r = await buildRepo(
      [
        "const { spawn } = require('node:child_process')",
        "const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })",
        "console.log('pids', process.pid, child.pid)",
        'setInterval(() => {}, 1000)',
      ].join('\n'),
    )
    const cancel = new AbortController()
    const pids: number[] = []
    const result = await cleanBuild(
      options(r.dir, {
        signal: cancel.signal,
        onEvent: (e) => {
          if (e.type === 'log' && e.line.startsWith('pids ')) {
            pids.push(...e.line.split(' ').slice(1).map(Number))
            cancel.abort()
          }
        },
      }),
    )
    expect(result.outcome).toBe('cancelled')
    expect(pids).toHaveLength(2)
    expect(existsSync(result.folder)).toBe(false)
    await expect.poll(() => pids.filter(alive), { timeout: 5000 }).toEqual([])
  })

  it('does not start when cancelled before the clone', async () => {
    const r = await buildRepo("console.log('never')")
    const result = await cleanBuild(
      options(r.dir, { signal: AbortSignal.abort() }),
    )
    expect(result).toMatchObject({ outcome: 'cancelled', logLines: 0 })
    expect(existsSync(result.folder)).toBe(false)
  })

  it('finds a secret the build prints, and never shows or returns it', async () => {
    const r = await buildRepo(
      `console.log('config', { stripe: '${LIVE}' })\nconsole.log('done')`,
    )
    const shown: string[] = []
    const result = await cleanBuild(
      options(r.dir, {
        onEvent: (e) => e.type === 'log' && shown.push(e.line),
      }),
    )
    expect(result.outcome).toBe('succeeded')
    expect(result.secrets).toEqual([
      expect.objectContaining({
        source: 'build log',
        line: 1,
        rule: 'stripe-access-token',
      }),
    ])
    expect(shown).toEqual([
      "config { stripe: '[hidden: stripe-access-token]",
      'done',
    ])
    expect(JSON.stringify({ result, shown })).not.toContain(LIVE)
  })

  it('keeps only the tail of a long log, and counts every line', async () => {
    const r = await buildRepo(
      "for (let i = 1; i <= 20000; i++) console.log('line ' + i)",
    )
    const result = await cleanBuild(options(r.dir))
    expect(result.logLines).toBe(20000)
    expect(result.tail).toHaveLength(30)
    expect(result.tail.at(-1)).toBe('line 20000')
  })

  it('reports a build command that does not exist', async () => {
    const r = await buildRepo('')
    const result = await cleanBuild(
      options(r.dir, { command: 'no-such-build-tool --prod' }),
    )
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 127 })
    expect(result.tail.join('\n')).toMatch(/not found/)
  })

  it('hides a secret only the gitleaks rules know before showing the line', async () => {
    const npm = 'npm_' + 'a8Kq2Zr7Xw4Lp9Vt3Ny6Bc1Dm5Fh0Gj2Ks7'
    const r = await buildRepo(
      `console.log('npm notice //registry.npmjs.org/:_authToken=${npm} ok')`,
    )
    const shown: string[] = []
    const result = await cleanBuild(
      options(r.dir, {
        onEvent: (e) => e.type === 'log' && shown.push(e.line),
      }),
    )
    expect(shown).toHaveLength(1)
    expect(shown[0]).toMatch(
      /^npm notice \/\/registry\.npmjs\.org\/:_authToken=\[hidden: [a-z-]+\]$/,
    )
    expect(result.secrets).toHaveLength(1)
    expect(JSON.stringify(result)).not.toContain(npm)
  })

  it('reports a repository it cannot clone', async () => {
    repo = await createRepo()
    // No commit: there is no HEAD to clone.
    const result = await cleanBuild(options(join(repo.dir, 'nope')))
    expect(result.outcome).toBe('clone-failed')
    expect(result.error).toMatch(/git clone/)
    expect(existsSync(result.folder)).toBe(false)
  })
})

describe('cleanBuildEvents', () => {
  it('yields the same events as an async iterator, ending with the result', async () => {
    const r = await buildRepo("console.log('one'); console.log('two')")
    const seen: string[] = []
    for await (const event of cleanBuildEvents(options(r.dir))) {
      seen.push(
        event.type === 'log'
          ? `${event.stream}:${event.line}`
          : event.type === 'phase'
            ? event.phase
            : event.result.outcome,
      )
    }
    expect(seen).toEqual([
      'clone',
      'build',
      'stdout:one',
      'stdout:two',
      'cleanup',
      'succeeded',
    ])
  })

  it('cancels the build when the caller stops listening', async () => {
    const r = await buildRepo(
      "console.log('started'); setInterval(() => {}, 1000)",
    )
    const tempRoot = await mkdtemp(join(tmpdir(), 'lr-root-'))
    try {
      const started = performance.now()
      for await (const event of cleanBuildEvents(
        options(r.dir, { tempRoot }),
      )) {
        if (event.type === 'log') break
      }
      // Breaking out returns once the build is stopped and cleaned up.
      expect(await readdir(tempRoot)).toEqual([])
      expect(performance.now() - started).toBeLessThan(10_000)
    } finally {
      await rm(tempRoot, { recursive: true, force: true })
    }
  })
})

describe('deploy.clean-build', () => {
  const workspace = (r: TestRepo) =>
    repoWorkspace(r, {
      repo: { buildCommand: `${node} build.js`, buildTimeoutSeconds: 60 },
      environments: [{ name: 'production', envFile: '.env.production' }],
    })

  it('passes a build that needs only documented variables, with their production values', async () => {
    const r = await buildRepo(
      [
        "if (process.env.SHOP_NAME !== 'Shop') process.exit(1)",
        "require('node:fs').writeFileSync('built.txt', 'ok')",
      ].join('\n'),
      {
        '.env.example': 'SHOP_NAME=your-shop\n',
        '.gitignore': '.env.production\n',
      },
    )
    r.commit()
    await r.write({ '.env.production': 'SHOP_NAME=Shop\n' })
    const result = await audit(await workspace(r), ['deploy.clean-build'])
    const f = result.verdict('deploy.clean-build', 'production')
    expect(f).toMatchObject({ status: 'pass', stage: 3 })
    expect(f.evidence).toMatchObject({ variables: ['SHOP_NAME'], exitCode: 0 })
    expect(existsSync(join(r.dir, 'built.txt'))).toBe(false)
  })

  it('fails a build that needs an undocumented variable, naming it', async () => {
    const r = await buildRepo(
      [
        'const token = process.env.CMS_TOKEN',
        "if (!token) { console.error('CMS_TOKEN is not set'); process.exit(1) }",
      ].join('\n'),
      { '.env.example': 'SHOP_NAME=your-shop\n' },
    )
    r.commit()
    await r.write({ '.env.production': 'SHOP_NAME=Shop\nCMS_TOKEN=abc\n' })
    // The variable is in this very process too; the build must not see it.
    process.env['CMS_TOKEN'] = 'from-the-laptop'
    try {
      const result = await audit(await workspace(r), ['deploy.clean-build'])
      const f = result.verdict('deploy.clean-build', 'production')
      expect(f).toMatchObject({ status: 'fail', severity: 'high' })
      expect(f.detail).toMatch(/undocumented variables.*CMS_TOKEN/)
      expect(f.evidence['logTail']).toEqual(['CMS_TOKEN is not set'])
    } finally {
      delete process.env['CMS_TOKEN']
    }
  })

  it('fails as a blocker when the log prints a secret, showing it redacted', async () => {
    const r = await buildRepo(`console.log('STRIPE_SECRET_KEY=${LIVE}')`, {
      '.env.example': 'SHOP_NAME=\n',
    })
    r.commit()
    const result = await audit(await workspace(r), ['deploy.clean-build'])
    const f = result.verdict('deploy.clean-build', 'production')
    expect(f).toMatchObject({ status: 'fail', severity: 'blocker' })
    expect(f.evidence['logSecrets']).toEqual([
      expect.objectContaining({ line: 1, rule: 'stripe-access-token' }),
    ])
    expect(JSON.stringify(f)).not.toContain(LIVE)
    expect(await readFile(join(r.dir, 'build.js'), 'utf8')).toContain(LIVE)
  })

  it("reports its phases and log lines to the audit's progress", async () => {
    const r = await buildRepo(`console.log('compiled ${LIVE}')`)
    const notes: string[] = []
    await audit(await workspace(r), ['deploy.clean-build'], {
      onProgress: (e) => {
        if (e.type === 'check-progress') notes.push(`${e.target}: ${e.note}`)
      },
    })
    expect(notes).toEqual([
      'production: cloning the repository',
      'production: building',
      'production: building: compiled [hidden: stripe-access-token]',
      'production: removing the temporary folder',
    ])
  })

  it("outlasts the audit's own deadline, up to its time limit", async () => {
    const r = await buildRepo('setTimeout(() => {}, 1500)')
    const result = await audit(await workspace(r), ['deploy.clean-build'], {
      deadlineMs: 200,
      checkTimeoutMs: 200,
    })
    expect(result.outcome).toBe('completed')
    expect(result.verdict('deploy.clean-build', 'production').status).toBe(
      'pass',
    )
  })

  it('runs only when asked for by name', () => {
    const ids = (only?: string[]) =>
      selectChecks(only).checks.map((c) => c.info.id)
    expect(ids()).not.toContain('deploy.clean-build')
    expect(ids(['deploy.'])).toEqual(['deploy.rollback', 'deploy.migrations'])
    expect(ids(['deploy.clean-build'])).toEqual(['deploy.clean-build'])
  })
})
