import { describe, expect, it } from 'vitest'
import { monitorsFor, uptimeUrls } from '../../../src/core/monitor/monitors'
import {
  WorkspaceSchema,
  type WorkspaceInput,
} from '../../../src/shared/workspace'

const workspace = (extra: Partial<WorkspaceInput> = {}) =>
  WorkspaceSchema.parse({
    version: 1,
    name: 'Acme',
    domain: 'acme.test',
    canonicalOrigin: 'https://www.acme.test',
    subdomains: ['admin'],
    ...extra,
  } satisfies WorkspaceInput)

describe('monitorsFor', () => {
  it('watches the canonical page every minute, certificates and records daily', () => {
    const list = monitorsFor(workspace())
    expect(list.map((m) => [m.id, m.intervalMs])).toEqual([
      ['uptime https://www.acme.test/', 60_000],
      ['tls www.acme.test', 86_400_000],
      ['tls acme.test', 86_400_000],
      ['tls admin.acme.test', 86_400_000],
      ['records acme.test', 86_400_000],
    ])
  })

  it('follows the monitoring settings', () => {
    const list = monitorsFor(
      workspace({
        monitoring: {
          uptime: {
            urls: ['https://www.acme.test/login'],
            intervalSeconds: 300,
          },
          daily: { intervalHours: 12, tls: false },
        },
      }),
    )
    expect(list.map((m) => [m.id, m.intervalMs])).toEqual([
      ['uptime https://www.acme.test/login', 300_000],
      ['records acme.test', 43_200_000],
    ])
  })

  it('reaches the canonical page on the workspace port', () => {
    const ws = workspace({ network: { httpsPort: 8443 } })
    expect(uptimeUrls(ws)).toEqual(['https://www.acme.test:8443/'])
  })

  it.each([
    [{ intervalSeconds: 30 }, /uptime.intervalSeconds/],
    [{ intervalSeconds: 600 }, /uptime.intervalSeconds/],
  ])('refuses an uptime interval outside 1–5 min: %j', (uptime, path) => {
    const result = WorkspaceSchema.safeParse({
      version: 1,
      name: 'Acme',
      domain: 'acme.test',
      canonicalOrigin: 'https://www.acme.test',
      monitoring: { uptime },
    })
    expect(result.success).toBe(false)
    const paths = result.error!.issues.map((i) => i.path.join('.'))
    expect(paths.join()).toMatch(path)
  })
})
