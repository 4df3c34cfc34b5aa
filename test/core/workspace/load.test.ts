import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { WorkspaceError } from '../../../src/core/errors'
import {
  loadWorkspace,
  MAX_WORKSPACE_BYTES,
} from '../../../src/core/workspace/load'

const VALID = `# Acme's launch workspace
version: 1
name: Acme admin
domain: acme.test
canonicalOrigin: https://www.acme.test
subdomains: [admin, api.acme.test]
network:
  resolvers: ["127.0.0.1:5353"]
  caFile: ./ca.pem
email:
  smtp:
    host: smtp.acme.test
    password: secret:smtp-password
`

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lr-ws-'))
})

async function write(name: string, text: string) {
  const file = join(dir, name)
  await writeFile(file, text)
  return file
}

async function issuesOf(text: string) {
  const file = await write('bad.launchready.yaml', text)
  const error = await loadWorkspace(file).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(WorkspaceError)
  return (error as WorkspaceError).issues
}

describe('loadWorkspace', () => {
  it('reads a valid file, filling defaults and expanding nothing', async () => {
    const file = await write('acme.launchready.yaml', VALID)
    const { workspace, warnings } = await loadWorkspace(file)
    expect(workspace.domain).toBe('acme.test')
    expect(workspace.canonicalOrigin).toBe('https://www.acme.test')
    expect(workspace.subdomains).toEqual(['admin', 'api.acme.test'])
    expect(workspace.network).toMatchObject({ httpPort: 80, httpsPort: 443 })
    expect(workspace.email?.smtp?.password).toBe('secret:smtp-password')
    expect(warnings).toEqual([])
  })

  it('accepts JSON', async () => {
    const file = await write(
      'acme.json',
      JSON.stringify({
        version: 1,
        name: 'Acme',
        domain: 'acme.test',
        canonicalOrigin: 'https://acme.test',
      }),
    )
    expect((await loadWorkspace(file)).workspace.name).toBe('Acme')
  })

  it.each([
    [
      'a wrong type names the field, line and column',
      VALID.replace('subdomains: [admin, api.acme.test]', 'subdomains: 42'),
      { path: 'subdomains', line: 6, column: 13 },
    ],
    [
      'a missing field points at its parent',
      VALID.replace('domain: acme.test\n', ''),
      { path: 'domain', message: 'is required', line: 2 },
    ],
    [
      'a bad resolver names its index',
      VALID.replace('"127.0.0.1:5353"', '"not a server!"'),
      { path: 'network.resolvers[0]', line: 8 },
    ],
    [
      'an unknown field is named',
      VALID + 'domian: typo.test\n',
      { message: 'unknown field "domian"' },
    ],
    [
      'a plain value where a keychain reference belongs',
      VALID.replace('secret:smtp-password', 'hunter2'),
      { path: 'email.smtp.password', line: 13 },
    ],
    [
      'a canonical origin with a path',
      VALID.replace('https://www.acme.test', 'https://www.acme.test/shop'),
      { path: 'canonicalOrigin', line: 5 },
    ],
    [
      'the wrong schema version',
      VALID.replace('version: 1', 'version: 7'),
      { path: 'version', line: 2 },
    ],
    [
      'broken YAML gives the line of the syntax error',
      VALID.replace('name: Acme admin', 'name: "Acme admin'),
      { path: '', line: 3 },
    ],
  ])('rejects %s', async (_label, text, expected) => {
    const issues = await issuesOf(text)
    expect(issues[0]).toMatchObject(expected)
  })

  it('says what is wrong in one sentence with the file', async () => {
    const file = await write(
      'bad.launchready.yaml',
      VALID.replace('subdomains: [admin, api.acme.test]', 'subdomains: 42'),
    )
    await expect(loadWorkspace(file)).rejects.toThrow(
      /^Could not read the workspace: subdomains at line 6, column 13: .+ \(.+bad\.launchready\.yaml\)$/,
    )
  })

  it('refuses a missing file, a folder and an oversized file clearly', async () => {
    await expect(loadWorkspace(join(dir, 'nope.yaml'))).rejects.toThrow(
      /the file does not exist/,
    )
    await expect(loadWorkspace(dir)).rejects.toThrow(/not a file/)
    const big = await write('big.yaml', 'x'.repeat(MAX_WORKSPACE_BYTES + 1))
    await expect(loadWorkspace(big)).rejects.toThrow(
      /more than the 1048576 a workspace may be/,
    )
  })

  it('flags values that look like real secrets, with their line', async () => {
    const file = await write(
      'leaky.launchready.yaml',
      VALID +
        'endpoints:\n' +
        '  - name: orders\n' +
        '    url: https://api.acme.test/orders\n' +
        '    headers:\n' +
        '      Authorization: Bearer abcdefghijklmnop\n' +
        '      X-Api-Key: AKIAABCDEFGHIJKLMNOP\n',
    )
    const { warnings } = await loadWorkspace(file)
    expect(warnings.map((w) => [w.path, w.line])).toEqual([
      ['endpoints[0].headers.Authorization', 18],
      ['endpoints[0].headers.X-Api-Key', 19],
    ])
    expect(warnings[1]!.message).toMatch(/AWS access key/)
    // The file on disk is untouched by loading.
    expect(await readFile(file, 'utf8')).toContain('AKIAABCDEFGHIJKLMNOP')
  })
})
