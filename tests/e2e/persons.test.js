'use strict';
// A person in the browser: created from the list, linked to a company as a decision maker,
// a consent to personal-data processing recorded and then withdrawn, all visible on the card.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, withBrowser, login, PASSWORD } = require('./harness');

const USER = { login: 'petr.persons', role: 'client_manager', name: 'Пётр Контактов' };

describe('persons in the browser', () => {
  let server, companyId;
  before(async () => {
    server = await startServer({ users: [USER] });
    const tok = await (await fetch(`${server.baseURL}/api/v1/auth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: USER.login, password: PASSWORD }),
    })).json();
    const res = await fetch(`${server.baseURL}/api/v1/companies`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok.token}` },
      body: JSON.stringify({ name: 'ООО «Контактная база»' }),
    });
    assert.equal(res.status, 201);
    companyId = (await res.json()).id;
  });
  after(async () => { if (server) await server.stop(); });

  test('create, link to a company as ЛПР, record and withdraw a consent', withBrowser(() => server, async (page) => {
    await login(page, USER.login);
    await page.goto('/persons');
    await page.locator('details.card summary').click();
    await page.getByLabel('Фамилия').fill('Сидорова');
    await page.getByLabel('Имя', { exact: true }).fill('Анна');
    await page.locator('#n-phone').fill('8 (912) 345-67-89');
    await Promise.all([page.waitForURL((u) => /^\/persons\/\d+$/.test(u.pathname)), page.locator('details.card form button[type=submit]').click()]);
    assert.match(await page.locator('h1').innerText(), /Сидорова Анна/);
    assert.match(await page.locator('dl.props').innerText(), /\+79123456789/);
    await page.locator('#l-company').fill(String(companyId));
    await page.locator('#l-position').fill('Главный бухгалтер');
    await page.getByLabel('ЛПР').check();
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Связать с организацией' }).click()]);
    assert.match(await page.locator('ul.list').first().innerText(), /Контактная база.*Главный бухгалтер.*ЛПР/s);
    await page.locator('#k-purpose').fill('Информирование о новых продуктах');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Записать согласие' }).click()]);
    assert.match(await page.locator('body').innerText(), /Информирование о новых продуктах/);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Отозвать' }).click()]);
    assert.match(await page.locator('body').innerText(), /отозвано \d\d\.\d\d\.\d{4}/);
    // A consent without a purpose is refused with the field named, in Russian.
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Записать согласие' }).click()]);
    assert.match(await page.locator('.flash-error').innerText(), /Цель: Обязательное поле/);
  }));
});
