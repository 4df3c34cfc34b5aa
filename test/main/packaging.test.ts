import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { workspaceArgument } from '../../src/main/arguments'

interface BuilderConfig {
  readonly files: readonly string[]
  readonly asarUnpack: readonly string[]
  readonly fileAssociations: readonly { ext: string; name: string }[]
}

const config = parse(
  await readFile('electron-builder.yml', 'utf8'),
) as BuilderConfig

describe('the packaging config', () => {
  it('associates the workspace file names the app opens', () => {
    const extensions = config.fileAssociations.map((a) => a.ext)
    expect(extensions).toEqual(['launchready.yaml', 'launchready.json'])
    for (const ext of extensions) {
      // What the OS hands over on a double-click is a path on argv.
      expect(workspaceArgument([`/home/sam/shop.${ext}`], '/')).toBe(
        `/home/sam/shop.${ext}`,
      )
    }
  })

  it('ships the build and keeps the secret rules readable beside it', () => {
    expect(config.files).toContain('out/**')
    expect(config.asarUnpack).toContain('out/main/rules/**')
  })
})
