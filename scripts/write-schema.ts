// Regenerates resources/workspace.schema.json from the workspace schema.
import { writeFileSync } from 'node:fs'
import { workspaceJsonSchema } from '../src/core/workspace/json-schema'

const file = 'resources/workspace.schema.json'
writeFileSync(file, JSON.stringify(workspaceJsonSchema(), null, 2) + '\n')
console.log(`wrote ${file}`)
