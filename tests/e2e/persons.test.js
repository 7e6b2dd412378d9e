'use strict';
// A person in the browser: created from the list, linked to a company as a decision maker,
// a consent to personal-data processing recorded and then withdrawn, all visible on the card;
// two persons with the same phone found by the duplicate scan and merged with a field picked from
// the second; two persons with the same e-mail marked as different; a second person with the same
// phone typed in another format, from the list's form and from a card's edit form, is not saved
// until «всё равно сохранить» is ticked, and the warning links to the first one.
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

  // The persons the list finds by a search (one row per person).
  async function listed(page, q) {
    await page.goto(`/persons?q=${encodeURIComponent(q)}`);
    return page.locator('#person-results tbody a[href^="/persons/"]').count();
  }
  // Submits a form and resolves with the response to its POST to `path`.
  async function submit(page, path, button) {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path),
      button.click(),
    ]);
    await page.waitForLoadState('load');
    return res;
  }

  test('a second person with the same phone in another format is warned about and saved only when confirmed', withBrowser(() => server, async (page) => {
    const first = await apiPerson({ last_name: 'Белозёрова', first_name: 'Ксения', phones: ['+7 916 555-12-34'] });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    await login(page, USER.login);
    await page.goto('/persons');
    const form = page.locator('details.card', { has: page.locator('form[action="/persons"]') });
    await form.locator('summary').click();
    await page.getByLabel('Фамилия').fill('Белозёрова');
    await page.getByLabel('Имя', { exact: true }).fill('Ксения');
    await page.getByLabel('Отчество').fill('Павловна');
    await page.locator('#n-phone').fill('8 (916) 555-12-34');
    const save = form.locator('button[type=submit].primary');
    const refused = await submit(page, '/persons', save);
    assert.equal(refused.status(), 409);

    const warning = page.locator('#duplicate-warning');
    await warning.waitFor({ state: 'visible' });
    assert.match(await warning.innerText(), /Похоже, этот человек уже есть в базе/);
    const candidate = warning.getByRole('link', { name: /Белозёрова Ксения/ });
    assert.equal(await candidate.getAttribute('href'), `/persons/${first.body.id}`);
    assert.match(await warning.innerText(), /тот же телефон/, 'the reason is shown in Russian');
    assert.equal(await page.locator('#n-middle').inputValue(), 'Павловна', 'the form keeps what was typed');
    assert.equal(await page.locator('#n-phone').inputValue(), '8 (916) 555-12-34');
    const rows = page.locator('#person-results tbody a', { hasText: 'Белозёрова' });
    assert.equal(await rows.count(), 1, 'nothing is saved before confirming: the list still shows one');

    await page.getByLabel(/всё равно сохранить/).check();
    const saved = await submit(page, '/persons', save);
    assert.equal(saved.status(), 303);
    await page.waitForURL((u) => /^\/persons\/\d+$/.test(u.pathname) && u.pathname !== `/persons/${first.body.id}`);
    assert.match(await page.locator('h1').innerText(), /Белозёрова Ксения Павловна/);
    assert.equal(await listed(page, 'Белозёрова'), 2, 'both persons are saved');
  }));

  test('the edit form warns about a phone another person has and saves only when confirmed', withBrowser(() => server, async (page) => {
    const first = await apiPerson({ last_name: 'Ферапонтов', first_name: 'Глеб', phones: ['+7 917 444-00-11'] });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await apiPerson({ last_name: 'Ферапонтова', first_name: 'Алла', phones: ['+7 917 444-00-22'] });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    await login(page, USER.login);
    await page.goto(`/persons/${second.body.id}`);
    await page.locator('#person-edit summary').click();
    await page.locator('#e-region').fill('Вологда');
    await page.locator('#e-phones').fill('8 (917) 444-00-11');
    const save = page.locator('#person-edit button[type=submit].primary');
    const refused = await submit(page, `/persons/${second.body.id}`, save);
    assert.equal(refused.status(), 409);

    const warning = page.locator('#duplicate-warning');
    await warning.waitFor({ state: 'visible' });
    const candidate = warning.getByRole('link', { name: /Ферапонтов Глеб/ });
    assert.equal(await candidate.getAttribute('href'), `/persons/${first.body.id}`);
    assert.match(await warning.innerText(), /тот же телефон/);
    assert.equal((await page.locator('#e-phones').inputValue()).trim(), '8 (917) 444-00-11', 'the form keeps what was typed');
    assert.equal(await page.locator('#e-region').inputValue(), 'Вологда');
    assert.match(await page.locator('dl.props').innerText(), /\+79174440022/, 'the card still shows the saved phone');

    await page.getByLabel(/всё равно сохранить/).check();
    const saved = await submit(page, `/persons/${second.body.id}`, save);
    assert.equal(saved.status(), 303);
    await page.waitForURL((u) => u.pathname === `/persons/${second.body.id}`);
    const card = await page.locator('dl.props').innerText();
    assert.match(card, /\+79174440011/);
    assert.match(card, /Вологда/);
    assert.equal(await page.locator('#duplicate-warning').count(), 0);
  }));

  test('an empty name on the edit form is shown next to the field in Russian', withBrowser(() => server, async (page) => {
    const p = await apiPerson({ last_name: 'Тихомирова', first_name: 'Вера' });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    await login(page, USER.login);
    await page.goto(`/persons/${p.body.id}`);
    await page.locator('#person-edit summary').click();
    await page.locator('#e-last').fill('');
    await page.locator('#e-first').fill('');
    const res = await submit(page, `/persons/${p.body.id}`, page.locator('#person-edit button[type=submit].primary'));
    assert.equal(res.status(), 422);
    assert.match(await page.locator('#x-last').innerText(), /Обязательное поле/);
    assert.equal(await page.locator('#e-last').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('h1').innerText(), /Тихомирова Вера/, 'nothing was saved');
  }));
});
