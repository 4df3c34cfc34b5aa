import { X509Certificate } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { secretEnvName } from '../../src/core/vault/vault'
import { WorkspaceSchema, type Workspace } from '../../src/shared/workspace'
import { ROOT_CA_NAME } from './certificates'
import { startTestWorld } from './harness'
import {
  API,
  API_TOKEN_ENV,
  API_TOKEN_SECRET,
  CAA_IDENTITY,
  HOSTILE_DOMAIN,
  hostsOf,
  scenarioDomain,
  STALE_DOMAIN,
  STYLES_CSS,
  type World,
} from './world'

describe('the test world', () => {
  let world: World
  let ca: string

  beforeAll(async () => {
    ;({ world, ca } = await startTestWorld())
  }, 30_000)
  afterAll(() => world?.stop())

  describe('workspaces', () => {
    const load = async (file: string) =>
      WorkspaceSchema.parse(parse(await readFile(file, 'utf8')))
    const caFileOf = (file: string, workspace: Workspace) =>
      resolve(dirname(file), workspace.network.caFile!)
    const network = () => ({
      resolvers: [world.resolver],
      caaIdentity: CAA_IDENTITY,
      httpPort: world.httpPort,
      httpsPort: world.httpsPort,
      dnsPort: world.dnsPort,
      smtpPort: world.smtpPort,
    })
    const subdomainsOf = (key: Parameters<typeof hostsOf>[1]) =>
      hostsOf(world, key)
        .map((h) => h.name)
        .filter((n) => !/^(www\.)?[a-z]*\.?shop\.test$/.test(n))

    it('writes the main workspace the app accepts, pointing at the world', async () => {
      const workspace = await load(world.workspaceFile)
      expect(workspace).toMatchObject({
        version: 1,
        name: 'Shop (test world)',
        domain: 'shop.test',
        canonicalOrigin: 'https://www.shop.test',
        network: network(),
      })
      expect(workspace.subdomains).toEqual(
        hostsOf(world, 'main')
          .map((h) => h.name)
          .filter((n) => n !== 'shop.test' && n !== 'www.shop.test'),
      )
      expect(caFileOf(world.workspaceFile, workspace)).toBe(world.caFile)
    })

    it('writes the hostile workspace, without the far end of the CNAME loop', async () => {
      const workspace = await load(world.hostileWorkspaceFile)
      expect(workspace).toMatchObject({
        domain: HOSTILE_DOMAIN,
        canonicalOrigin: `https://www.${HOSTILE_DOMAIN}`,
        network: network(),
      })
      expect(workspace.subdomains).toEqual(
        subdomainsOf('hostile').filter((n) => !n.startsWith('cname-loop-b')),
      )
      expect(caFileOf(world.hostileWorkspaceFile, workspace)).toBe(world.caFile)
    })

    it('writes the dead-DNS workspace: the main site behind a silent resolver', async () => {
      const [main, dead] = await Promise.all([
        load(world.workspaceFile),
        load(world.deadDnsWorkspaceFile),
      ])
      expect(dead.network.resolvers).toEqual([world.deadResolver])
      expect({ ...dead, name: '', network: {} }).toEqual({
        ...main,
        name: '',
        network: {},
      })
    })

    it('writes a workspace for any domain, with overrides', async () => {
      const domain = scenarioDomain('loop')
      const file = await world.workspaceFor(domain, {
        subdomains: ['extra'],
        network: { httpsPort: 1443 },
      })
      const workspace = await load(file)
      expect(workspace).toMatchObject({
        domain,
        canonicalOrigin: `https://www.${domain}`,
        subdomains: ['extra'],
        network: { ...network(), httpsPort: 1443 },
      })
      expect(caFileOf(file, workspace)).toBe(world.caFile)
      const stale = await load(await world.workspaceFor(STALE_DOMAIN))
      expect(stale).toMatchObject({ domain: STALE_DOMAIN, subdomains: [] })
      expect(await world.workspaceFor(domain)).not.toBe(file)
    })

    it('lists the admin endpoints in the main workspace, the token by reference', async () => {
      const { endpoints, assets } = await load(world.workspaceFile)
      const origin = `https://www.shop.test:${world.httpsPort}`
      const auth = { Authorization: `secret:${API_TOKEN_SECRET}` }
      const json = { 'Content-Type': 'application/json' }
      const read = { method: 'GET', kind: 'read', safeToRepeat: true }
      expect(
        endpoints.map(({ name: _, body: __, ...e }) => ({
          ...e,
          url: e.url.replace(origin, ''),
        })),
      ).toEqual([
        { url: API.orders, ...read, headers: auth },
        { url: API.customers, ...read, headers: auth },
        { url: API.inventory, ...read, headers: {} },
        { url: API.slowReport, ...read, headers: {} },
        { url: API.export, ...read, headers: {} },
        {
          url: API.notes,
          method: 'POST',
          kind: 'write',
          safeToRepeat: true,
          headers: json,
        },
        {
          url: API.refunds,
          method: 'POST',
          kind: 'write',
          safeToRepeat: false,
          headers: json,
        },
      ])
      for (const write of endpoints.filter((e) => e.kind === 'write')) {
        expect(JSON.parse(write.body!), write.name).toBeTypeOf('object')
      }
      expect(assets).toEqual([`${origin}${STYLES_CSS}`])
    })

    it('writes the bad-endpoints workspace: the main site, the five bad inputs and orders', async () => {
      const [main, bad] = await Promise.all([
        load(world.workspaceFile),
        load(world.badEndpointsWorkspaceFile),
      ])
      const paths = bad.endpoints.map((e) => new URL(e.url).pathname)
      expect(paths.sort()).toEqual(
        [
          API.orders,
          API.hang,
          API.fail,
          API.reset,
          API.endless,
          API.lyingLength,
        ].sort(),
      )
      expect(bad.endpoints.find((e) => e.url.endsWith(API.orders))).toEqual(
        main.endpoints.find((e) => e.url.endsWith(API.orders)),
      )
      expect({ ...bad, name: '', endpoints: [] }).toEqual({
        ...main,
        name: '',
        endpoints: [],
      })
    })

    it('keeps the API token out of every file of the world', async () => {
      expect(world.apiToken).toMatch(/^Bearer [A-Za-z0-9_-]{32}$/)
      expect(API_TOKEN_ENV).toBe(secretEnvName(API_TOKEN_SECRET))
      const files = await readdir(world.dir, {
        recursive: true,
        withFileTypes: true,
      })
      const texts = await Promise.all(
        files
          .filter((f) => f.isFile())
          .map((f) => readFile(join(f.parentPath, f.name), 'latin1')),
      )
      expect(texts.length).toBeGreaterThan(10)
      const secret = world.apiToken.replace(/^Bearer /, '')
      expect(texts.filter((t) => t.includes(secret))).toEqual([])
    })

    it('writes a CA file holding the root certificate alone', async () => {
      const blocks = ca.match(/-----BEGIN CERTIFICATE-----/g) ?? []
      expect(blocks).toHaveLength(1)
      expect(new X509Certificate(ca).subject).toContain(`CN=${ROOT_CA_NAME}`)
    })
  })
})
