'use strict';
// Importing a small CSV in Windows-1251 with one bad row through the browser: upload, the
// preview marks the bad row with its reason, the job runs with a progress bar, the summary
// says 5 imported and 1 rejected, the report names the reason, and the companies are in the list.
// The same for persons from the persons list, and the file reader's errors shown in Russian.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, withBrowser, login } = require('./harness');

const USER = { login: 'ivan.import', role: 'sales_manager', name: 'Иван Импортов' };
const CSV = path.resolve(__dirname, '..', 'data', 'companies_cp1251.csv');
const PERSONS_CSV = path.resolve(__dirname, '..', 'data', 'persons_cp1251.csv');

describe('import in the browser', () => {
  let server;
  before(async () => {
    server = await startServer({ users: [USER] });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('a Windows-1251 CSV with one bad row: preview, progress, 5 imported and 1 rejected with the reason', withBrowser(() => server, async (page) => {
    await login(page, USER.login);
    await page.goto('/companies');
    await page.getByRole('link', { name: 'Импорт организаций' }).click();
    await page.waitForURL((u) => u.pathname === '/companies/import');
    // Submitting without a file keeps the user on the page.
    await page.locator('#import-file').setInputFiles(CSV);
    await Promise.all([
      page.waitForURL((u) => /^\/imports\/\d+$/.test(u.pathname)),
      page.locator('#import-form button[type=submit]').click(),
    ]);
    // Preview: the Cyrillic header is read from Windows-1251 and the bad row carries its reason.
    await assert.doesNotReject(page.getByRole('columnheader', { name: 'Название' }).first().waitFor());
    const bad = page.locator('tr.bad-row');
    assert.equal(await bad.count(), 1);
    assert.match(await bad.innerText(), /Неверная контрольная сумма ИНН/);
    assert.equal(await page.locator('#map-1').inputValue(), 'inn');
    await page.locator('input[name=on_duplicate][value=skip]').check();
    await page.locator('#import-start button[type=submit]').click();
    // Progress until done, then the summary.
    await page.locator('#import-status', { hasText: 'завершён' }).waitFor({ timeout: 30000 });
    assert.match(await page.locator('#import-summary').innerText(), /Строк: 6 · создано: 5 · обновлено: 0 · пропущено: 0 · отклонено: 1/);
    const report = await page.request.get(await page.locator('#import-report').getAttribute('href'));
    assert.equal(report.status(), 200);
    assert.match(await report.text(), /Неверная контрольная сумма ИНН/);
    await page.goto('/companies?q=%D1%80%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0');
    assert.equal(await page.locator('#company-results tbody tr').count(), 1);
    assert.match(await page.locator('#company-results tbody').innerText(), /Ромашка/);
  }));

  test('persons from the persons list: a Windows-1251 CSV with a bad ИНН, preview, progress, 4 imported and 1 rejected with the reason', withBrowser(() => server, async (page) => {
    await login(page, USER.login);
    await page.goto('/persons');
    await page.getByRole('link', { name: 'Импорт контактных лиц' }).click();
    await page.waitForURL((u) => u.pathname === '/persons/import');
    await assert.doesNotReject(page.getByRole('heading', { name: 'Импорт контактных лиц' }).waitFor());
    await page.locator('#import-file').setInputFiles(PERSONS_CSV);
    await Promise.all([
      page.waitForURL((u) => /^\/imports\/\d+$/.test(u.pathname)),
      page.locator('#import-form button[type=submit]').click(),
    ]);
    await assert.doesNotReject(page.getByRole('columnheader', { name: 'ФИО' }).first().waitFor());
    assert.equal(await page.locator('#map-0').inputValue(), 'name');
    assert.equal(await page.locator('#map-1').inputValue(), 'inn');
    assert.equal(await page.locator('#map-2').inputValue(), 'birthday');
    const bad = page.locator('tr.bad-row');
    assert.equal(await bad.count(), 1);
    assert.match(await bad.innerText(), /ИНН: Неверная контрольная сумма ИНН/);
    assert.match(await page.locator('#import-start legend').innerText(), /Если такое контактное лицо уже есть/);
    await page.locator('input[name=on_duplicate][value=skip]').check();
    await page.locator('#import-start button[type=submit]').click();
    await page.locator('#import-status', { hasText: 'завершён' }).waitFor({ timeout: 30000 });
    assert.match(await page.locator('#import-summary').innerText(), /Строк: 5 · создано: 4 · обновлено: 0 · пропущено: 0 · отклонено: 1/);
    const report = await page.request.get(await page.locator('#import-report').getAttribute('href'));
    assert.equal(report.status(), 200);
    assert.match(await report.text(), /^\uFEFF?Строка;Причина;ФИО;[^\n]*\r?\n4;ИНН: Неверная контрольная сумма ИНН/);
    await page.getByRole('link', { name: 'К списку контактных лиц' }).click();
    await page.waitForURL((u) => u.pathname === '/persons');
    await page.goto('/persons?q=%D0%9A%D1%83%D0%B7%D0%BD%D0%B5%D1%86%D0%BE%D0%B2%D0%B0');
    assert.match(await page.locator('#person-results tbody').innerText(), /Кузнецова Мария Олеговна/);
  }));

  test('the file reader\'s errors are shown in Russian: a file that is not a table, and a quote left open in row 3', withBrowser(() => server, async (page) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdelka-e2e-import-'));
    try {
      const junk = path.join(dir, 'photo.csv');
      fs.writeFileSync(junk, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0, 7, 8]));
      const open = path.join(dir, 'open-quote.csv');
      fs.writeFileSync(open, 'ФИО;Телефон\r\nЗайцев Илья;+7 900 111-22-33\r\nВолков Ян;"+7 900 111-22-34\r\nЛисин Олег;+7 900 111-22-35\r\n');
      await login(page, USER.login);
      await page.goto('/persons/import');
      await page.locator('#import-file').setInputFiles(junk);
      await page.locator('#import-form button[type=submit]').click();
      await page.locator('#import-error', { hasText: 'Это не таблица' }).waitFor();
      assert.equal(await page.locator('#import-error').innerText(), 'Это не таблица: в файле двоичные данные, а не текст CSV или XLSX');
      assert.equal(new URL(page.url()).pathname, '/persons/import');
      await page.locator('#import-file').setInputFiles(open);
      await Promise.all([
        page.waitForURL((u) => /^\/imports\/\d+$/.test(u.pathname)),
        page.locator('#import-form button[type=submit]').click(),
      ]);
      assert.equal(await page.locator('.form-error').innerText(), 'Строка 3: кавычка в ячейке не закрыта до конца файла (лишняя кавычка?)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }));
});
