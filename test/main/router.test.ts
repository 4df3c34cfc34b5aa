import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/log'
import {
  createAppServices,
  type AppServices,
} from '../../src/main/app-services'
import { testVault } from '../support/keychain'

const APP = 'file:///app/out/renderer/index.html'
let services: AppServices
let vault: ReturnType<typeof testVault>
let logLines: string[]
let opened: string[]

beforeEach(async () => {
  vault = testVault()
  logLines = []
  opened = []
  services = createAppServices({
    userData: await mkdtemp(join(tmpdir(), 'lr-router-')),
    vault,
    dialogs: {
      pickWorkspace: async () => undefined,
      pickNewWorkspacePath: async () => undefined,
      pickExportPath: async () => undefined,
      openInBrowser: async (url) => void opened.push(url),
    },
    printer: {
      toPdf: () => Promise.reject(new Error('these tests print nothing')),
    },
    log: createLogger({ write: (l) => logLines.push(l), level: 'debug' }),
    emit: () => {},
    isTrustedSender: (url) => url === APP,
  })
})

afterEach(async () => {
  await services.close()
  await vault.clear()
})

const dispatch = (channel: string, payload: unknown, sender = APP) =>
  services.router.dispatch(channel, payload, sender)

describe('the IPC router', () => {
  it('answers a valid request with a value', async () => {
    expect(
      await dispatch('secret:set', { name: 'stripe-key', value: 's3cret' }),
    ).toEqual({
      ok: true,
      value: undefined,
    })
    expect(await dispatch('secret:list', {})).toEqual({
      ok: true,
      value: [
        { name: 'stripe-key', stored: true, referenced: false, usedIn: [] },
      ],
    })
  })

  it.each([
    [
      'a number where the value belongs',
      { name: 'stripe-key', value: 42 },
      /value: Invalid input: expected string/,
    ],
    [
      'a name with a path in it',
      { name: '../../etc/passwd', value: 'x' },
      /name: must be 1–64 lowercase/,
    ],
    [
      'an extra field',
      { name: 'stripe-key', value: 'x', admin: true },
      /Unrecognized key: "admin"/,
    ],
    [
      'a value too long to be a credential',
      { name: 'stripe-key', value: 'x'.repeat(20_000) },
      /value: Too big/,
    ],
    ['no payload at all', undefined, /name: Invalid input/],
    ['a string instead of an object', 'stripe-key', /expected object/],
  ])(
    'refuses %s with a clear error and changes nothing',
    async (_label, payload, message) => {
      const result = await dispatch('secret:set', payload)
      expect(result.ok).toBe(false)
      expect(!result.ok && result.error).toMatch(
        /^Invalid request to secret:set: /,
      )
      expect(!result.ok && result.error).toMatch(message)
      expect(await vault.list()).toEqual([])
    },
  )

  it('refuses a workspace path that is not a workspace file', async () => {
    const result = await dispatch('workspace:open', { path: '/etc/shadow' })
    expect(result).toEqual({
      ok: false,
      error:
        'Invalid request to workspace:open: path: must be a .launchready.yaml or .json file.',
    })
  })

  it('opens a cited standard in the browser, and no other address', async () => {
    const rfc = 'https://www.rfc-editor.org/rfc/rfc7208'
    expect(await dispatch('link:open', { url: rfc })).toEqual({
      ok: true,
      value: undefined,
    })
    const refused = await dispatch('link:open', { url: 'https://evil.test/' })
    expect(refused).toMatchObject({ ok: false })
    expect(JSON.stringify(refused)).toMatch(/not a standard the checks cite/)
    expect(opened).toEqual([rfc])
  })

  it('refuses calls from anything but the app’s own page', async () => {
    const result = await dispatch(
      'secret:delete',
      { name: 'stripe-key' },
      'https://evil.example/',
    )
    expect(result).toEqual({
      ok: false,
      error:
        "Refused secret:delete: the request did not come from the app's window.",
    })
  })

  it('refuses unknown channels', async () => {
    expect(await dispatch('shell:exec', { cmd: 'rm -rf /' })).toEqual({
      ok: false,
      error: 'Unknown request "shell:exec".',
    })
  })

  it('turns an expected failure into a sentence', async () => {
    expect(await dispatch('audit:run', {})).toEqual({
      ok: false,
      error:
        'Could not run the audit: no workspace is open; open or create one first',
    })
  })

  it('never logs a secret value', async () => {
    await dispatch('secret:set', { name: 'stripe-key', value: 'canary-7f3a9' })
    await dispatch('secret:set', { name: 'stripe-key', value: 42 })
    expect(logLines.join('\n')).toContain('stripe-key')
    expect(logLines.join('\n')).not.toContain('canary-7f3a9')
  })
})
