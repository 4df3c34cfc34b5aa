import { describe, expect, it } from 'vitest'
import {
  regressionNotice,
  trayBitmap,
  trayStatus,
  trayTooltip,
} from '../../src/main/tray-icon'
import { sampleFinding } from '../support/sample-run'

describe('the tray', () => {
  it('is grey before any audit and takes the worst status after', () => {
    expect(trayStatus(undefined)).toBe('none')
    expect(
      trayStatus([sampleFinding(), sampleFinding({ status: 'warn' })]),
    ).toBe('warn')
    expect(
      trayStatus([
        sampleFinding({ status: 'error' }),
        sampleFinding({ status: 'fail' }),
      ]),
    ).toBe('fail')
  })

  it('draws an opaque disc in the status colour with a clear corner', () => {
    const size = 16
    const red = trayBitmap('fail', size)
    expect(red).toHaveLength(size * size * 4)
    const centre = ((size / 2) * size + size / 2) * 4
    expect([...red.subarray(centre, centre + 4)]).toEqual([46, 34, 207, 255])
    expect(red[3]).toBe(0) // top-left corner is transparent
    expect(trayBitmap('pass', size)[centre + 1]).toBe(160)
  })

  it('sums up what needs attention in the tooltip', () => {
    expect(trayTooltip(undefined)).toBe('Launch Ready: no audit yet')
    expect(trayTooltip([sampleFinding()])).toBe('Launch Ready: all checks pass')
    expect(
      trayTooltip([
        sampleFinding({ status: 'fail', severity: 'blocker' }),
        sampleFinding({ status: 'fail', severity: 'blocker' }),
        sampleFinding({ status: 'fail', severity: 'high' }),
        sampleFinding({ status: 'error' }),
        sampleFinding({ status: 'warn' }),
      ]),
    ).toBe(
      'Launch Ready: 2 blockers, 1 other failure, 1 check that could not run, 1 warning',
    )
  })

  it('names a single regression, and counts several', () => {
    const one = sampleFinding({
      status: 'fail',
      title: 'The certificate of shop.test has expired',
    })
    expect(regressionNotice([one])).toEqual({
      title: 'Now failing: The certificate of shop.test has expired',
      body: 'tls.expiry on shop.test',
    })
    expect(regressionNotice([one, one]).title).toBe(
      '2 checks that passed now fail',
    )
  })
})

describe('the tray with monitors running', () => {
  it('turns red and names the pages that are down', () => {
    const monitors = { down: ['https://shop.test/'], offline: false }
    expect(trayStatus([sampleFinding()], monitors)).toBe('fail')
    expect(trayTooltip([sampleFinding()], monitors)).toBe(
      'Launch Ready: DOWN: https://shop.test/. Last audit: all checks pass',
    )
  })

  it('says the machine is offline rather than the site down', () => {
    const monitors = { down: [], offline: true }
    expect(trayStatus([sampleFinding()], monitors)).toBe('pass')
    expect(trayTooltip(undefined, monitors)).toBe(
      'Launch Ready: You are offline; monitoring waits. No audit yet',
    )
  })
})
