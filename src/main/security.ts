import { app, session } from 'electron'

/**
 * App-wide hardening: no webviews, no new windows, no navigation away
 * from the app's own page, and no permission (camera, notifications from
 * pages, …) granted to web content but clipboard writes from our page.
 */
export function setupSecurity(isAppUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault()
    })
  })
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _p, grant) =>
      grant(false),
    )
    session.defaultSession.setPermissionCheckHandler(() => false)
  })
}
