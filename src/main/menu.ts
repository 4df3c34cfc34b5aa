import { Menu, type MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  openWorkspace(): void
  runAudit(): void
}

/**
 * The application menu: File → Open Workspace… and Run Audit with their
 * shortcuts, and the standard Edit and Window menus so copy, paste and
 * closing work as everywhere else. There is no Reload: it would drop an
 * audit in progress.
 */
export function setupMenu(actions: MenuActions): void {
  const mac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Workspace…',
          accelerator: 'CmdOrCtrl+O',
          click: actions.openWorkspace,
        },
        {
          label: 'Run Audit',
          accelerator: 'CmdOrCtrl+R',
          click: actions.runAudit,
        },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'windowMenu' },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
