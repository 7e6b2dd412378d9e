'use strict';
// Clients in the browser: a wrong ИНН is shown next to its field in Russian; a new company is
// found by another form of a word while typing in the search box and opened; a second company
// with the same ИНН shows the duplicate warning and saves once confirmed; two duplicates are
// merged from the duplicate scan; the list and a card fit a 375 px phone screen.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, withBrowser, login, PASSWORD } = require('./harness');

const USER = { login: 'olga.sales', role: 'sales_manager', name: 'Ольга Продажина' };
const PHONE = { width: 375, height: 740 };

// Valid ИНН of a legal entity (10 digits with the tax service's control digit), different for each n.
function validInn10(n) {
  const d = `78${String(n).padStart(7, '0').slice(-7)}`.split('').map(Number);
  const w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  return d.join('') + ((w.reduce((s, x, i) => s + x * d[i], 0) % 11) % 10);
}
function brokenInn(inn) {
  return inn.slice(0, 9) + String((Number(inn[9]) + 1) % 10);
}

describe('clients in the browser', () => {
  let server;
  let token;
  before(async () => {
    server = await startServer({ users: [USER] });
    const res = await fetch(`${server.baseURL}/api/v1/auth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: USER.login, password: PASSWORD }),
    });
    assert.equal(res.status, 200, 'API login');
    token = (await res.json()).token;
  });
  after(async () => {
    if (!server) return;
    assert.deepEqual(await server.stop(), { code: 0, signal: null }, 'sdelka serve did not stop cleanly on SIGTERM');
  });
  const srv = () => server;

  // Test data made over the API as the same user.
  async function apiCreate(json) {
    const res = await fetch(`${server.baseURL}/api/v1/companies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ confirm_duplicate: true, ...json }),
    });
    const body = await res.json();
    assert.equal(res.status, 201, JSON.stringify(body));
    return body;
  }
  // Submits the company form and resolves with the response to its POST.
  async function save(page) {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /^\/companies(\/\d+)?$/.test(new URL(r.url()).pathname)),
      page.locator('form.card button[type=submit].primary').click(),
    ]);
    await page.waitForLoadState('load');
    return res;
  }
  // The page's scroll width and what sticks out of the screen (tables may scroll inside .table-wrap).
  async function overflow(page) {
    return page.evaluate((w) => {
      const out = [];
      for (const el of document.querySelectorAll('body *')) {
        if (el.closest('.table-wrap')) continue;
        const r = el.getBoundingClientRect();
        if (r.right > w + 0.5 && r.width > 0 && el.children.length === 0) out.push(`<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}> ${el.textContent.trim().slice(0, 40)}`);
      }
      return { width: document.documentElement.scrollWidth, out: out.slice(0, 5) };
    }, PHONE.width);
  }

  test('a wrong ИНН shows a Russian error next to the ИНН field and keeps what was typed', withBrowser(srv, async (page) => {
    await login(page, USER.login);
    await page.goto('/companies/new');
    await page.locator('#f-name').fill('Опечатка в ИНН');
    await page.locator('#f-inn').fill(brokenInn(validInn10(1)));
    const res = await save(page);
    assert.equal(res.status(), 422);
    const error = page.locator('#e-inn');
    await error.waitFor({ state: 'visible' });
    const text = (await error.innerText()).trim();
    assert.match(text, /ИНН/, `#e-inn: ${JSON.stringify(text)}`);
    assert.match(text, /\p{Script=Cyrillic}{4}/u);
    assert.equal(await page.locator('#f-inn').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#f-name').inputValue(), 'Опечатка в ИНН');
    assert.equal(await page.locator('#f-inn').inputValue(), brokenInn(validInn10(1)));
    // The error belongs to the ИНН field, not to the others.
    assert.equal((await page.locator('#e-name').innerText()).trim(), '');
    assert.equal(await page.locator('#duplicate-warning').count(), 0);
  }));

  test('create a company, find it by a word form while typing, open its card', withBrowser(srv, async (page) => {
    await login(page, USER.login);
    await page.goto('/companies/new');
    const inn = validInn10(2);
    await page.locator('#f-name').fill('Клиентская служба Северо-Запад');
    await page.locator('#f-inn').fill(inn);
    await page.locator('#f-phones').fill('8 (812) 555-01-02');
    await page.locator('#f-region').fill('Санкт-Петербург');
    const res = await save(page);
    assert.equal(res.status(), 303);
    await page.waitForURL((u) => /^\/companies\/\d+$/.test(u.pathname));
    const cardPath = new URL(page.url()).pathname;
    assert.match(await page.locator('h1').innerText(), /Клиентская служба Северо-Запад/);
    assert.match(await page.locator('main').innerText(), /\+78125550102/);

    await page.goto('/companies');
    const results = page.locator('#company-results');
    const box = page.locator('#c-q');
    // Typed, not submitted: htmx asks for the rows only and swaps them in.
    const [rows] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/companies' && r.request().headers()['hx-request'] === 'true'
        && new URL(r.url()).searchParams.get('q') === 'клиентами'),
      box.pressSequentially('клиентами', { delay: 20 }),
    ]);
    assert.equal(rows.status(), 200);
    const link = results.getByRole('link', { name: 'Клиентская служба Северо-Запад' });
    await link.waitFor({ state: 'visible' });
    assert.equal(await results.locator('tbody tr').count(), 1, 'only the matching company is listed');
    assert.equal(await page.locator('h1').count(), 1, 'the whole page was swapped into the results');
    await Promise.all([page.waitForURL((u) => u.pathname === cardPath), link.click()]);
    assert.match(await page.locator('h1').innerText(), /Клиентская служба Северо-Запад/);
    assert.match(await page.locator('main').innerText(), new RegExp(inn));

    // A word that is in no name empties the list.
    await page.goto('/companies');
    await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === 'бухгалтерией' && r.request().headers()['hx-request'] === 'true'),
      page.locator('#c-q').pressSequentially('бухгалтерией', { delay: 10 }),
    ]);
    await results.getByRole('link', { name: 'Клиентская служба Северо-Запад' }).waitFor({ state: 'detached' });
  }));

  test('a second company with the same ИНН shows the duplicate warning and saves after confirming', withBrowser(srv, async (page) => {
    const inn = validInn10(3);
    const first = await apiCreate({ name: 'Механический завод Вектор', inn, region: 'Тула' });
    await login(page, USER.login);
    await page.goto('/companies/new');
    await page.locator('#f-name').fill('Вектор-Сервис');
    await page.locator('#f-inn').fill(inn);
    const res = await save(page);
    assert.equal(res.status(), 409);
    const warning = page.locator('#duplicate-warning');
    await warning.waitFor({ state: 'visible' });
    const candidate = warning.getByRole('link', { name: 'Механический завод Вектор' });
    await candidate.waitFor({ state: 'visible' });
    assert.equal(await candidate.getAttribute('href'), `/companies/${first.id}`);
    assert.match(await warning.innerText(), /ИНН/, 'the reason is shown');
    assert.equal(await page.locator('#f-name').inputValue(), 'Вектор-Сервис', 'the form keeps what was typed');

    await page.locator('input[type=checkbox][name=confirm_duplicate]').check();
    const saved = await save(page);
    assert.equal(saved.status(), 303);
    await page.waitForURL((u) => /^\/companies\/\d+$/.test(u.pathname) && u.pathname !== `/companies/${first.id}`);
    assert.match(await page.locator('h1').innerText(), /Вектор-Сервис/);
  }));

  test('merge two duplicates from the duplicate scan and see the survivor card', withBrowser(srv, async (page) => {
    const inn = validInn10(4);
    const a = await apiCreate({ name: 'Пекарня Каравай', inn, region: 'Рязань', phones: ['+7 491 200-00-01'] });
    const b = await apiCreate({ name: 'Каравай ИП', inn, region: 'Рязанская область', phones: ['+7 491 200-00-02'] });
    await login(page, USER.login);
    await page.goto('/companies/duplicates');
    const group = page.locator('section.dup-group', { has: page.locator(`a[href="/companies/${b.id}"]`) });
    await group.waitFor({ state: 'visible' });
    assert.ok(await group.locator(`a[href="/companies/${a.id}"]`).count() === 1, 'both are in one group');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/companies/merge'),
      group.locator('a[href^="/companies/merge"]').click(),
    ]);
    // Keep a's name, take b's region.
    await page.locator('input[type=radio][name=pick_region][value=b]').check();
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/companies/merge'),
      page.locator('form.card button[type=submit].primary').click(),
    ]);
    assert.equal(res.status(), 303);
    await page.waitForURL((u) => u.pathname === `/companies/${a.id}`);
    assert.match(await page.locator('h1').innerText(), /Пекарня Каравай/);
    const card = await page.locator('main').innerText();
    assert.match(card, /Рязанская область/, 'the region chosen from the other record');
    assert.match(card, /\+74912000001/);
    assert.match(card, /\+74912000002/, 'the phone moved from the merged record');

    await page.goto('/companies');
    await page.locator(`#company-results a[href="/companies/${a.id}"]`).waitFor({ state: 'visible' });
    assert.equal(await page.locator(`#company-results a[href="/companies/${b.id}"]`).count(), 0, 'the merged record is still listed');
    await page.goto('/companies/duplicates');
    assert.equal(await page.locator(`section.dup-group a[href="/companies/${b.id}"]`).count(), 0, 'the merged record is still in the scan');
  }));

  test('the company list and a card have no horizontal page scroll at 375 px', withBrowser(srv, async (page) => {
    const c = await apiCreate({
      name: 'Общество с ограниченной ответственностью Длинноназванная торгово-производственная компания Северо-Кавказского региона',
      inn: validInn10(5), kpp: '773601001', region: 'Карачаево-Черкесская Республика', industry: 'Производство строительных материалов',
      phones: ['+7 878 222-33-44', '+7 928 000-11-22'], emails: ['otdel.zakupok@stroitelnye-materialy-kavkaz.ru'], website: 'https://stroitelnye-materialy-kavkaz.ru/kontakty',
    });
    await login(page, USER.login);
    for (const path of ['/companies', `/companies/${c.id}`, '/companies/new', '/companies/duplicates']) {
      await page.goto(path);
      const { width, out } = await overflow(page);
      assert.ok(width <= PHONE.width, `${path}: horizontal page scroll, scrollWidth ${width}; sticking out: ${out.join(' | ')}`);
    }
  }, { viewport: PHONE }));
});
