import { BrowserWindow } from 'electron'
import type { Printer } from './handlers'

/**
 * Prints HTML to PDF in a hidden window with no scripts, no preload and
 * no network: the handover document is self-contained.
 */
export const electronPrinter: Printer = {
  async toPdf(html) {
    const window = new BrowserWindow({
      show: false,
      webPreferences: { sandbox: true, javascript: false },
    })
    try {
      window.webContents.session.webRequest.onBeforeRequest(
        { urls: ['http://*/*', 'https://*/*'] },
        (_details, answer) => answer({ cancel: true }),
      )
      const url = `data:text/html;base64,${Buffer.from(html).toString('base64')}`
      await window.loadURL(url)
      return await window.webContents.printToPDF({
        pageSize: 'A4',
        printBackground: true,
      })
    } finally {
      window.destroy()
    }
  },
}
