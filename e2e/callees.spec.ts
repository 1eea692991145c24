import type { Page } from '@playwright/test';
import { expect, screenshotDir, test } from './fixtures';
import { addClient, clientColumn, collectConsoleErrors, setEditorText, unique } from './playground-helpers';

function calleeRow(app: Page, uri: string) {
  return app.locator(`[data-testid="callee-row"][data-uri="${uri}"]`);
}

/** Moves the focus out of any editor (keys typed in an editor stay there), then presses a view key. */
async function pressViewKey(app: Page, key: string) {
  await app.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await app.keyboard.press(key);
}

async function saveSource(app: Page, source: string) {
  await setEditorText(app, app.getByTestId('callee-source'), source);
  await app.keyboard.press('Control+Enter');
}

test('a user callee written in the editor is served, hot-reloaded on save, and a broken edit keeps the old version serving', async ({
  app,
}) => {
  const errors = collectConsoleErrors(app);
  const id = unique();
  const uri = `user.double.${id}`;
  await app.keyboard.press('3');
  await expect(app.getByTestId('view-callees')).toBeVisible();
  // what a handler can do is said beside the editor (issue 11, item 10)
  await expect(app.getByTestId('callee-privileges')).toContainText("your user account's privileges");
  await app.getByTestId('callee-new').click();
  await app.getByTestId('callee-uri').fill(uri);
  await saveSource(app, 'export default (n: number) => n * 2');
  const status = app.getByTestId('save-status');
  await expect(status).toHaveAttribute('data-state', 'saved');
  await expect(status).toContainText(`Saved ${uri}, version 1`);
  await expect(calleeRow(app, uri).getByTestId('callee-state')).toHaveText('running');

  // call it from the Playground (the key '2', once the focus has left the editor)
  await pressViewKey(app, '2');
  await expect(app.getByTestId('view-playground')).toBeVisible();
  const col = await addClient(app, `caller-${id}`);
  await col.getByTestId('call-uri').fill(uri);
  await setEditorText(app, col.getByTestId('call-args'), '21');
  await col.getByTestId('call-send').click();
  await expect(col.getByTestId('call-result')).toHaveAttribute('data-kind', 'ok');
  await expect(col.getByTestId('call-result-value')).toHaveText(/^(Copy)?42(Copy)?$/);

  // change it: the next call gets the new version's result, and its console output is shown
  await app.getByTestId('nav-callees').click();
  await expect(app.getByTestId('callee-uri')).toHaveValue(uri);
  await saveSource(app, "export default (n: number) => {\n  console.log('tripling', n);\n  return n * 3;\n};");
  await expect(status).toContainText(`Saved ${uri}, version 2`);
  await pressViewKey(app, '2');
  await col.getByTestId('call-send').click();
  await expect(col.getByTestId('call-history-entry')).toHaveCount(2);
  await expect(col.getByTestId('call-result-value')).toHaveText(/^(Copy)?63(Copy)?$/);

  // a syntax error: reported with its line and column, marked in the editor; version 2 keeps serving
  await pressViewKey(app, '3');
  await expect(app.getByTestId('callee-log-line').filter({ hasText: 'tripling 21' })).toHaveCount(1);
  await saveSource(app, "export default (n: number) => {\n  console.log('tripling', n);\n  return n * ;\n};");
  await expect(status).toHaveAttribute('data-state', 'problems');
  await expect(app.getByTestId('save-problem').first()).toContainText(/^line 3, column \d+: /);
  await expect(status).toContainText(`Version 2 keeps serving ${uri}`);
  await expect(app.getByTestId('callee-source').locator('.cm-lintRange-error')).toHaveCount(1);
  await expect(calleeRow(app, uri)).toContainText('v2');
  await expect(calleeRow(app, uri).getByTestId('callee-invocations')).toHaveText('2');
  await app.screenshot({ path: `${screenshotDir}/callees.png` });

  await pressViewKey(app, '2');
  await col.getByTestId('call-send').click();
  await expect(col.getByTestId('call-history-entry')).toHaveCount(3);
  await expect(col.getByTestId('call-result')).toHaveAttribute('data-kind', 'ok');
  await expect(col.getByTestId('call-result-value')).toHaveText(/^(Copy)?63(Copy)?$/);
  await col.getByTestId('client-remove').click();
  await expect(clientColumn(app, `caller-${id}`)).toHaveCount(0);

  // leave the shared host as it was (other specs count its callees)
  await pressViewKey(app, '3');
  await calleeRow(app, uri).getByTestId('callee-remove').click();
  await calleeRow(app, uri).getByTestId('callee-remove-confirm').click();
  await expect(calleeRow(app, uri)).toHaveCount(0);
  await expect(app.getByTestId('callee-uri')).toHaveValue('user.hello');
  expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
});

