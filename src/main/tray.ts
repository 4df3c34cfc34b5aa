import { Menu, nativeImage, Tray } from 'electron'
import type { Finding } from '../shared/finding'
import {
  trayBitmap,
  trayStatus,
  trayTooltip,
  type MonitorGlance,
} from './tray-icon'

export interface TrayActions {
  open(): void
  runAudit(): void
  quit(): void
}

/** The tray light: its colour and tooltip show the worst current status. */
export function createTray(actions: TrayActions) {
  const image = (
    findings: readonly Finding[] | undefined,
    monitors?: MonitorGlance,
  ) => {
    const size = 32
    return nativeImage.createFromBitmap(
      trayBitmap(trayStatus(findings, monitors), size),
      {
        width: size,
        height: size,
        scaleFactor: 2,
      },
    )
  }
  const tray = new Tray(image(undefined))
  tray.setToolTip(trayTooltip(undefined))
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Launch Ready', click: actions.open },
      { label: 'Run audit', click: actions.runAudit },
      { type: 'separator' },
      { label: 'Quit', click: actions.quit },
    ]),
  )
  tray.on('click', actions.open)
  return {
    show(findings: readonly Finding[] | undefined, monitors?: MonitorGlance) {
      tray.setImage(image(findings, monitors))
      tray.setToolTip(trayTooltip(findings, monitors))
    },
  }
}
