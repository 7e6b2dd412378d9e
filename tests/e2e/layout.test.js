'use strict';
// The page works on a 375 px phone screen, and its assets come from the server itself, cached.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startServer, withBrowser, submitLogin, login, PASSWORD } = require('./harness');

const USER = { login: 'maria.client', role: 'client_manager', name: 'Мария Клиентова' };
const PHONE = { width: 375, height: 740 };
const HTMX_VERSION = require(path.join(__dirname, '..', '..', 'package-lock.json'))
  .packages['node_modules/htmx.org'].version;

async function pageWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

async function assertInsideViewport(locator, what) {
  await locator.waitFor({ state: 'visible' });
  const box = await locator.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width + 0.5,
    `${what} sticks out of the 375 px screen: ${JSON.stringify(box)}`);
}

describe('layout and assets', () => {
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

  test('the login page is usable at 375 px wide', withBrowser(srv, async (page) => {
    await page.goto('/login');
    const width = await pageWidth(page);
    assert.ok(width <= PHONE.width, `horizontal scroll on the login page: scrollWidth ${width}`);
    await assertInsideViewport(page.locator('input#login'), 'the login field');
    await assertInsideViewport(page.locator('input#password'), 'the password field');
    await assertInsideViewport(page.locator('form#login-form [type=submit]'), 'the «Войти» button');

    // The wrong-password message fits too.
    await submitLogin(page, USER.login, 'wrong');
    await assertInsideViewport(page.locator('[role=alert]'), 'the error message');
    assert.ok((await pageWidth(page)) <= PHONE.width);

    const res = await submitLogin(page, USER.login, PASSWORD);
    assert.equal(res.status(), 303);
    await page.waitForURL((u) => u.pathname === '/');
    const shellWidth = await pageWidth(page);
    assert.ok(shellWidth <= PHONE.width, `horizontal scroll in the shell: scrollWidth ${shellWidth}`);
  }, { viewport: PHONE }));

  test('scripts and styles are served by sdelka from /static with long-lived caching', withBrowser(srv, async (page) => {
    const origin = new URL(srv().baseURL).origin;
    const seen = [];
    page.on('response', (r) => seen.push(r));
    await login(page, USER.login);
    await page.waitForLoadState('networkidle');

    const foreign = seen.map((r) => r.url()).filter((u) => new URL(u).origin !== origin && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'the page loaded something from another host');

    const statics = seen.filter((r) => new URL(r.url()).pathname.startsWith('/static/'));
    assert.ok(statics.length > 0, 'the shell loads nothing from /static/');
    for (const r of statics) {
      assert.equal(r.status(), 200, `${r.url()} answered ${r.status()}`);
      const cc = r.headers()['cache-control'] || '';
      const maxAge = Number((/max-age=(\d+)/.exec(cc) || [])[1] || 0);
      assert.ok(maxAge >= 86400 * 30 || /immutable/.test(cc),
        `${r.url()} is not cached for long: Cache-Control ${JSON.stringify(cc)}`);
    }

    // htmx is the vendored, pinned one.
    const version = await page.evaluate(() => (window.htmx ? window.htmx.version : null));
    assert.equal(version, HTMX_VERSION);
  }));
});
