import {
  isMap,
  isScalar,
  YAMLMap,
  YAMLSeq,
  type Document,
  type Node,
  type Pair,
} from 'yaml'
import { WORKSPACE_VERSION } from '../../shared/workspace'

/**
 * Moving a workspace file from one schema version to the next. Each step
 * edits the parsed YAML document in place — renaming keys and moving
 * nodes rather than rebuilding the file — so the comments and layout an
 * engineer wrote survive wherever the YAML library keeps them with the
 * node. Steps run in order until the file reaches WORKSPACE_VERSION.
 */
export interface MigrationStep {
  /** The version this step reads; it writes `from + 1`. */
  readonly from: number
  /** What changed, one sentence each, for the user and the log. */
  apply(document: Document): readonly string[]
}

/** What a migration did to one file. */
export interface Migration {
  readonly from: number
  readonly to: number
  readonly notes: readonly string[]
}

/**
 * Version 0, the pre-release format, differs from version 1 in three
 * places: the canonical origin was `origin`, the DNS servers to ask were
 * a top-level `dnsServers` list, and the checklist was a map from item id
 * to its fields (or to `true` for a bare "done").
 */
const version0: MigrationStep = {
  from: 0,
  apply(document) {
    const notes: string[] = []
    if (renameKey(document, 'origin', 'canonicalOrigin')) {
      notes.push('renamed "origin" to "canonicalOrigin"')
    }
    if (moveKey(document, 'dnsServers', ['network', 'resolvers'])) {
      notes.push('moved "dnsServers" to "network.resolvers"')
    }
    if (checklistMapToList(document)) {
      notes.push('turned the checklist into a list of items with ids')
    }
    return notes
  },
}

/** Every step, oldest first; step i reads version i. */
export const MIGRATION_STEPS: readonly MigrationStep[] = [version0]

/**
 * The schema version a parsed file declares: a whole number, or
 * undefined when it has none (the schema then reports it).
 */
export function declaredVersion(document: Document): number | undefined {
  const value = document.get('version')
  return typeof value === 'number' && Number.isInteger(value)
    ? value
    : undefined
}

/**
 * Runs every step from the document's version up to the current one,
 * setting `version` as it goes. Throws when no step reads `from`: a
 * broken invariant of this table, not a user's mistake.
 */
export function migrateDocument(document: Document, from: number): Migration {
  const notes: string[] = []
  for (let version = from; version < WORKSPACE_VERSION; version++) {
    const step = MIGRATION_STEPS.find((s) => s.from === version)
    if (!step) throw new Error(`No workspace migration from version ${version}`)
    notes.push(...step.apply(document))
    setVersion(document, version + 1)
  }
  return { from, to: WORKSPACE_VERSION, notes }
}

/** The oldest version this app can still migrate from. */
export const OLDEST_VERSION = Math.min(...MIGRATION_STEPS.map((s) => s.from))

function rootMap(document: Document): YAMLMap | undefined {
  return isMap(document.contents) ? document.contents : undefined
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find(
    (p) => (isScalar(p.key) ? p.key.value : p.key) === key,
  ) as Pair | undefined
}

/** Renames a top-level key where it stands, so its comments stay put. */
function renameKey(document: Document, from: string, to: string): boolean {
  const map = rootMap(document)
  const pair = map && findPair(map, from)
  if (!map || !pair || findPair(map, to)) return false
  if (isScalar(pair.key)) pair.key.value = to
  else pair.key = document.createNode(to)
  return true
}

/** Moves a top-level value under another path, node and comments with it. */
function moveKey(
  document: Document,
  from: string,
  to: readonly string[],
): boolean {
  const map = rootMap(document)
  const pair = map && findPair(map, from)
  if (!map || !pair || document.hasIn(to)) return false
  const comment = isScalar(pair.key) ? pair.key.commentBefore : undefined
  const node = pair.value as Node | null
  if (node && comment) {
    node.commentBefore = [comment, node.commentBefore]
      .filter(Boolean)
      .join('\n')
  }
  map.delete(from)
  document.setIn(to, node)
  return true
}

/** `checklist: { deploy.rollback: {...} }` → `checklist: [{ id: ... }]`. */
function checklistMapToList(document: Document): boolean {
  const map = rootMap(document)
  const pair = map && findPair(map, 'checklist')
  if (!pair || !isMap(pair.value)) return false
  const list = new YAMLSeq()
  for (const item of pair.value.items) {
    const id = isScalar(item.key) ? String(item.key.value) : String(item.key)
    let entry: YAMLMap
    if (isMap(item.value)) {
      entry = item.value
    } else {
      // A bare `deploy.rollback: true` meant "done".
      entry = new YAMLMap()
      const done = isScalar(item.value) ? item.value.value === true : false
      entry.set('done', done)
    }
    entry.items.unshift(document.createPair('id', id) as Pair<unknown>)
    if (isScalar(item.key) && item.key.commentBefore) {
      entry.commentBefore = item.key.commentBefore
    }
    list.items.push(entry)
  }
  list.commentBefore = pair.value.commentBefore
  list.comment = pair.value.comment
  pair.value = list
  return true
}

/** Sets `version`, adding it as the first key when the file had none. */
function setVersion(document: Document, version: number): void {
  const map = rootMap(document)
  const pair = map && findPair(map, 'version')
  if (pair && isScalar(pair.value)) {
    pair.value.value = version
  } else if (map) {
    map.items.unshift(document.createPair('version', version) as Pair<unknown>)
  }
}
