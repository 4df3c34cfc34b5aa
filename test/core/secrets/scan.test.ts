import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import {
  applyBaseline,
  scanHistory,
  scanStream,
  scanText,
  scanTree,
  unaccepted,
} from '../../../src/core/secrets'
import { workerScript } from '../../../src/core/secrets/tree'

// Built from parts so this file does not trip a scanner itself.
const GITHUB = ['ghp_', 'R8sW2nqEe7yD4mXvK1cTz9LfUaB3hJ5oPi6G'].join('')
const STRIPE = ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('')

const rules = (text: string, source = 'app.ts') =>
  scanText(text, source).findings.map((f) => f.rule)

let temp: string | undefined
afterEach(async () => {
  if (temp) await rm(temp, { recursive: true, force: true })
  temp = undefined
})
async function tempDir() {
  temp = await mkdtemp(join(tmpdir(), 'secrets-scan-'))
  return temp
}

describe('scanText', () => {
  it('reports where the secret is, redacted, with a stable fingerprint', () => {
    const text = `// config\nconst token = "${GITHUB}"\n`
    const [found] = scanText(text, 'src/app.ts').findings
    expect(found).toMatchObject({
      rule: 'github-pat',
      file: 'src/app.ts',
      line: 2,
      column: 16,
      redacted: 'ghp_…',
    })
    expect(JSON.stringify(found)).not.toContain(GITHUB.slice(4))
    // Same secret, same file, moved: same fingerprint; another file: not.
    const moved = scanText(`\n\n\nx = "${GITHUB}"`, 'src/app.ts')
    expect(moved.findings[0]!.fingerprint).toBe(found!.fingerprint)
    const other = scanText(text, 'src/other.ts')
    expect(other.findings[0]!.fingerprint).not.toBe(found!.fingerprint)
  })

  it.each([
    ['the launch-ready marker', `t = "${GITHUB}" // launch-ready:allow`],
    ['the gitleaks marker', `t = "${GITHUB}" # gitleaks:allow`],
    ['a rule allowlist (AWS example key)', 'aws = AKIAIOSFODNN7EXAMPLE'],
    ['low entropy', 'api_key = "aaaaaaaaaaaaaaaabbbb"'],
    ['a global allowlist regex', 'password = "${DB_PASSWORD}"'],
    ['a stopword of the generic rule', 'secret_name = "abstract-7Hq2Lz9Kp4"'],
  ])('leaves out %s', (_what, text) => {
    expect(rules(text)).toEqual([])
  })

  it('reports one finding per key when a specific and the generic rule agree', () => {
    expect(rules(`api_key = "${STRIPE}"`)).toEqual(['stripe-access-token'])
  })

  it('finds a secret deep inside a long line, at its real column', () => {
    const filler = 'x'.repeat(100_000)
    const text = `${filler} key ${GITHUB} ${filler}\n`
    const [found] = scanText(text, 'bundle.min.js').findings
    expect(found).toMatchObject({ rule: 'github-pat', line: 1 })
    expect(found!.column).toBe(100_006)
  })

  it('finds a secret that straddles the edge of a long-line window', () => {
    const at = 16 * 1024 - 10
    const text = 'y'.repeat(at) + ' ' + GITHUB + ' ' + 'y'.repeat(40_000)
    const found = scanText(text, 'x.js').findings
    expect(found.map((f) => [f.rule, f.column])).toEqual([
      ['github-pat', at + 2],
    ])
  })
})

describe('scanStream', () => {
  it('finds the same as scanText however the stream is cut', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) =>
      i % 500 === 7 ? `step ${i}: token=${GITHUB} ✓ ünïcode` : `step ${i} ✓ ok`,
    )
    const text = lines.join('\n') + '\n'
    const expected = scanText(text, 'build.log').findings
    expect(expected).toHaveLength(6)
    const bytes = Buffer.from(text)
    for (const size of [1, 7, 4096, 65_537]) {
      const chunks: Buffer[] = []
      for (let i = 0; i < bytes.length; i += size)
        chunks.push(bytes.subarray(i, i + size))
      const result = await scanStream(Readable.from(chunks), 'build.log')
      expect(result.findings, `chunks of ${size}`).toEqual(expected)
    }
  })
})

