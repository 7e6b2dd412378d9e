'use strict';
// A person in the browser: created from the list, linked to a company as a decision maker,
// a consent to personal-data processing recorded and then withdrawn, all visible on the card;
// two persons with the same phone found by the duplicate scan and merged with a field picked from
// the second; two persons with the same e-mail marked as different.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, withBrowser, login, PASSWORD } = require('./harness');

const USER = { login: 'petr.persons', role: 'client_manager', name: 'Пётр Контактов' };

describe('persons in the browser', () => {
  let server, companyId, token;
  before(async () => {
    server = await startServer({ users: [USER] });
    const tok = await (await fetch(`${server.baseURL}/api/v1/auth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: USER.login, password: PASSWORD }),
    })).json();
    token = tok.token;
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

  // Creates a person over the API as USER; resolves with the answer's status and body.
  async function apiPerson(json) {
    const res = await fetch(`${server.baseURL}/api/v1/persons`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(json),
    });
    return { status: res.status, body: await res.json() };
  }
  // Two persons the scan groups together: the second is saved only after confirming the duplicate.
  async function duplicatePair(first, second) {
    const a = await apiPerson(first);
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const warned = await apiPerson(second);
    assert.equal(warned.status, 409, 'the second record is reported as a likely duplicate');
    const b = await apiPerson({ ...second, confirm_duplicate: true });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    return [a.body, b.body];
  }

  test('merge two persons with the same phone from the duplicate scan, taking fields from the second', withBrowser(() => server, async (page) => {
    const [a, b] = await duplicatePair(
      { last_name: 'Соколова', first_name: 'Мария', region: 'Тверь', phones: ['+7 915 700-00-01'] },
      { last_name: 'Соколова', first_name: 'Мария', middle_name: 'Ивановна', region: 'Тверская область', birthday: '1985-04-12',
        phones: ['8 (915) 700-00-01', '+7 915 700-00-02'] },
    );
    await login(page, USER.login);
    await page.goto('/persons');
    await Promise.all([page.waitForURL((u) => u.pathname === '/persons/duplicates'), page.getByRole('link', { name: 'Поиск дублей' }).click()]);
    const group = page.locator('section.dup-group', { has: page.locator(`a[href="/persons/${b.id}"]`) });
    await group.waitFor({ state: 'visible' });
    assert.equal(await group.locator(`a[href="/persons/${a.id}"]`).count(), 1, 'both are in one group');
    assert.match(await group.innerText(), /тот же телефон/);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/persons/merge'),
      group.locator('a[href^="/persons/merge"]').click(),
    ]);
    const rows = await page.locator('form.card tbody').innerText();
    assert.match(rows, /Отчество/);
    assert.match(rows, /12\.04\.1985/, 'the birthday is shown as a Russian date');
    // Keep a's surname, take b's middle name and region.
    await page.locator('input[type=radio][name=pick_middle_name][value=b]').check();
    await page.locator('input[type=radio][name=pick_region][value=b]').check();
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/persons/merge'),
      page.locator('form.card button[type=submit].primary').click(),
    ]);
    assert.equal(res.status(), 303);
    await page.waitForURL((u) => u.pathname === `/persons/${a.id}`);
    assert.match(await page.locator('.flash').innerText(), /Записи объединены/);
    assert.match(await page.locator('h1').innerText(), /Соколова Мария Ивановна/, 'the middle name chosen from the other record');
    const card = await page.locator('dl.props').innerText();
    assert.match(card, /Тверская область/, 'the region chosen from the other record');
    assert.match(card, /\+79157000001/);
    assert.match(card, /\+79157000002/, 'the phone moved from the merged record');

    await page.goto('/persons');
    await page.locator(`#person-results a[href="/persons/${a.id}"]`).waitFor({ state: 'visible' });
    assert.equal(await page.locator(`#person-results a[href="/persons/${b.id}"]`).count(), 0, 'the merged record is still listed');
    await page.goto('/persons/duplicates');
    assert.equal(await page.locator(`section.dup-group a[href="/persons/${b.id}"]`).count(), 0, 'the merged record is still in the scan');
  }));

  test('«Не дубликат» removes the group of two persons from the scan', withBrowser(() => server, async (page) => {
    const [a, b] = await duplicatePair(
      { last_name: 'Орлов', first_name: 'Денис', emails: ['office@orlov-partners.ru'] },
      { last_name: 'Орлова', first_name: 'Елена', emails: ['office@orlov-partners.ru'] },
    );
    await login(page, USER.login);
    await page.goto('/persons/duplicates');
    const group = page.locator('section.dup-group', { has: page.locator(`a[href="/persons/${b.id}"]`) });
    await group.waitFor({ state: 'visible' });
    assert.equal(await group.locator(`a[href="/persons/${a.id}"]`).count(), 1, 'both are in one group');
    assert.match(await group.innerText(), /та же эл\. почта/);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/persons/not-duplicates'),
      group.getByRole('button', { name: 'Не дубликат' }).click(),
    ]);
    assert.equal(res.status(), 303);
    await page.waitForURL((u) => u.pathname === '/persons/duplicates');
    await page.waitForLoadState('load');
    assert.match(await page.locator('.flash').innerText(), /Запомнили: это разные записи/);
    assert.equal(await page.locator(`section.dup-group a[href="/persons/${b.id}"]`).count(), 0, 'the group is still shown');
    // Both records stay.
    await page.goto(`/persons/${b.id}`);
    assert.match(await page.locator('h1').innerText(), /Орлова Елена/);
  }));
});