test('stopping test.reverse shows it stopped (with every test.* URI of the demo callee); starting it brings it back', async ({ app }) => {
  await app.keyboard.press('3');
  const row = calleeRow(app, 'test.reverse');
  await expect(row.getByTestId('callee-state')).toHaveText('running');
  await row.getByRole('button', { name: 'test.reverse' }).click();
  await expect(app.getByTestId('demo-details')).toContainText('reversed');
  await row.getByTestId('callee-stop').click();
  await expect(row.getByTestId('callee-state')).toHaveText('stopped');
  await expect(calleeRow(app, 'test.echo').getByTestId('callee-state')).toHaveText('stopped');
  await row.getByTestId('callee-start').click();
  await expect(row.getByTestId('callee-state')).toHaveText('running');
  await expect(calleeRow(app, 'test.echo').getByTestId('callee-state')).toHaveText('running');
});

test('a user callee is removed after a confirmation; demo callees have no source to edit', async ({ app }) => {
  const uri = `user.tmp.${unique()}`;
  await app.keyboard.press('3');
  await app.getByTestId('callee-new').click();
  await app.getByTestId('callee-language').selectOption('js');
  await app.getByTestId('callee-uri').fill(uri);
  await saveSource(app, 'module.exports = (args) => ({ got: args });');
  await expect(app.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
  const row = calleeRow(app, uri);
  await row.getByTestId('callee-remove').click();
  await row.getByRole('button', { name: `No, keep ${uri}` }).click();
  await expect(row).toHaveCount(1);
  await row.getByTestId('callee-remove').click();
  await row.getByTestId('callee-remove-confirm').click();
  await expect(row).toHaveCount(0);
  await expect(calleeRow(app, 'test.echo').getByTestId('callee-remove')).toHaveCount(0);
});

test("a callee's failed runs open from its error count, with the line of the user's source that threw; a run can be made again", async ({
  app,
}) => {
  const id = unique();
  const uri = `user.picky.${id}`;
  await app.getByTestId('nav-callees').click();
  await app.getByTestId('callee-new').click();
  await app.getByTestId('callee-uri').fill(uri);
  await expect(app.getByTestId('callee-ts-note')).toContainText('types are stripped, not checked');
  await saveSource(app, "export default (n: number) => {\n  if (n > 1) throw new Error('too big: ' + n);\n  return n * 2;\n};");
  await expect(app.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');

  // try it from the editor: a good call, then one that fails
  await app.getByTestId('callee-trial-args').fill('1');
  await app.getByTestId('callee-trial-run').click();
  await expect(app.getByTestId('callee-trial-outcome')).toHaveAttribute('data-state', 'ok');
  await app.getByTestId('callee-trial-args').fill('7');
  await app.getByTestId('callee-trial-run').click();
  await expect(app.getByTestId('callee-trial-outcome')).toHaveAttribute('data-state', 'error');
  await expect(app.getByTestId('callee-trial-outcome')).toContainText('too big: 7');
  await app.getByTestId('callee-trial-args').fill('{oops');
  await app.getByTestId('callee-trial-run').click();
  await expect(app.getByTestId('callee-trial-outcome')).toContainText('not valid JSON');

  // the error count opens the failed runs
  await calleeRow(app, uri).getByTestId('callee-errors').click();
  await expect(app.getByTestId('callee-runs-errors-only')).toBeChecked();
  const runs = app.getByTestId('callee-run');
  await expect(runs).toHaveCount(1);
  await runs.first().click();
  await expect(app.getByTestId('callee-run-error')).toHaveText('too big: 7');
  await expect(app.getByTestId('callee-run-frames')).toContainText('line 2, column');
  await expect(app.getByTestId('callee-run-frames')).toContainText("if (n > 1) throw new Error('too big: ' + n);");
  await app.getByTestId('callee-runs-errors-only').uncheck();
  await expect(runs).toHaveCount(2);
  await app.screenshot({ path: `${screenshotDir}/callees-runs.png` });

  // the same args again, from the run
  await app.getByTestId('callee-run-again').click();
  await expect(app.getByTestId('callee-trial-outcome')).toContainText('too big: 7');
  await expect(runs).toHaveCount(3);
});