describe('scanTree', () => {
  it('honours .gitignore at every level and the rules’ path allowlist', async () => {
    const root = await tempDir()
    await mkdir(join(root, 'app/dist'), { recursive: true })
    await mkdir(join(root, 'node_modules/pkg'), { recursive: true })
    await writeFile(join(root, '.gitignore'), '*.local\n')
    await writeFile(join(root, 'app/.gitignore'), 'dist/\n')
    await writeFile(join(root, 'app/keep.ts'), `t = "${GITHUB}"\n`)
    await writeFile(join(root, 'app/secrets.local'), `t = "${GITHUB}"\n`)
    await writeFile(join(root, 'app/dist/bundle.js'), `t = "${GITHUB}"\n`)
    await writeFile(join(root, 'node_modules/pkg/i.js'), `t = "${GITHUB}"\n`)
    await writeFile(join(root, 'cert.p12'), Buffer.from([0x30, 0x82, 0, 1]))
    const result = await scanTree(root)
    expect(result.findings.map((f) => `${f.file} ${f.rule}`)).toEqual([
      'app/keep.ts github-pat',
      'cert.p12 pkcs12-file',
    ])
    expect(result.stats.ignored).toBe(3)
    expect(result.skipped).toEqual([
      expect.objectContaining({ file: 'cert.p12', reason: 'binary' }),
    ])
  })
})

describe('scanTree on worker threads', () => {
  it('finds and skips the same as on one thread', async () => {
    const root = await tempDir()
    for (let i = 0; i < 60; i++) {
      await writeFile(
        join(root, `f${i}.ts`),
        i % 7 === 0 ? `t = "${GITHUB}"\n` : `export const n = ${i}\n`,
      )
    }
    await writeFile(join(root, 'blob.env'), Buffer.from([0, 1, 2]))
    // Under tests the TypeScript worker runs through tsx.
    expect(workerScript()?.file).toMatch(/tree-worker\.ts$/)
    const one = await scanTree(root, { workers: 1 })
    const two = await scanTree(root, { workers: 2 })
    expect(one.findings).toHaveLength(9)
    expect(two.findings).toEqual(one.findings)
    expect(two.skipped).toEqual(one.skipped)
    expect(two.stats.bytes).toBe(one.stats.bytes)
  })
})

describe('scanHistory', () => {
  it('finds a secret that was committed and later removed', async () => {
    const root = await tempDir()
    const git = (...args: string[]) =>
      execFileSync(
        'git',
        ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args],
        {
          cwd: root,
          encoding: 'utf8',
        },
      )
    git('init', '-q')
    await writeFile(join(root, 'a.ts'), `one\ntwo\nconst t = "${GITHUB}"\n`)
    await writeFile(join(root, 'café.ts'), `const t = "${GITHUB}"\n`)
    git('add', '.')
    git('commit', '-qm', 'add')
    const added = git('rev-parse', 'HEAD').trim()
    await writeFile(join(root, 'a.ts'), 'one\ntwo\n')
    await rm(join(root, 'café.ts'))
    git('commit', '-qam', 'remove')
    expect((await scanTree(root)).findings).toEqual([])
    const history = await scanHistory(root)
    expect(history.findings).toEqual([
      expect.objectContaining({
        rule: 'github-pat',
        file: 'a.ts',
        line: 3,
        commit: added,
        redacted: 'ghp_…',
      }),
      expect.objectContaining({ file: 'café.ts', line: 1, commit: added }),
    ])
    expect(history.stats.files).toBe(2)
  })
})

describe('the baseline', () => {
  it('accepts findings by fingerprint, with the reason', () => {
    const result = scanText(`a = "${GITHUB}"\nb = "${STRIPE}"\n`, 'x.ts')
    const [first] = result.findings
    const marked = applyBaseline(result, {
      version: 1,
      accepted: [{ fingerprint: first!.fingerprint, reason: 'revoked' }],
    })
    expect(marked.findings[0]!.accepted).toBe('revoked')
    expect(unaccepted(marked).map((f) => f.rule)).toEqual([
      'stripe-access-token',
    ])
  })
})
