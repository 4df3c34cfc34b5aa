import { afterEach, describe, expect, it } from 'vitest'
import { audit } from '../../support/audit'
import {
  createRepo,
  repoWorkspace,
  type TestRepo,
} from '../../support/git-repo'

let repo: TestRepo | undefined
afterEach(async () => {
  await repo?.remove()
  repo = undefined
})

async function judge(checklist: readonly Record<string, unknown>[]) {
  repo = await createRepo()
  const file = await repoWorkspace(repo, { checklist })
  const result = await audit(file, ['deploy.rollback', 'deploy.migrations'])
  return {
    rollback: result.verdict('deploy.rollback', 'shop.test'),
    migrations: result.verdict('deploy.migrations', 'shop.test'),
  }
}

describe('the manual deploy items', () => {
  it('tell the founder what to write when nothing is recorded', async () => {
    const { rollback, migrations } = await judge([])
    expect(rollback).toMatchObject({
      status: 'fail',
      severity: 'high',
      stage: 3,
      title: 'Rollback steps are not written down',
    })
    expect(rollback.detail).toMatch(/how to put the previous version back/)
    expect(rollback.fix).toContain(
      '    - id: deploy.rollback\n      done: true',
    )
    expect(migrations).toMatchObject({
      status: 'fail',
      severity: 'medium',
      title: 'Database migrations are not written down',
    })
    expect(migrations.detail).toMatch(/no database of its own/)
  })

  it('warn when an item is done but nobody can tell where', async () => {
    const { rollback, migrations } = await judge([
      { id: 'deploy.rollback', done: true, owner: 'Sam' },
      { id: 'deploy.migrations', done: false, note: 'docs/migrations.md' },
    ])
    expect(rollback).toMatchObject({ status: 'warn', severity: 'low' })
    expect(rollback.fix).toMatch(/note: <where it is/)
    expect(migrations.status).toBe('fail')
  })

  it('pass when the checklist says where the steps are', async () => {
    const { rollback } = await judge([
      {
        id: 'deploy.rollback',
        done: true,
        owner: 'Sam',
        date: '2026-11-30',
        note: 'Notion: Runbooks › Rollback',
      },
    ])
    expect(rollback).toMatchObject({
      status: 'pass',
      title: 'Rollback steps are written down: Notion: Runbooks › Rollback',
      detail:
        'Recorded as written down by Sam on 2026-11-30. Where: Notion: Runbooks › Rollback.',
    })
    expect(rollback.evidence).toMatchObject({ owner: 'Sam', done: true })
  })

  it('pass when the steps are written in the checklist entry itself', async () => {
    const { rollback } = await judge([
      {
        id: 'deploy.rollback',
        done: true,
        owner: 'Sam',
        steps: 'Vercel › Deployments › previous build › Promote',
      },
    ])
    expect(rollback).toMatchObject({
      status: 'pass',
      title: 'Rollback steps are written down in the workspace',
    })
    expect(rollback.evidence).toMatchObject({ steps: true })
  })
})
