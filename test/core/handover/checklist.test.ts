import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  checklistEdit,
  handoverChecklist,
} from '../../../src/core/handover/checklist'
import { loadWorkspace } from '../../../src/core/workspace/load'
import { updateWorkspace } from '../../../src/core/workspace/save'
import {
  WorkspaceSchema,
  type WorkspaceInput,
} from '../../../src/shared/workspace'

function workspace(extra: Partial<WorkspaceInput> = {}) {
  return WorkspaceSchema.parse({
    version: 1,
    name: 'Acme',
    domain: 'acme.test',
    canonicalOrigin: 'https://www.acme.test',
    email: {
      smtp: { host: 'smtp.acme.test', password: 'secret:smtp-password' },
    },
    ...extra,
  })
}

describe('handoverChecklist', () => {
  it('expects access, a rotation per secret, the runbooks and both support shifts', () => {
    const items = handoverChecklist(workspace())
    expect(items.map((i) => [i.id, i.kind, i.state])).toEqual([
      ['handover.access.dns', 'access', 'open'],
      ['handover.access.cloudflare', 'access', 'open'],
      ['handover.access.hosting', 'access', 'open'],
      ['handover.access.email', 'access', 'open'],
      ['handover.rotation.smtp-password', 'rotation', 'open'],
      ['deploy.rollback', 'runbook', 'open'],
      ['deploy.migrations', 'runbook', 'open'],
      ['handover.support.business-hours', 'support', 'open'],
      ['handover.support.after-hours', 'support', 'open'],
    ])
    expect(items[4]!.usedIn).toEqual(['email.smtp.password'])
  })

  it('names what a done item still lacks', () => {
    const items = handoverChecklist(
      workspace({
        checklist: [
          { id: 'handover.access.dns', done: true, owner: 'Sam' },
          {
            id: 'handover.rotation.smtp-password',
            done: true,
            owner: 'Sam',
            date: '2026-11-30',
            steps: 'Postmark › Servers › API tokens › Rotate',
          },
          {
            id: 'handover.support.after-hours',
            done: true,
            owner: 'Ana',
            date: '2026-11-30',
          },
        ],
      }),
    )
    const byId = new Map(items.map((i) => [i.id, i]))
    expect(byId.get('handover.access.dns')).toMatchObject({
      state: 'incomplete',
      missing: ['date'],
    })
    expect(byId.get('handover.rotation.smtp-password')).toMatchObject({
      state: 'incomplete',
      missing: ['who can rotate'],
    })
    expect(byId.get('handover.support.after-hours')!.missing).toEqual([
      'time zone',
      'contact',
    ])
  })

  it("takes a support owner's time zone from the owners list", () => {
    const items = handoverChecklist(
      workspace({
        owners: [{ name: 'Ana', timeZone: 'America/Sao_Paulo' }],
        checklist: [
          {
            id: 'handover.support.after-hours',
            done: true,
            owner: 'Ana',
            date: '2026-11-30',
            contact: '+55 11 5555 0100',
          },
          {
            id: 'handover.support.business-hours',
            done: true,
            owner: 'Sam',
            date: '2026-11-30',
            contact: '#support',
            timeZone: 'Europe/London',
            hours: 'Mon–Fri 09:00–18:00',
          },
        ],
      }),
    )
    const support = items.filter((i) => i.kind === 'support')
    expect(support.map((i) => [i.id, i.state, i.timeZone])).toEqual([
      ['handover.support.business-hours', 'done', 'Europe/London'],
      ['handover.support.after-hours', 'done', 'America/Sao_Paulo'],
    ])
  })

  it('keeps items it does not know, so nothing written is hidden', () => {
    const items = handoverChecklist(
      workspace({ checklist: [{ id: 'handover.access.stripe', done: true }] }),
    )
    expect(items.at(-1)).toMatchObject({
      id: 'handover.access.stripe',
      kind: 'access',
    })
  })

  it.each([
    ['an offset instead of a zone', '+01:00'],
    ['a misspelt zone', 'Europe/Londn'],
  ])('refuses %s as a time zone', (_label, timeZone) => {
    const result = WorkspaceSchema.safeParse({
      version: 1,
      name: 'Acme',
      domain: 'acme.test',
      canonicalOrigin: 'https://acme.test',
      owners: [{ name: 'Sam', timeZone }],
    })
    expect(result.success).toBe(false)
    expect(result.error!.issues[0]!.message).toMatch(/time zone name/)
  })
})

describe('checklistEdit', () => {
  it('records an item in the file, keeping its comments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lr-checklist-'))
    const file = join(dir, 'acme.launchready.yaml')
    await writeFile(
      file,
      [
        '# Handed over by Sam',
        'version: 1',
        'name: Acme',
        'domain: acme.test',
        'canonicalOrigin: https://www.acme.test',
        'checklist:',
        '  # Rollback was tested on 2026-11-28',
        '  - id: deploy.rollback',
        '    done: true',
        '    note: docs/rollback.md',
        '',
      ].join('\n'),
    )
    const loaded = await loadWorkspace(file)
    const edit = checklistEdit(loaded.workspace, {
      id: 'handover.access.dns',
      done: true,
      owner: 'Sam',
      date: '2026-12-01',
      provider: 'Gandi',
      note: '',
    })
    expect(edit.path).toEqual(['checklist', 1])
    const saved = await updateWorkspace(file, [edit])
    expect(saved.workspace.checklist.map((c) => c.id)).toEqual([
      'deploy.rollback',
      'handover.access.dns',
    ])
    const text = await readFile(file, 'utf8')
    expect(text).toContain('# Handed over by Sam')
    expect(text).toContain('# Rollback was tested on 2026-11-28')
    expect(text).not.toContain('note: ""')
  })
})
