import { describe, expect, inject, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { rootCertificates } from 'node:tls'
import { Resolver } from '../../../src/core/net/resolver'
import { inspectTls, TlsError } from '../../../src/core/net/tls'
import { closedPort, silentServer } from '../../support/servers'

const world = inject('world')
const resolver = new Resolver({ servers: [world.resolver] })
const ca = [...rootCertificates, await readFile(world.caFile, 'utf8')]
const inspect = (label: string) =>
  inspectTls({
    host: `${label}.${world.domain}`,
    port: world.httpsPort,
    lookup: resolver.lookup,
    ca,
  })

describe('inspectTls', () => {
  it('reports protocol, cipher and the chain, leaf first', async () => {
    const report = await inspect('admin')
    expect(report.trusted).toBe(true)
    expect(report.hostnameMatches).toBe(true)
    expect(report.protocol).toBe('TLSv1.3')
    expect(report.chain.map((c) => c.subject)).toEqual([
      expect.stringContaining(`CN=admin.${world.domain}`),
      expect.stringContaining('CN=Launch Ready Test Intermediate CA'),
      expect.stringContaining('CN=Launch Ready Test Root CA'),
    ])
    expect(report.chain[0]).toMatchObject({
      subjectAltNames: [`admin.${world.domain}`],
      keyType: 'ec',
      curve: 'prime256v1',
      isCA: false,
    })
    expect(report.chain[2]!.selfSigned).toBe(true)
  })

  it('keeps trust and hostname apart', async () => {
    const wrong = await inspect('wrong-host')
    expect(wrong).toMatchObject({ trusted: true, hostnameMatches: false })
    expect(wrong.hostnameError).toMatch(/elsewhere\.test/)
    const selfSigned = await inspect('self-signed')
    expect(selfSigned).toMatchObject({
      trusted: false,
      trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      hostnameMatches: true,
    })
  })

  it('distrusts the world without its CA', async () => {
    const report = await inspectTls({
      host: `admin.${world.domain}`,
      port: world.httpsPort,
      lookup: resolver.lookup,
    })
    expect(report.trusted).toBe(false)
  })

  it('times out on a server that accepts TCP and never speaks TLS', async () => {
    const server = await silentServer()
    try {
      const error = (await inspectTls({
        host: '127.0.0.1',
        port: server.port,
        timeoutMs: 500,
      }).catch((e: unknown) => e)) as TlsError
      expect(error).toBeInstanceOf(TlsError)
      expect(error.phase).toBe('handshake')
      expect(error.message).toBe(
        'Could not complete a TLS handshake with 127.0.0.1:' +
          `${server.port}: timed out after 0.5 s in the TLS handshake`,
      )
    } finally {
      await server.close()
    }
  })

  it('reports a refused connection', async () => {
    const port = await closedPort()
    const error = (await inspectTls({ host: '127.0.0.1', port }).catch(
      (e: unknown) => e,
    )) as TlsError
    expect(error).toMatchObject({ phase: 'connect', code: 'ECONNREFUSED' })
  })
})
