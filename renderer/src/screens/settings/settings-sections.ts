/**
 * The Settings screen's sections, by id: the screen gives each section the element id
 * `settings-<id>`, and the command palette lists them (with words people search for) to jump
 * there with `/settings?section=<id>`.
 */
export interface SettingsSection {
  id: string;
  title: string;
  keywords: string;
}

export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: 'appearance', title: 'Appearance', keywords: 'theme dark light system mode colours' },
  { id: 'desktop', title: 'Desktop app', keywords: 'tray notifications window close' },
  { id: 'on-quit', title: 'When Gatehouse quits', keywords: 'quit docker replicas stop keep running' },
  { id: 'retention', title: 'Data retention', keywords: 'request log entries body capture limit storage days minutes' },
  { id: 'configuration', title: 'Configuration', keywords: 'export import yaml backup declarative' },
  { id: 'environments', title: 'Environments', keywords: 'variables env staging import' },
  { id: 'system', title: 'System', keywords: 'version data directory admin token url port platform docker' },
];

export function settingsSectionId(id: string): string {
  return `settings-${id}`;
}
