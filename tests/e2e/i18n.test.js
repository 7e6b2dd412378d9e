'use strict';
// The ru/en switch: Russian by default, English after pressing «English», kept across pages and
// logout (cookie), and back to Russian with «Русский».
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, withBrowser, login, submitLogin } = require('./harness');

const USER = { login: 'ivan.head', role: 'head', name: 'Иван Руководов' };

async function switchTo(page, lang) {
  const button = page.locator(`form#lang-form button[name=lang][value=${lang}]`);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/lang'),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  return res;
}

describe('language switch', () => {
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

  test('switching to English and back changes the page language and labels', withBrowser(srv, async (page) => {
    await login(page, USER.login);
    const html = page.locator('html');
    assert.equal(await html.getAttribute('lang'), 'ru');
    const langForm = page.locator('form#lang-form');
    assert.equal((await langForm.getAttribute('method')).toLowerCase(), 'post');
    assert.equal(await langForm.getAttribute('action'), '/lang');
    assert.ok((await langForm.locator('input[type=hidden][name=_csrf]').inputValue()).length > 0);
    assert.equal((await langForm.locator('button[value=en]').innerText()).trim(), 'English');
    assert.equal((await langForm.locator('button[value=ru]').innerText()).trim(), 'Русский');
    const navLabelRu = await page.locator('nav[aria-label]').first().getAttribute('aria-label');

    const res = await switchTo(page, 'en');
    assert.ok(res.status() < 400, `POST /lang answered ${res.status()}`);
    assert.equal(await html.getAttribute('lang'), 'en');
    await page.locator('form#logout-form').getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible' });
    assert.equal(await page.getByRole('button', { name: 'Выйти' }).count(), 0);
    const navLabelEn = await page.locator('nav[aria-label]').first().getAttribute('aria-label');
    assert.notEqual(navLabelEn, navLabelRu, 'the navigation label was not translated');
    assert.doesNotMatch(navLabelEn, /\p{Script=Cyrillic}/u);

    // Kept on the next page load.
    await page.goto('/');
    assert.equal(await html.getAttribute('lang'), 'en');
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible' });

    await switchTo(page, 'ru');
    assert.equal(await html.getAttribute('lang'), 'ru');
    await page.locator('form#logout-form').getByRole('button', { name: 'Выйти' }).waitFor({ state: 'visible' });
    assert.equal(await page.locator('nav[aria-label]').first().getAttribute('aria-label'), navLabelRu);
  }));

  test('the chosen language outlives the session: English login page and error', withBrowser(srv, async (page, context) => {
    await login(page, USER.login);
    await switchTo(page, 'en');
    const cookies = await context.cookies();
    assert.ok(cookies.some((c) => /(^|[^a-z])en([^a-z]|$)/i.test(c.value)),
      `no cookie keeps the language: ${JSON.stringify(cookies.map((c) => c.name))}`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.getByLabel('Login', { exact: true }).getAttribute('id'), 'login');
    assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('id'), 'password');
    await page.locator('form#login-form').getByRole('button', { name: 'Sign in' }).waitFor({ state: 'visible' });

    const res = await submitLogin(page, USER.login, 'wrong password');
    assert.equal(res.status(), 401);
    assert.match(await page.locator('[role=alert]').innerText(), /Wrong login or password/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  }));
});
