import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { workspaceJsonSchema } from '../../../src/core/workspace/json-schema'

describe('the JSON Schema for editors', () => {
  it('is committed exactly as the schema generates it (npm run schema)', () => {
    const committed = JSON.parse(
      readFileSync('resources/workspace.schema.json', 'utf8'),
    )
    expect(committed).toEqual(workspaceJsonSchema())
  })

  it('describes the fields an engineer writes', () => {
    const schema = workspaceJsonSchema() as {
      required: string[]
      properties: Record<string, { description?: string }>
    }
    expect(schema.required).toEqual(
      expect.arrayContaining(['version', 'name', 'domain', 'canonicalOrigin']),
    )
    expect(schema.properties['network']!.description).toMatch(/private DNS/)
  })
})
