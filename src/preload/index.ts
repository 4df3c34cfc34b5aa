import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createApi } from '../shared/api'

// The window gets the domain API of the contract and nothing else: no
// ipcRenderer, no generic invoke, no Node.
contextBridge.exposeInMainWorld(
  'api',
  createApi({
    invoke: (channel, request) => ipcRenderer.invoke(channel, request),
    subscribe(channel, listener) {
      const forward = (_event: Electron.IpcRendererEvent, payload: unknown) =>
        listener(payload)
      ipcRenderer.on(channel, forward)
      return () => ipcRenderer.removeListener(channel, forward)
    },
  }),
)

// A file dropped on the window carries no path in the page; Electron
// knows it, and gives it for that file only.
contextBridge.exposeInMainWorld('files', {
  pathOf: (file: File) => webUtils.getPathForFile(file),
})
