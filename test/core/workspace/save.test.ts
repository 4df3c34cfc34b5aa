import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { loadWorkspace } from '../../../src/core/workspace/load'
import {
  createWorkspace,
  updateWorkspace,
} from '../../../src/core/workspace/save'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lr-save-'))
})

const FORM = {
  version: 1 as const,
  name: 'Acme admin',
  domain: 'acme.test',
  canonicalOrigin: 'https://www.acme.test',
  subdomains: ['admin'],
}

describe('createWorkspace', () => {
  it('writes a file that loads back, with an explanatory header', async () => {
    const file = join(dir, 'acme.launchready.yaml')
    await createWorkspace(file, FORM)
    const text = await readFile(file, 'utf8')
    expect(text).toMatch(/^# Launch Ready workspace/)
    expect(text).toContain('secret:NAME')
    expect((await loadWorkspace(file)).workspace.subdomains).toEqual(['admin'])
  })

  it('never replaces an existing file', async () => {
    const file = join(dir, 'acme.launchready.yaml')
    await writeFile(file, 'precious: true\n')
    await expect(createWorkspace(file, FORM)).rejects.toThrow(/already exists/)
    expect(await readFile(file, 'utf8')).toBe('precious: true\n')
  })

  it('refuses invalid input and writes nothing', async () => {
    const file = join(dir, 'bad.launchready.yaml')
    await expect(
      createWorkspace(file, { ...FORM, domain: 'not a domain' }),
    ).rejects.toThrow(/domain/)
    expect(await readdir(dir)).toEqual([])
  })

  it('writes JSON for a .json file', async () => {
    const file = join(dir, 'acme.json')
    await createWorkspace(file, FORM)
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject(FORM)
  })
})

describe('updateWorkspace', () => {
  const HAND_WRITTEN = `# Handed over by Sam on 2026-11-30.
version: 1
name: Acme admin # the internal tool
domain: acme.test
canonicalOrigin: https://www.acme.test
# Ask Sam before adding more.
subdomains:
  - admin
checklist:
  - id: handover.dns-access
    done: false # nobody has the registrar login yet
`

  it('keeps the user’s comments while changing a value', async () => {
    const file = join(dir, 'acme.launchready.yaml')
    await writeFile(file, HAND_WRITTEN)
    const saved = await updateWorkspace(file, [
      { path: ['checklist', 0, 'done'], value: true },
      { path: ['subdomains', 1], value: 'api' },
    ])
    expect(saved.workspace.checklist[0]!.done).toBe(true)
    const text = await readFile(file, 'utf8')
    expect(text).toContain('# Handed over by Sam on 2026-11-30.')
    expect(text).toContain('name: Acme admin # the internal tool')
    expect(text).toContain('# Ask Sam before adding more.')
    expect(text).toContain('  - api')
    expect(await readdir(dir)).toEqual(['acme.launchready.yaml'])
  })

  it('refuses an edit that breaks the schema and keeps the file', async () => {
    const file = join(dir, 'acme.launchready.yaml')
    await writeFile(file, HAND_WRITTEN)
    await expect(
      updateWorkspace(file, [{ path: ['domain'], value: 'http://oops' }]),
    ).rejects.toThrow(/domain at line 4/)
    expect(await readFile(file, 'utf8')).toBe(HAND_WRITTEN)
  })

  it('flags a value that looks like a secret instead of saving it', async () => {
    const file = join(dir, 'acme.launchready.yaml')
    await writeFile(file, HAND_WRITTEN)
    const edit = {
      path: ['checklist', 0, 'note'],
      value: 'token is sk_live_abcdefghijklmnopqrstuvwx',
    }
    await expect(updateWorkspace(file, [edit])).rejects.toThrow(
      /checklist\[0\]\.note.*Stripe live key/,
    )
    expect(await readFile(file, 'utf8')).toBe(HAND_WRITTEN)
    // Saved only when the user says so, and still reported.
    const saved = await updateWorkspace(file, [edit], { allowSecrets: true })
    expect(saved.warnings).toHaveLength(1)
  })
})
