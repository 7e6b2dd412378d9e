'use strict';
// State-changing form posts need the page's CSRF token; without it nothing changes and the user
// gets a 403 page that says why.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, withBrowser, login } = require('./harness');

const USER = { login: 'olga.operator', role: 'operator', name: 'Ольга Операторова' };

describe('CSRF protection', () => {
  let server;
  before(async () => {
    server = await startServer({ users: [USER] });
  });
  after(async () => {
    if (!server) return;
    // SIGTERM is a clean stop: in-flight work finishes and the process exits 0.
    assert.deepEqual(await server.stop(), { code: 0, signal: null }, `sdelka serve did not stop cleanly on SIGTERM`);
  });
  const srv = () => server;

  test('logout without the CSRF field gets 403 and the user stays logged in', withBrowser(srv, async (page) => {
    await login(page, USER.login);
    // Remove the hidden token from the page's own logout form, then press the button.
    await page.locator('form#logout-form input[name=_csrf]').evaluate((el) => el.remove());
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/logout'),
      page.locator('form#logout-form').getByRole('button', { name: 'Выйти' }).click(),
    ]);
    assert.equal(res.status(), 403);
    assert.match(res.headers()['content-type'] || '', /text\/html/);
    await page.waitForLoadState('load');
    const alert = page.locator('[role=alert]');
    await alert.waitFor({ state: 'visible' });
    const text = (await alert.innerText()).trim();
    assert.ok(text.length > 0, 'the 403 page has an empty alert');
    assert.match(text, /\p{Script=Cyrillic}/u, `the 403 message is not in Russian: ${JSON.stringify(text)}`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ru');

    // Still logged in.
    await page.goto('/');
    await page.locator('form#logout-form').waitFor({ state: 'visible' });
  }));

  test('a forged or missing token on /lang and /logout is refused with the session cookie', withBrowser(srv, async (page, context) => {
    await login(page, USER.login);
    const token = await page.locator('form#logout-form input[name=_csrf]').inputValue();
    // context.request shares the browser's cookies, so these posts carry the real session.
    const post = (url, form) => context.request.post(url, { form, maxRedirects: 0 });

    const noToken = await post('/lang', { lang: 'en' });
    assert.equal(noToken.status(), 403);
    const forged = await post('/lang', { lang: 'en', _csrf: 'A'.repeat(token.length) });
    assert.equal(forged.status(), 403);
    const forgedLogout = await post('/logout', { _csrf: token.split('').reverse().join('') });
    assert.equal(forgedLogout.status(), 403);

    // Nothing changed: still Russian, still logged in.
    await page.goto('/');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
    await page.locator('form#logout-form').getByRole('button', { name: 'Выйти' }).waitFor({ state: 'visible' });

    // The same request with the page's token is accepted.
    const ok = await post('/logout', { _csrf: token });
    assert.equal(ok.status(), 303);
    await page.goto('/');
    assert.equal(await page.locator('form#logout-form').count(), 0);
  }));
});
