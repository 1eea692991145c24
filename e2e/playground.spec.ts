import { expect, screenshotDir, test } from './fixtures';
import { addClient, clientColumn, collectConsoleErrors, setEditorText, unique } from './playground-helpers';

test('a CALL to test.echo from a new client shows the result, its latency and a history entry that can be re-sent', async ({ app }) => {
  const errors = collectConsoleErrors(app);
  await app.keyboard.press('2');
  const name = `echo-${unique()}`;
  const col = await addClient(app, name);
  await col.getByTestId('call-uri').fill('test.echo');
  await setEditorText(app, col.getByTestId('call-args'), '{"greeting": "hello", "n": [1, 2, 3]}');
  await col.getByTestId('call-send').click();
  const result = col.getByTestId('call-result');
  await expect(result).toHaveAttribute('data-kind', 'ok');
  await expect(result.getByTestId('call-result-value')).toContainText('"hello"');
  await expect(result.getByTestId('call-latency')).toHaveText(/^\d+(\.\d+)? (ms|s)$/);
  const history = col.getByTestId('call-history-entry');
  await expect(history).toHaveCount(1);
  await expect(history.first()).toContainText('test.echo');

  // the history entry is sent again as it was
  await history.first().getByTestId('call-resend').click();
  await expect(history).toHaveCount(2);
  await expect(history.first()).toHaveAttribute('data-kind', 'ok');

  // invalid JSON is refused before sending, with its position; Ctrl+Enter in the editor sends
  await setEditorText(app, col.getByTestId('call-args'), '{"a": 1,}');
  await app.keyboard.press('Control+Enter');
  await expect(col.getByTestId('call-problem')).toContainText(/not valid JSON at line 1, column \d+/);
  await expect(history).toHaveCount(2);

  // a loaded entry fills the form again
  await history.last().getByTestId('call-load').click();
  const args = col.getByTestId('call-args').locator('.cm-content');
  await expect(args).toContainText('"greeting"');
  await args.click();
  await app.keyboard.press('Control+Enter');
  await expect(history).toHaveCount(3);

  expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  await col.getByTestId('client-remove').click();
  await expect(col).toHaveCount(0);
});

test('a CALL to test.delay with a short timeout expires and says so', async ({ app }) => {
  await app.keyboard.press('2');
  const name = `delay-${unique()}`;
  const col = await addClient(app, name);
  await col.getByTestId('call-uri').fill('test.delay');
  await setEditorText(app, col.getByTestId('call-args'), '"600"');
  await col.getByTestId('call-timeout').fill('100');
  await col.getByTestId('call-send').click();
  const result = col.getByTestId('call-result');
  await expect(result).toHaveAttribute('data-kind', 'expired');
  await expect(result).toContainText('Expired: no result within 100 ms');
  // where the time went, from the call's chain: the demo callee took the call and ran past the timeout
  await expect(result).toContainText('then the callee ran past the timeout');
  await expect(result).not.toContainText('check that a callee serves');
  await expect(col.getByTestId('call-history-entry').first()).toContainText('expired');
  await col.getByTestId('client-remove').click();
});

