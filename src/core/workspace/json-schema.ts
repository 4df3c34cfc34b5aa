import { z } from 'zod'
import { WorkspaceSchema } from '../../shared/workspace'

/**
 * The workspace schema as JSON Schema, for editors: with
 * `# yaml-language-server: $schema=…` at the top of a workspace file,
 * VS Code and others complete and check fields as the engineer types.
 * Generated from the same schema the app validates with.
 */
export function workspaceJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(WorkspaceSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://launch-ready.invalid/schema/workspace-1.json',
    title: 'Launch Ready workspace',
  }
}
