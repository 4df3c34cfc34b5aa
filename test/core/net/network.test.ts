import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createNetwork, siteUrl } from '../../../src/core/net/network'
import { NetworkSchema } from '../../../src/shared/workspace'

const network = (caFile?: string) => ({
  network: NetworkSchema.parse({ caFile }),
})

describe('createNetwork', () => {
  it('names a missing or empty CA file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lr-net-'))
    const file = join(dir, 'ws.launchready.yaml')
    await expect(createNetwork(network('ca.pem'), file)).rejects.toThrow(
      `Could not read network.caFile: the file does not exist (${join(dir, 'ca.pem')})`,
    )
    await writeFile(join(dir, 'ca.pem'), 'not a certificate')
    await expect(createNetwork(network('ca.pem'), file)).rejects.toThrow(
      /it holds no PEM certificate/,
    )
  })

  it('writes URLs with the port only when it is not the standard one', () => {
    expect(siteUrl({ httpPort: 80, httpsPort: 443 }, 'https', 'a.test')).toBe(
      'https://a.test/',
    )
    expect(
      siteUrl({ httpPort: 8080, httpsPort: 443 }, 'http', 'a.test', '/x'),
    ).toBe('http://a.test:8080/x')
  })
})
