import { describe, expect, it } from 'vitest'
import { finding, type Check } from '../../../src/core/checks/check'
import {
  runAudit,
  type AuditProgress,
} from '../../../src/core/runner/run-checks'
import { createNetwork } from '../../../src/core/net/network'
import { WorkspaceSchema } from '../../../src/shared/workspace'
import type { CheckInfo } from '../../../src/shared/catalogue'

const workspace = WorkspaceSchema.parse({
  version: 1,
  name: 'Acme',
  domain: 'acme.test',
  canonicalOrigin: 'https://acme.test',
  network: { resolvers: ['127.0.0.1:9'] },
})
const net = await createNetwork(workspace, undefined)

const info = (id: string): CheckInfo => ({ id, stage: 2, title: id, why: '' })

/** A check whose run is `behaviour`, over the given targets. */
function check(
  id: string,
  behaviour: (target: string, signal: AbortSignal) => Promise<void>,
  targets = ['a.test', 'b.test'],
): Check {
  return {
    info: info(id),
    targets: () => targets,
    async run(target, context) {
      await behaviour(target, context.signal)
      return [
        finding(info(id), target, {
          status: 'pass',
          severity: 'info',
          title: `${id} ok`,
          detail: '',
        }),
      ]
    },
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(new Error('aborted'))
    })
  })

describe('runAudit', () => {
  it('runs every check on every target and reports progress', async () => {
    const events: AuditProgress[] = []
    const result = await runAudit({
      workspace,
      net,
      checks: [check('one', async () => {}), check('two', async () => {})],
      onProgress: (e) => events.push(e),
    })
    expect(result.outcome).toBe('completed')
    expect(result.findings.map((f) => `${f.check}@${f.target}`)).toEqual([
      'one@a.test',
      'one@b.test',
      'two@a.test',
      'two@b.test',
    ])
    expect(events[0]).toEqual({ type: 'started', total: 4 })
    const finished = events.filter((e) => e.type === 'check-finished')
    expect(finished.map((e) => e.done)).toEqual([1, 2, 3, 4])
  })

  it('runs checks concurrently, up to the limit', async () => {
    let running = 0
    let peak = 0
    const slow = check(
      'slow',
      async () => {
        running++
        peak = Math.max(peak, running)
        await sleep(50)
        running--
      },
      ['1', '2', '3', '4', '5', '6'],
    )
    await runAudit({ workspace, net, checks: [slow], concurrency: 3 })
    expect(peak).toBe(3)
  })

  it('turns a check that throws into an error finding naming it', async () => {
    const result = await runAudit({
      workspace,
      net,
      checks: [
        check('broken', async (target) => {
          if (target === 'a.test') throw new TypeError('x is undefined')
        }),
      ],
    })
    expect(result.findings[0]).toMatchObject({
      check: 'broken',
      target: 'a.test',
      status: 'error',
      detail: 'The check broken stopped with an error: x is undefined',
    })
    expect(result.findings[1]).toMatchObject({ status: 'pass' })
  })

  it('times out a check that hangs, aborting its signal, and carries on', async () => {
    let aborted = false
    const result = await runAudit({
      workspace,
      net,
      checkTimeoutMs: 100,
      checks: [
        check('hangs', (target, signal) => {
          if (target === 'b.test') return Promise.resolve()
          signal.addEventListener('abort', () => (aborted = true))
          return new Promise(() => {})
        }),
      ],
    })
    expect(result.findings[0]).toMatchObject({
      status: 'error',
      detail: 'The check did not finish: timed out after 0.1 s.',
    })
    expect(result.findings[1]).toMatchObject({ status: 'pass' })
    expect(aborted).toBe(true)
  })

  it('stops at the deadline and says which checks ran out of time', async () => {
    const result = await runAudit({
      workspace,
      net,
      deadlineMs: 100,
      concurrency: 1,
      checks: [check('slow', (_t, signal) => sleep(1000, signal))],
    })
    expect(result.outcome).toBe('deadline')
    expect(result.findings.map((f) => f.status)).toEqual(['error', 'error'])
    expect(result.findings[1]!.detail).toMatch(/deadline of 0.1 s passed/)
  })

  it('cancels: running and pending checks end as skipped', async () => {
    const cancel = new AbortController()
    const pending = runAudit({
      workspace,
      net,
      concurrency: 1,
      signal: cancel.signal,
      checks: [check('slow', (_t, signal) => sleep(5000, signal))],
    })
    setTimeout(() => cancel.abort(), 50)
    const result = await pending
    expect(result.outcome).toBe('cancelled')
    expect(result.findings.map((f) => f.status)).toEqual(['skip', 'skip'])
  })

  it('shares one probe between checks', async () => {
    let probes = 0
    const probing = (id: string): Check => ({
      info: info(id),
      targets: () => ['a.test'],
      async run(target, context) {
        await context.probe('tls:a.test', async () => {
          probes++
          await sleep(20)
        })
        return []
      },
    })
    await runAudit({ workspace, net, checks: [probing('x'), probing('y')] })
    expect(probes).toBe(1)
  })
})
