import { symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { findEnvReads, scanSource } from '../../../src/core/env/source-reads'
import { createRepo, type TestRepo } from '../../support/git-repo'

const names = (text: string, file = 'src/a.ts') =>
  findEnvReads(text, file).map((r) => r.name)

describe('findEnvReads', () => {
  it.each([
    ['process.env.DATABASE_URL', ['DATABASE_URL']],
    ["process.env['STRIPE_KEY']", ['STRIPE_KEY']],
    ['process.env["A"] ?? process.env[`B`]', ['A', 'B']],
    ['import.meta.env.VITE_API_URL', ['VITE_API_URL']],
    ["import.meta.env['VITE_X']", ['VITE_X']],
    ['const { A, B: b, ...rest } = process.env', ['A', 'B']],
    ["const { ['C']: c, D = 'x' } = process.env", ['C', 'D']],
    ['const { VITE_Y } = import.meta.env', ['VITE_Y']],
    ['globalThis.process.env.G', ['G']],
    ['(process.env).P!', ['P']],
  ])('finds the variables of %s', (text, expected) => {
    expect(names(text)).toEqual(expected)
  })

  it.each([
    ['process.env[name]', 'a dynamic name'],
    ['process.env.NODE_ENV', 'NODE_ENV, which every tool sets'],
    ['import.meta.env.MODE + import.meta.env.DEV', "Vite's built-ins"],
    ['const s = "process.env.IN_A_STRING"', 'text in a string'],
    ['// process.env.IN_A_COMMENT', 'a comment'],
    ['other.env.X; process.envy.Y', 'other objects'],
    ['const { X } = process', 'destructuring process itself'],
  ])('ignores %s (%s)', (text) => {
    expect(names(text)).toEqual([])
  })

  it('parses TSX and JSX and gives 1-based lines and columns', () => {
    const text = [
      'export function App() {',
      '  return <a href={process.env.NEXT_PUBLIC_SHOP}>shop</a>',
      '}',
    ].join('\n')
    expect(findEnvReads(text, 'src/app.tsx')).toEqual([
      { name: 'NEXT_PUBLIC_SHOP', file: 'src/app.tsx', line: 2, column: 19 },
    ])
    expect(names(text, 'src/app.jsx')).toEqual(['NEXT_PUBLIC_SHOP'])
  })

  it('reads what it can of a file with syntax errors', () => {
    expect(names('const a = process.env.OK;\nfunction (')).toEqual(['OK'])
  })
})

describe('scanSource', () => {
  let repo: TestRepo | undefined
  afterEach(async () => repo?.remove())

  it('reads tracked and unignored files, never tests, ignored files or types', async () => {
    repo = await createRepo({
      '.gitignore': 'dist/\nnode_modules/\n',
      'src/server.ts': 'export const db = process.env.DATABASE_URL\n',
      'src/new-file.mjs': 'console.log(process.env.UNTRACKED_BUT_USED)\n',
      'src/server.test.ts': 'process.env.TEST_ONLY\n',
      'test/setup.js': 'process.env.TEST_SETUP\n',
      'dist/bundle.js': 'process.env.BUILT\n',
      'node_modules/x/index.js': 'process.env.DEPENDENCY\n',
      'src/env.d.ts': 'declare const x: typeof process.env.TYPES_ONLY\n',
      'README.md': 'process.env.IN_DOCS\n',
    })
    repo.git('add', '.gitignore', 'src/server.ts')
    const scan = await scanSource(repo.dir)
    expect(scan.reads.map((r) => `${r.name} ${r.file}:${r.line}`)).toEqual([
      'UNTRACKED_BUT_USED src/new-file.mjs:1',
      'DATABASE_URL src/server.ts:1',
    ])
    expect(scan.filesParsed).toBe(2)
  })

  it('does not follow a tracked symlink out of the repository', async () => {
    repo = await createRepo({
      'src/inside.js': 'process.env.INSIDE\n',
      '../outside.js': 'process.env.OUTSIDE\n',
    })
    await symlink(
      join(repo.dir, '..', 'outside.js'),
      join(repo.dir, 'src/link.js'),
    )
    repo.commit()
    const scan = await scanSource(repo.dir)
    expect(scan.reads.map((r) => r.name)).toEqual(['INSIDE'])
  })

  it('skips a file too large to be hand-written source, and says so', async () => {
    repo = await createRepo({
      'src/big.js': 'process.env.BIG;\n' + '//'.padEnd(1024 * 1024, 'x'),
      'src/small.js': 'process.env.SMALL\n',
    })
    const scan = await scanSource(repo.dir)
    expect(scan.reads.map((r) => r.name)).toEqual(['SMALL'])
    expect(scan.skipped).toEqual(['src/big.js'])
  })
})
