import { describe, expect, it } from 'vitest'
import { workspaceArgument } from '../../src/main/arguments'

describe('workspaceArgument', () => {
  it.each([
    [
      ['/opt/launch-ready', 'shop.launchready.yaml'],
      '/home/a/shop.launchready.yaml',
    ],
    [['electron', '.', '--no-sandbox', '/srv/x.json'], '/srv/x.json'],
    [['/opt/launch-ready', '--flag=a.yaml'], undefined],
    [['/opt/launch-ready'], undefined],
    [['/opt/launch-ready', 'notes.txt'], undefined],
  ])('finds the workspace in %j', (argv, expected) => {
    expect(workspaceArgument(argv, '/home/a')).toBe(expected)
  })
})