test('SUB, PSUB and UNSB: events published by a second client reach the first in its channel colour', async ({ app }) => {
  const errors = collectConsoleErrors(app);
  await app.keyboard.press('2');
  const id = unique();
  const channel = `news.${id}`;
  const pattern = `orders.${id}.*`;
  const alice = await addClient(app, `alice-${id}`);

  await alice.getByTestId('sub-channel').fill(channel);
  await alice.getByTestId('sub-send').click();
  const chip = alice.locator(`[data-testid="sub-chip"][data-channel="${channel}"]`);
  await expect(chip).toHaveAttribute('data-pattern', 'false');

  const bob = await addClient(app, `bob-${id}`);
  await bob.getByTestId('pub-channel').fill(channel);
  await setEditorText(app, bob.getByTestId('pub-payload'), '{"headline": "juggler 0.1 is out"}');
  await bob.getByTestId('pub-send').click();

  const events = alice.getByTestId('event');
  const ev = alice.locator(`[data-testid="event"][data-channel="${channel}"]`);
  await expect(ev).toHaveCount(1);
  await expect(ev).toContainText('juggler 0.1 is out');
  const colour = (l: typeof chip, prop: 'borderTopColor' | 'borderLeftColor') => l.evaluate((el, p) => getComputedStyle(el)[p], prop);
  const chipColour = await colour(chip, 'borderTopColor');
  expect(await colour(ev, 'borderLeftColor')).toBe(chipColour);

  // a pattern subscription: its events carry the pattern and take the pattern's colour
  await alice.getByTestId('sub-channel').fill(pattern);
  await alice.getByTestId('psub-send').click();
  const pchip = alice.locator(`[data-testid="sub-chip"][data-channel="${pattern}"]`);
  await expect(pchip).toHaveAttribute('data-pattern', 'true');
  const pchipColour = await colour(pchip, 'borderTopColor');
  expect(pchipColour).not.toBe(chipColour);
  await bob.getByTestId('pub-channel').fill(`orders.${id}.eu`);
  await setEditorText(app, bob.getByTestId('pub-payload'), '{"order": 42}');
  await bob.getByTestId('pub-send').click();
  const pev = alice.locator(`[data-testid="event"][data-pattern="${pattern}"]`);
  await expect(pev).toHaveCount(1);
  await expect(pev).toContainText(`orders.${id}.eu`);
  expect(await colour(pev, 'borderLeftColor')).toBe(pchipColour);
  await expect(events.first()).toHaveAttribute('data-pattern', pattern); // newest first

  // a CALL on the side, so the screenshot shows a result too
  await bob.getByTestId('call-uri').fill('test.reverse');
  await setEditorText(app, bob.getByTestId('call-args'), '"juggler"');
  await bob.getByTestId('call-send').click();
  await expect(bob.getByTestId('call-result-value')).toContainText('"relgguj"');
  await alice.getByTestId('call-uri').fill('test.echo');
  await setEditorText(app, alice.getByTestId('call-args'), '{"from": "alice", "ok": true}');
  await alice.getByTestId('call-send').click();
  await expect(alice.getByTestId('call-result')).toHaveAttribute('data-kind', 'ok');
  await app.screenshot({ path: `${screenshotDir}/playground.png` });

  // UNSB: the chip goes, and later publications to the channel no longer arrive
  await chip.getByTestId('unsb').click();
  await expect(chip).toHaveCount(0);
  await setEditorText(app, bob.getByTestId('pub-payload'), '{"late": true}');
  await bob.getByTestId('pub-channel').fill(channel);
  await bob.getByTestId('pub-send').click();
  // a publication to the pattern after it proves the earlier one had time to arrive
  await bob.getByTestId('pub-channel').fill(`orders.${id}.us`);
  await bob.getByTestId('pub-send').click();
  await expect(alice.locator(`[data-testid="event"][data-channel="orders.${id}.us"]`)).toHaveCount(1);
  await expect(ev).toHaveCount(1);

  // disconnect shows the close; remove drops the column
  await bob.getByTestId('client-disconnect').click();
  await expect(bob.getByTestId('client-state')).toContainText(/closed \(1000/);
  await bob.getByTestId('client-remove').click();
  await alice.getByTestId('client-remove').click();
  await expect(alice).toHaveCount(0);
  expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
});

test('a client limited by Juggler-Allowed-Messages is closed by the server when it sends another kind, and the column says how', async ({
  app,
}) => {
  await app.keyboard.press('2');
  const name = `limited-${unique()}`;
  await app.getByTestId('add-client-name').fill(name);
  await app.getByText('Advanced').click();
  await app.getByTestId('add-client-allowed').fill('call');
  await app.getByTestId('add-client').click();
  const col = clientColumn(app, name);
  await expect(col.getByTestId('client-state')).toHaveText('open');
  await col.getByTestId('sub-channel').fill(`not-allowed.${unique()}`);
  await col.getByTestId('sub-send').click();
  await expect(col.getByTestId('client-state')).toHaveText(/^closed \(\d{4}/);
  await expect(col.getByTestId('pubsub-problem')).toBeVisible();
  await expect(col.getByTestId('call-send')).toBeDisabled();
  await col.getByTestId('client-remove').click();
  await expect(col).toHaveCount(0);
});
