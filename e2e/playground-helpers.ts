// Helpers shared by the Playground and Callees specs: add a client, type into a CodeMirror editor,
// and record console errors (a CSP violation shows up there).
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** A suffix that keeps URIs and channels unique: one host serves every test of a run. */
export function unique(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export function clientColumn(app: Page, name: string): Locator {
  return app.locator(`[data-testid="client-column"][data-client-name="${name}"]`);
}

export async function addClient(app: Page, name: string): Promise<Locator> {
  await app.getByTestId('add-client-name').fill(name);
  await app.getByTestId('add-client').click();
  const col = clientColumn(app, name);
  await expect(col.getByTestId('client-state')).toHaveText('open');
  return col;
}

/** Replaces the text of a CodeEditor (inserted as one piece: no bracket auto-closing). */
export async function setEditorText(app: Page, editor: Locator, text: string): Promise<void> {
  await editor.locator('.cm-content').click();
  await app.keyboard.press('ControlOrMeta+A');
  await app.keyboard.press('Delete');
  await app.keyboard.insertText(text);
  await expect.poll(() => editor.locator('.cm-content').evaluate((el) => (el as HTMLElement).innerText.replace(/\u200b/g, ''))).toBe(text);
}

export function collectConsoleErrors(app: Page): string[] {
  const errors: string[] = [];
  app.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  app.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
