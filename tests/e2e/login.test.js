'use strict';
// Login, the shell and logout, as a user sees them in the default (Russian) interface.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, withBrowser, submitLogin, login, PASSWORD } = require('./harness');

const ADMIN = { login: 'anna.admin', role: 'admin', name: 'Анна Админова' };
const SALES = { login: 'sergey.sales', role: 'sales_manager', name: 'Сергей Продажин', department: 'Продажи' };

describe('login and the shell', () => {
  let server;
  before(async () => {
    server = await startServer({ users: [ADMIN, SALES] });
  });
  after(async () => {
    if (!server) return;
    // SIGTERM is a clean stop: in-flight work finishes and the process exits 0.
    assert.deepEqual(await server.stop(), { code: 0, signal: null }, `sdelka serve did not stop cleanly on SIGTERM`);
  });
  const srv = () => server;

  test('the login page is in Russian with labelled fields', withBrowser(srv, async (page) => {
    const res = await page.goto('/login');
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
    const form = page.locator('form#login-form');
    assert.equal((await form.getAttribute('method')).toLowerCase(), 'post');
    assert.equal(await form.getAttribute('action'), '/login');
    await page.getByLabel('Логин', { exact: true }).waitFor({ state: 'visible' });
    assert.equal(await page.getByLabel('Логин', { exact: true }).getAttribute('id'), 'login');
    assert.equal(await page.getByLabel('Пароль', { exact: true }).getAttribute('type'), 'password');
    assert.equal(await form.locator('input[type=hidden][name=_csrf]').count(), 1);
    assert.ok((await form.locator('input[name=_csrf]').inputValue()).length > 0, 'the CSRF field is empty');
    await form.getByRole('button', { name: 'Войти' }).waitFor({ state: 'visible' });
  }));

  test('a wrong password shows an error and keeps the user out', withBrowser(srv, async (page) => {
    await page.goto('/login');
    const res = await submitLogin(page, ADMIN.login, 'not the password');
    assert.equal(res.status(), 401);
    const alert = page.locator('[role=alert]');
    await alert.waitFor({ state: 'visible' });
    assert.match(await alert.innerText(), /Неверный логин или пароль/);
    // The form is shown again, without the password typed before.
    await page.locator('form#login-form').waitFor({ state: 'visible' });
    assert.equal(await page.locator('form#logout-form').count(), 0);
    assert.equal(await page.locator('input#password').inputValue(), '');
    // A login that does not exist gets the same message (no hint which part was wrong).
    const res2 = await submitLogin(page, 'nobody.here', PASSWORD);
    assert.equal(res2.status(), 401);
    assert.match(await page.locator('[role=alert]').innerText(), /Неверный логин или пароль/);
  }));

  test('the login form works with labels and the Enter key', withBrowser(srv, async (page) => {
    await page.goto('/login');
    // Clicking a label focuses its field: the labels are tied to the inputs.
    await page.locator('label', { hasText: 'Логин' }).first().click();
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'login');
    await page.keyboard.type(SALES.login);
    await page.locator('label', { hasText: 'Пароль' }).first().click();
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'password');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.keyboard.press('Enter')]);
    await page.locator('form#logout-form').waitFor({ state: 'visible' });
  }));

  test('login shows the shell, logout returns to the login page', withBrowser(srv, async (page) => {
    await page.goto('/login');
    const res = await submitLogin(page, SALES.login, PASSWORD);
    assert.equal(res.status(), 303);
    assert.equal(new URL(res.headers().location, page.url()).pathname, '/');
    await page.waitForURL((u) => u.pathname === '/');
    const nav = page.locator('nav[aria-label]').first();
    await nav.waitFor({ state: 'visible' });
    assert.ok((await nav.getAttribute('aria-label')).trim().length > 0);
    const header = page.locator('header').first();
    const headerText = await header.innerText();
    assert.ok(headerText.includes(SALES.login) || headerText.includes(SALES.name),
      `the header does not show the user: ${JSON.stringify(headerText)}`);
    const logout = page.locator('form#logout-form');
    assert.equal((await logout.getAttribute('method')).toLowerCase(), 'post');
    assert.equal(await logout.getAttribute('action'), '/logout');
    assert.ok((await logout.locator('input[type=hidden][name=_csrf]').inputValue()).length > 0);

    const [out] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/logout'),
      logout.getByRole('button', { name: 'Выйти' }).click(),
    ]);
    assert.equal(out.status(), 303);
    await page.waitForURL((u) => u.pathname === '/login');
    await page.locator('form#login-form').waitFor({ state: 'visible' });

    // The session is gone: the shell is no longer shown.
    await page.goto('/');
    assert.equal(await page.locator('form#logout-form').count(), 0);
    assert.ok(!(await page.locator('body').innerText()).includes(SALES.name));
  }));

  test('an admin sees «Пользователи» in the navigation', withBrowser(srv, async (page) => {
    await login(page, ADMIN.login);
    const link = page.locator('nav[aria-label]').getByRole('link', { name: 'Пользователи' });
    await link.waitFor({ state: 'visible' });
    assert.equal(new URL(await link.getAttribute('href'), page.url()).pathname, '/admin/users');
    const headerText = await page.locator('header').first().innerText();
    assert.ok(headerText.includes(ADMIN.login) || headerText.includes(ADMIN.name));
  }));

  test('a sales manager does not see «Пользователи»', withBrowser(srv, async (page) => {
    await login(page, SALES.login);
    await page.locator('nav[aria-label]').first().waitFor({ state: 'visible' });
    assert.equal(await page.getByRole('link', { name: 'Пользователи' }).count(), 0);
    assert.equal(await page.locator('a[href="/admin/users"]').count(), 0);
  }));
});
