import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { WorkspaceError } from '../../../src/core/errors'
import { backupPath, loadWorkspace } from '../../../src/core/workspace/load'
import { updateWorkspace } from '../../../src/core/workspace/save'
import { MIGRATION_STEPS } from '../../../src/core/workspace/migrate'
import { WORKSPACE_VERSION } from '../../../src/shared/workspace'

const VERSION_0 = `# Acme's workspace, written before version 1
version: 0
name: Acme admin
domain: acme.test
# The one address customers should end on
origin: https://www.acme.test
dnsServers: ["127.0.0.1:5353"]
checklist:
  # Tested on a staging copy
  deploy.rollback:
    done: true
    owner: Sam
    note: docs/rollback.md
  deploy.migrations: true
`

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lr-migrate-'))
})

async function write(name: string, text: string) {
  const file = join(dir, name)
  await writeFile(file, text)
  return file
}

describe('opening a workspace from an older version', () => {
  it('migrates version 0, keeps the original beside it and saves the result', async () => {
    const file = await write('acme.launchready.yaml', VERSION_0)
    const loaded = await loadWorkspace(file)

    expect(loaded.migrated).toEqual({
      from: 0,
      to: WORKSPACE_VERSION,
      notes: [
        'renamed "origin" to "canonicalOrigin"',
        'moved "dnsServers" to "network.resolvers"',
        'turned the checklist into a list of items with ids',
      ],
      backup: join(dir, 'acme.launchready.v0.bak.yaml'),
    })
    expect(loaded.workspace).toMatchObject({
      version: 1,
      canonicalOrigin: 'https://www.acme.test',
      network: { resolvers: ['127.0.0.1:5353'] },
      checklist: [
        {
          id: 'deploy.rollback',
          done: true,
          owner: 'Sam',
          note: 'docs/rollback.md',
        },
        { id: 'deploy.migrations', done: true },
      ],
    })
    expect(await readFile(loaded.migrated!.backup!, 'utf8')).toBe(VERSION_0)

    const saved = await readFile(file, 'utf8')
    expect(saved).toMatch(/^# Acme's workspace, written before version 1\n/)
    expect(saved).toContain('version: 1\n')
    expect(saved).toContain(
      '# The one address customers should end on\ncanonicalOrigin: https://www.acme.test',
    )
    expect(saved).toContain('# Tested on a staging copy')
    expect(saved).not.toMatch(/^origin:|dnsServers/m)

    // The saved file opens as the current version, with nothing to do.
    const again = await loadWorkspace(file)
    expect(again.migrated).toBeUndefined()
    expect(again.workspace).toEqual(loaded.workspace)
  })

  it('migrates a JSON file to JSON, with a JSON backup', async () => {
    const file = await write(
      'acme.launchready.json',
      JSON.stringify({
        version: 0,
        name: 'Acme',
        domain: 'acme.test',
        origin: 'https://acme.test',
      }),
    )
    const loaded = await loadWorkspace(file)
    expect(loaded.migrated?.backup).toBe(
      join(dir, 'acme.launchready.v0.bak.json'),
    )
    const saved = JSON.parse(await readFile(file, 'utf8')) as unknown
    expect(saved).toEqual({
      version: 1,
      name: 'Acme',
      domain: 'acme.test',
      canonicalOrigin: 'https://acme.test',
    })
  })

  it('never overwrites an earlier backup', async () => {
    const file = await write('acme.launchready.yaml', VERSION_0)
    await write('acme.launchready.v0.bak.yaml', 'an older backup\n')
    const loaded = await loadWorkspace(file)
    expect(loaded.migrated?.backup).toBe(
      join(dir, 'acme.launchready.v0.bak.2.yaml'),
    )
    expect(
      await readFile(join(dir, 'acme.launchready.v0.bak.yaml'), 'utf8'),
    ).toBe('an older backup\n')
  })

  it('leaves the disk alone when asked to migrate in memory', async () => {
    const file = await write('acme.launchready.yaml', VERSION_0)
    const loaded = await loadWorkspace(file, { migrate: 'memory' })
    expect(loaded.migrated).toMatchObject({ from: 0, to: 1 })
    expect(loaded.migrated?.backup).toBeUndefined()
    expect(await readFile(file, 'utf8')).toBe(VERSION_0)
    expect(await readdir(dir)).toEqual(['acme.launchready.yaml'])
  })

  it('keeps the original when an edit is the first save of an old file', async () => {
    const file = await write('acme.launchready.yaml', VERSION_0)
    await loadWorkspace(file, { migrate: 'memory' })
    const saved = await updateWorkspace(file, [
      { path: ['name'], value: 'Acme shop' },
    ])
    expect(saved.migrated?.backup).toBe(
      join(dir, 'acme.launchready.v0.bak.yaml'),
    )
    expect(await readFile(saved.migrated!.backup!, 'utf8')).toBe(VERSION_0)
    const text = await readFile(file, 'utf8')
    expect(text).toContain('version: 1\nname: Acme shop\n')
    expect(text).toContain('# The one address customers should end on')
  })

  it('writes nothing when the migrated file is still invalid', async () => {
    const file = await write(
      'acme.launchready.yaml',
      VERSION_0.replace('domain: acme.test', 'domain: "not a host"'),
    )
    const error = await loadWorkspace(file).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkspaceError)
    expect((error as WorkspaceError).issues[0]).toMatchObject({
      path: 'domain',
      line: 4,
    })
    expect(await readdir(dir)).toEqual(['acme.launchready.yaml'])
  })
})

describe('opening a workspace from a newer version', () => {
  it('refuses it, naming both versions, and changes nothing', async () => {
    const text = VERSION_0.replace('version: 0', 'version: 3')
    const file = await write('acme.launchready.yaml', text)
    const error = await loadWorkspace(file).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkspaceError)
    expect((error as WorkspaceError).issues).toEqual([
      {
        path: 'version',
        message:
          'the file is workspace version 3, newer than the version 1 this copy of Launch Ready reads; update Launch Ready to open it',
        line: 2,
        column: 10,
      },
    ])
    expect((error as Error).message).toMatch(/^Could not open the workspace: /)
    expect(await readFile(file, 'utf8')).toBe(text)
    expect(await readdir(dir)).toEqual(['acme.launchready.yaml'])
  })
})

describe('the migration steps', () => {
  it('lead from version 0 to the current version one step at a time', () => {
    expect(MIGRATION_STEPS.map((s) => s.from)).toEqual(
      Array.from({ length: WORKSPACE_VERSION }, (_, i) => i),
    )
  })

  it('name backups after the version they hold', () => {
    expect(backupPath('/w/shop.launchready.yaml', 0)).toBe(
      '/w/shop.launchready.v0.bak.yaml',
    )
    expect(backupPath('/w/shop.launchready.yml', 0, 3)).toBe(
      '/w/shop.launchready.v0.bak.3.yml',
    )
  })
})
