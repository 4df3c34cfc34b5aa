import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/log'
import { rollingFileWriter } from '../../src/main/log-file'

describe('the log', () => {
  it('writes tagged lines, as text or JSON', () => {
    const lines: string[] = []
    const now = () => new Date('2026-12-01T10:00:00Z')
    createLogger({ write: (l) => lines.push(l), now })
      .child('net')
      .warn('slow', { ms: 900 })
    createLogger({ write: (l) => lines.push(l), now, json: true }).info('up')
    expect(lines).toEqual([
      '2026-12-01T10:00:00.000Z WARN net: slow ms=900',
      '{"time":"2026-12-01T10:00:00.000Z","level":"info","module":"app","message":"up"}',
    ])
  })

  it('never throws, even when writing fails', () => {
    const log = createLogger({
      write: () => {
        throw new Error('disk full')
      },
    })
    expect(() => log.error('boom')).not.toThrow()
  })

  it('rolls the file over past its size limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lr-log-'))
    const write = rollingFileWriter(join(dir, 'logs', 'main.log'), 100)
    for (let i = 0; i < 10; i++) write(`line ${i} ${'x'.repeat(20)}`)
    expect((await readdir(join(dir, 'logs'))).sort()).toEqual([
      'main.log',
      'main.log.1',
    ])
    expect(await readFile(join(dir, 'logs', 'main.log'), 'utf8')).toMatch(
      /line 9/,
    )
  })
})
