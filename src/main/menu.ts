// The application menu. Roles give each item its platform-native label, accelerator and behaviour.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export function buildApplicationMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { label: 'File', submenu: [{ role: 'quit' }] },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
      ],
    },
    { label: 'Help', submenu: [{ role: 'about' }] },
  ];
  return Menu.buildFromTemplate(template);
}
