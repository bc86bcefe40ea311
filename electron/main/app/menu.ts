import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/contract';

/**
 * The application menu as a plain template (tested without Electron). Commands the renderer
 * carries out are sent to it as `menu` events. Keys the renderer handles itself (undo, redo,
 * delete, timeline zoom) are shown in the menu but not registered, so a key press is handled
 * once, and typing in a text field keeps its own undo.
 */

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Developer tools and reload in the View menu. */
  isDev: boolean;
  send(command: MenuCommand): void;
}

export function buildMenuTemplate({ platform, appName, isDev, send }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const command = (label: string, name: MenuCommand, accelerator?: string, registerAccelerator = true): MenuItemConstructorOptions => ({
    label,
    accelerator,
    registerAccelerator,
    click: () => send(name),
  });
  return [
    ...(mac ? [{ label: appName, role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        command('Open Video…', 'open-video', 'CmdOrCtrl+O'),
        command('Open Project…', 'open-project', 'CmdOrCtrl+Shift+O'),
        { type: 'separator' },
        command('Save Project As…', 'save-project-as', 'CmdOrCtrl+Shift+S'),
        command('Export Blurred Video…', 'export', 'CmdOrCtrl+E'),
        // The page handles the key itself (the batch panel opens over any view).
        command('Batch…', 'batch', 'Shift+CmdOrCtrl+B', false),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        command('Undo', 'undo', 'CmdOrCtrl+Z', false),
        command('Redo', 'redo', 'Shift+CmdOrCtrl+Z', false),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        command('Delete Track', 'delete-track', 'Delete', false),
        // The page handles F itself (typed into a field, it is a letter).
        command('Follow Selected Box', 'follow', 'F', false),
      ],
    },
    {
      label: '&View',
      submenu: [
        command('Zoom Timeline In', 'zoom-in', '=', false),
        command('Zoom Timeline Out', 'zoom-out', '-', false),
        command('Show Original', 'toggle-original', 'CmdOrCtrl+B'),
        // The page handles G itself.
        command('Protective View', 'protective-view', 'G', false),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(isDev ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    {
      label: '&Help',
      role: 'help',
      submenu: [command('Keyboard Shortcuts', 'show-shortcuts', 'F1'), ...(mac ? [] : [{ role: 'about' as const }])],
    },
  ];
}
