import { beforeAll, describe, expect, inject, it } from 'vitest'
import { CHECKS } from '../../../src/core/checks/registry'
import { createNetwork } from '../../../src/core/net/network'
import { runAudit, type AuditResult } from '../../../src/core/runner/run-checks'
import { loadWorkspace } from '../../../src/core/workspace/load'
import type { Finding } from '../../../src/shared/finding'

const world = inject('world')
const host = (label: string) => `${label}.${world.domain}`
let result: AuditResult

beforeAll(async () => {
  const { workspace, file } = await loadWorkspace(world.workspaceFile)
  const net = await createNetwork(workspace, file)
  const stage2 = CHECKS.filter((c) => c.info.stage <= 2)
  result = await runAudit({ workspace, net, checks: stage2 })
})

function verdict(check: string, target: string): Finding {
  const found = result.findings.filter(
    (f) => f.check === check && f.target === target,
  )
  expect(found, `${check} on ${target}`).toHaveLength(1)
  return found[0]!
}

describe('the domain and edge checks on the test world', () => {
  it('check every host: apex, www and each subdomain', () => {
    const targets = new Set(result.findings.map((f) => f.target))
    const main = world.hosts.filter((h) => h.workspace === 'main')
    expect([...targets].filter((t) => !t.includes('://')).sort()).toEqual(
      main.map((h) => h.name).sort(),
    )
    expect(result.outcome).toBe('completed')
  })

  it('pass the healthy hosts on every check', () => {
    for (const target of [world.domain, host('www'), host('admin')]) {
      for (const check of ['tls.valid', 'tls.expiry', 'edge.https-redirect']) {
        expect(verdict(check, target), `${check} on ${target}`).toMatchObject({
          status: 'pass',
        })
      }
    }
  })

  it('report an expired certificate as a blocker, with the renewal fix', () => {
    const f = verdict('tls.expiry', host('expired'))
    expect(f).toMatchObject({ status: 'fail', severity: 'blocker', stage: 2 })
    expect(f.title).toBe(`The certificate of ${host('expired')} has expired`)
    expect(f.detail).toMatch(/10 day\(s\) ago/)
    expect(f.fix).toMatch(/certbot renew/)
    expect(f.evidence).toMatchObject({ daysLeft: -10 })
    expect(verdict('tls.valid', host('expired'))).toMatchObject({
      status: 'fail',
      title: `The certificate of ${host('expired')} has expired`,
    })
  })

  it.each([
    ['wrong-host', /does not cover wrong-host/, /elsewhere\.test/],
    ['self-signed', /uses a self-signed certificate/, /publicly trusted CA/],
    [
      'no-intermediate',
      /does not send the certificate that links it/,
      /fullchain\.pem/,
    ],
  ])(
    'fail tls.valid on %s with what is wrong and how to fix it',
    (label, title, fixOrDetail) => {
      const f = verdict('tls.valid', host(label))
      expect(f).toMatchObject({ status: 'fail', severity: 'blocker' })
      expect(f.title).toMatch(title)
      expect(`${f.detail}\n${f.fix}`).toMatch(fixOrDetail)
      // The certificate is still readable, so its expiry is judged.
      expect(verdict('tls.expiry', host(label)).status).toBe('pass')
    },
  )

  it('show the certificate a person would want to see as evidence', () => {
    const evidence = verdict('tls.valid', host('wrong-host')).evidence
    expect(evidence).toMatchObject({
      trust: 'trusted',
      certificate: { subjectAltNames: ['elsewhere.test'] },
    })
    expect(String(evidence['protocol'])).toMatch(/^TLSv1\.[23]$/)
    expect(verdict('tls.valid', host('self-signed')).evidence['trust']).toBe(
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    )
  })

  it('fail the https redirect where http serves the page', () => {
    const f = verdict('edge.https-redirect', host('no-redirect'))
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.evidence).toMatchObject({ status: 200, location: null })
    expect(f.fix).toMatch(/^ {4}return 301 https:\/\/no-redirect\.shop\.test/m)
    for (const label of ['expired', 'wrong-host', 'self-signed']) {
      expect(verdict('edge.https-redirect', host(label)).status).toBe('pass')
    }
  })

  it('record the timing phases of each probe', () => {
    const timings = verdict('edge.https-redirect', host('admin')).evidence[
      'timingsMs'
    ] as Record<string, number>
    expect(Object.keys(timings)).toEqual(
      expect.arrayContaining(['dns', 'connect', 'firstByte', 'total']),
    )
  })
})
