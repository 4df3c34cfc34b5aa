import { describe, expect, inject, it } from 'vitest'
import { DnsError, Resolver } from '../../../src/core/net/resolver'
import { silentUdpServer } from '../../support/servers'

const world = inject('world')

describe('Resolver', () => {
  const resolver = new Resolver({ servers: [world.resolver], timeoutMs: 2000 })

  it('asks the workspace’s DNS servers, not the system’s', async () => {
    const admin = world.hosts.find((h) => h.name === `admin.${world.domain}`)!
    expect(await resolver.query(admin.name, 'A')).toEqual([
      { address: admin.address, ttl: expect.any(Number) },
    ])
    expect(await resolver.addresses(admin.name)).toEqual([
      { address: admin.address, family: 4 },
    ])
  })

  it('says a name does not exist, in words', async () => {
    const error = (await resolver
      .query(`nope.${world.domain}`, 'A')
      .catch((e: unknown) => e)) as DnsError
    expect(error).toBeInstanceOf(DnsError)
    expect(error.isAbsent).toBe(true)
    expect(error.message).toBe(
      `Could not resolve A for nope.${world.domain}: the name does not exist (NXDOMAIN) (nope.${world.domain})`,
    )
  })

  it('gives up on a server that never answers within its timeout', async () => {
    const silent = await silentUdpServer()
    try {
      const mute = new Resolver({
        servers: [`127.0.0.1:${silent.port}`],
        timeoutMs: 600,
      })
      const started = performance.now()
      const error = (await mute
        .query('shop.test', 'A')
        .catch((e: unknown) => e)) as DnsError
      expect(error.code).toBe('ETIMEOUT')
      expect(error.message).toMatch(/no DNS server answered in time/)
      expect(performance.now() - started).toBeLessThan(5000)
    } finally {
      await silent.close()
    }
  })

  it('serves as the lookup of sockets', async () => {
    const admin = world.hosts.find((h) => h.name === `admin.${world.domain}`)!
    const found = await new Promise((resolve, reject) =>
      resolver.lookup(admin.name, { all: true }, (error, addresses) =>
        error ? reject(error) : resolve(addresses),
      ),
    )
    expect(found).toEqual([{ address: admin.address, family: 4 }])
  })
})
