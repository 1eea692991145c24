import { expect, screenshotDir, test } from './fixtures';

test('an edit of the Studio client reaches the server side, shows in the timeline, and revisions can be scrubbed and compared', async ({
  app,
}) => {
  await app.getByTestId('nav-sync').click();
  await expect(app.getByTestId('peer-client')).toBeVisible();
  await expect(app.getByTestId('peer-server')).toBeVisible();
  await expect(app.getByTestId('history-select')).toHaveValue(/server-\d+\/remote/);

  const editor = app.getByTestId('edit-json');
  await expect(app.getByTestId('edit-peer')).toHaveValue('studio-client');
  await editor.fill('{"note": "first edit", "items": [1,');
  await expect(app.getByTestId('edit-validation')).toHaveText(/invalid JSON/);
  await expect(app.getByTestId('edit-apply')).toBeDisabled();

  await editor.fill('{"note": "first edit", "items": [1, 2]}');
  await expect(app.getByTestId('edit-validation')).toHaveText('valid JSON');
  await app.getByTestId('edit-apply').click();
  // the server side's mirror follows after the batching window
  await expect(app.getByTestId('tree-server-remote')).toContainText('"first edit"');
  await expect(app.getByTestId('patch-timeline').getByTestId('patch-op').filter({ hasText: '"first edit"' }).first()).toBeVisible();

  await editor.fill('{"note": "second edit", "items": [1, 2, 3]}');
  await app.getByTestId('edit-apply').click();
  await expect(app.getByTestId('tree-server-remote')).toContainText('"second edit"');
  const latest = app.getByTestId('timeline-entry').first();
  await expect(latest.getByTestId('patch-op').filter({ hasText: /second edit/ })).toHaveCount(1);
  await expect(latest.getByTestId('patch-op').filter({ hasText: /^add \/items\/2 3$/ })).toHaveCount(1);
  await latest.getByRole('button').click();
  await expect(app.getByTestId('change-detail')).toContainText('"second edit"');
  await expect(app.getByTestId('change-detail').locator('.jt-hl').first()).toBeVisible();

  // one revision back: the older state
  const scrubState = app.getByTestId('scrub-state');
  await expect(scrubState).toContainText('"second edit"');
  await app.getByTestId('scrubber').focus();
  await app.keyboard.press('ArrowLeft');
  await expect(scrubState).toContainText('"first edit"');
  await expect(scrubState).not.toContainText('"second edit"');

  // the diff between the two edits
  const last = await app.getByTestId('diff-to').inputValue();
  await app.getByTestId('diff-from').selectOption(String(Number(last) - 1));
  const ops = app.getByTestId('diff-ops');
  await expect(ops).toContainText('replace /note "second edit"');
  await expect(ops).toContainText('add /items/2 3');
  await expect(app.getByTestId('diff-state').locator('.jt-hl').first()).toBeVisible();
  await expect(app.getByTestId('sync-divergence-alarm')).toHaveCount(0);

  await app.getByTestId('view-sync').evaluate((el) => el.scrollTo(0, 0));
  await app.screenshot({ path: `${screenshotDir}/sync.png` });
});
