// Import and export of persons over the API: a Windows-1251 CSV with a bad ИНН (preview and
// report name the field), duplicates by ИНН / phone / e-mail skipped, merged or created (a bare
// namesake is not a duplicate), audit and search entries of imported persons, the type
// parameter of POST /api/v1/imports, export honouring permissions, and file reader errors in the
// user's language.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, startServer, call, expectStatus, expectProblem, tokenFor, listAll, uploadImport, waitImport, runImport,
} from './harness.mjs';

const CSV1251 = fs.readFileSync(path.join(ROOT, 'tests/data/persons_cp1251.csv'));

const utf8 = (lines) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

describe('file reader errors have texts', () => {
  test('every error code of the readers (src/core/tabular*.cpp) has a "reader.<code>" text in both catalogues', () => {
    const dir = path.join(ROOT, 'src/core');
    const files = fs.readdirSync(dir).filter((f) => /^tabular.*\.cpp$/.test(f));
    assert.ok(files.length >= 3, files.join(', '));
    const src = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    const codes = new Set([...src.matchAll(/(?:make_error|fail)\("([a-z_0-9]+)"/g)].map((m) => m[1]));
    assert.ok(codes.size >= 20, [...codes].join(', '));
    for (const lang of ['ru', 'en']) {
      const cat = JSON.parse(fs.readFileSync(path.join(ROOT, `web/i18n/${lang}.json`), 'utf8'));
      const missing = [...codes].filter((c) => typeof cat[`reader.${c}`] !== 'string');
      assert.deepEqual(missing, [], `${lang}.json lacks texts for reader errors`);
    }
  });
});

describe('persons import and export', () => {
  let server, admin, sales, client, security;
  before(async () => {
    server = await startServer();
    [admin, sales, client, security] = [
      await tokenFor(server, 'admin'), await tokenFor(server, 'sales'), await tokenFor(server, 'client'),
      await tokenFor(server, 'security'),
    ];
  });
  after(async () => { if (server) await server.stop(); });

  test('a Windows-1251 CSV of persons: preview maps ФИО, ИНН and the birthday and marks the bad ИНН; 4 imported, 1 rejected naming the field', async () => {
    const up = await uploadImport(server, sales, 'люди.csv', CSV1251, 'person');
    expectStatus(up, 201);
    assert.equal(up.body.type, 'person');
    assert.equal(up.body.status, 'uploaded');
    const pv = await call(server, 'GET', `/api/v1/imports/${up.body.id}/preview`, { token: sales });
    expectStatus(pv, 200);
    assert.equal(pv.body.encoding, 'windows-1251');
    assert.equal(pv.body.error, '');
    assert.deepEqual(pv.body.columns.slice(0, 3), ['ФИО', 'ИНН', 'Дата рождения']);
    assert.equal(pv.body.mapping.name, 0);
    assert.equal(pv.body.mapping.inn, 1);
    assert.equal(pv.body.mapping.birthday, 2);
    assert.equal(pv.body.mapping.phones, 3);
    assert.equal(pv.body.mapping.emails, 4);
    const bad = pv.body.rows.filter((r) => r.errors.length);
    assert.equal(bad.length, 1, JSON.stringify(pv.body.rows));
    assert.equal(bad[0].row, 4);
    assert.match(bad[0].errors[0], /^ИНН: /);
    expectStatus(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: sales, json: { on_duplicate: 'skip' } }), 202);
    const done = await waitImport(server, sales, up.body.id);
    assert.equal(done.summary, 'imported 4, updated 0, skipped 0, rejected 1');
    const rep = await call(server, 'GET', `/api/v1/imports/${up.body.id}/report`, { token: sales });
    expectStatus(rep, 200);
    const lines = rep.text.trim().split('\n');
    assert.equal(lines.length, 2, rep.text);
    assert.match(lines[1], /^4;ИНН: Неверная контрольная сумма ИНН/);

    // What the API would have saved: the full name split, ДД.ММ.ГГГГ read as a date, phones
    // normalised, the segment label read as its code, the importer as owner.
    const mine = await listAll(server, sales, '/api/v1/persons');
    assert.equal(mine.length, 4);
    const ivanov = mine.find((p) => p.last_name === 'Иванов');
    assert.equal(ivanov.first_name, 'Иван');
    assert.equal(ivanov.middle_name, 'Иванович');
    assert.equal(ivanov.inn, '770712345633');
    assert.equal(ivanov.birthday, '1985-03-15');
    assert.deepEqual(ivanov.phones.map((p) => p.number), ['+79161234567']);
    assert.equal(ivanov.segment, 'client');
    const petrova = mine.find((p) => p.last_name === 'Петрова');
    assert.equal(petrova.birthday, '1990-07-01');
    assert.equal(petrova.note, 'Звонить после 18:00; по будням');
    // Each person has a "create" record like one made through the API, and the search finds it.
    const hist = await call(server, 'GET', `/api/v1/persons/${ivanov.id}/history`, { token: sales });
    expectStatus(hist, 200);
    assert.deepEqual(hist.body.items.map((h) => h.action), ['create']);
    assert.equal(hist.body.items[0].changes.last_name.to, 'Иванов');
    for (const q of ['Кузнецова', 'Кузн', '+7 843 200-10-20', '165501234514']) {
      const found = await call(server, 'GET', `/api/v1/persons?q=${encodeURIComponent(q)}`, { token: sales });
      expectStatus(found, 200);
      assert.deepEqual(found.body.items.map((p) => p.last_name), ['Кузнецова'], `search «${q}»`);
    }
    // The company interface is unchanged: a job without a type is a company import.
    const co = await call(server, 'POST', '/api/v1/imports?file_name=x.csv', {
      token: sales, body: CSV1251, headers: { 'content-type': 'application/octet-stream' },
    });
    expectStatus(co, 201);
    assert.equal(co.body.type, 'company');
  });

  test('duplicates by ИНН, phone or e-mail: skip, then update (merging), then create; a bare namesake is a new person', async () => {
    // A manager with no persons yet (managers see only their own, so sales's are not duplicates here).
    const a = await tokenFor(server, 'operator');
    assert.equal((await runImport(server, a, 'p.csv', CSV1251, 'skip', { type: 'person' })).summary, 'imported 4, updated 0, skipped 0, rejected 1');
    assert.equal((await runImport(server, a, 'p.csv', CSV1251, 'skip', { type: 'person' })).summary, 'imported 0, updated 0, skipped 4, rejected 1');
    assert.equal((await runImport(server, a, 'p.csv', CSV1251, 'update', { type: 'person' })).summary, 'imported 0, updated 4, skipped 0, rejected 1');
    assert.equal((await runImport(server, a, 'p.csv', CSV1251, 'create', { type: 'person' })).summary, 'imported 4, updated 0, skipped 0, rejected 1');

    // Update merges: found by e-mail, the new phone is added to the old one, a new region replaces
    // the old, the separate name columns replace the parts, an empty ИНН cell keeps nothing away.
    const before = (await listAll(server, sales, '/api/v1/persons')).find((p) => p.last_name === 'Смирнов');
    const merge = utf8([
      'Фамилия;Имя;Отчество;Телефон;Эл. почта;Регион',
      'Смирнов;Алексей;Петрович;+7 912 000-00-01, +7 912 000-00-02;;Пермский край',
    ]);
    assert.equal((await runImport(server, sales, 'merge.csv', merge, 'update', { type: 'person' })).summary, 'imported 0, updated 1, skipped 0, rejected 0');
    const after = await call(server, 'GET', `/api/v1/persons/${before.id}`, { token: sales });
    assert.equal(after.body.middle_name, 'Петрович');
    assert.equal(after.body.region, 'Пермский край');
    assert.deepEqual(after.body.phones.map((p) => p.number), ['+79120000001', '+79120000002']);
    assert.equal(after.body.version, before.version + 1);
    const hist = await call(server, 'GET', `/api/v1/persons/${before.id}/history`, { token: sales });
    assert.equal(hist.body.items[0].action, 'update');

    // The same name with other contacts is a namesake, not a duplicate: skip still creates it.
    const namesake = utf8(['ФИО;Телефон', 'Иванов Иван Иванович;+7 999 123-45-67']);
    assert.equal((await runImport(server, sales, 'namesake.csv', namesake, 'skip', { type: 'person' })).summary, 'imported 1, updated 0, skipped 0, rejected 0');
  });

  test('rows that fail the API rules are rejected with the field named; separate name columns and ISO dates work', async () => {
    const rows = utf8([
      'Фамилия;Имя;Дата рождения;E-mail;Сегмент',
      'Орлова;Нина;1975-12-31;nina@example.ru;VIP',
      ';;01.02.1980;empty@example.ru;',
      'Белов;Олег;31.02.1980;belov@example.ru;',
      'Белова;Ольга;;not-an-address;',
      'Чернов;Иван;;chernov@example.ru;самый важный',
    ]);
    const done = await runImport(server, sales, 'rules.csv', rows, 'create', { type: 'person' });
    assert.equal(done.summary, 'imported 1, updated 0, skipped 0, rejected 4');
    const rep = await call(server, 'GET', `/api/v1/imports/${done.id}/report`, { token: sales });
    const reasons = rep.text.trim().split('\n').slice(1).map((l) => l.split(';').slice(0, 2).join(';'));
    assert.match(reasons[0], /^3;Фамилия: /);
    assert.match(reasons[1], /^4;День рождения: .*ДД\.ММ\.ГГГГ/);
    assert.match(reasons[2], /^5;Эл\. почта: /);
    assert.match(reasons[3], /^6;Сегмент: /);
  });

  test('the type and the mapping of a persons job are checked', async () => {
    expectProblem(await uploadImport(server, sales, 'x.csv', CSV1251, 'deal'), 422, ['type']);
    expectProblem(await uploadImport(server, await tokenFor(server, 'risk'), 'x.csv', CSV1251, 'person'), 403);
    const up = await uploadImport(server, sales, 'x.csv', CSV1251, 'person');
    expectProblem(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: sales, json: { mapping: { inn: 1 } } }), 422, ['mapping']);
    // A mapping without ИНН: the row with the bad ИНН is good then.
    const done = await runImport(server, sales, 'x.csv', CSV1251, 'create', { type: 'person', mapping: { name: 0, phones: 3 } });
    assert.equal(done.summary, 'imported 5, updated 0, skipped 0, rejected 0');
  });

  test('export honours permissions: security sees every person, a manager only their own; CSV and XLSX, filters apply', async () => {
    const all = await call(server, 'GET', '/api/v1/persons/export?format=csv', { token: security });
    expectStatus(all, 200);
    assert.match(all.headers.get('content-disposition'), /attachment; filename="persons.csv"/);
    const rows = all.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(rows[0], 'Фамилия;Имя;Отчество;ИНН;День рождения;Телефоны;Эл. почта;Сегмент;Регион;Источник;Примечание;Дата создания');
    const everyone = (await listAll(server, admin, '/api/v1/persons')).length;
    assert.equal(rows.length - 1, everyone);
    assert.ok(rows.some((r) => r.startsWith('Иванов;Иван;Иванович;770712345633;15.03.1985;+79161234567;')), rows.join('\n'));

    const own = await call(server, 'GET', '/api/v1/persons/export?format=csv', { token: client });
    expectStatus(own, 200);
    assert.equal(own.text.trim().split('\n').length, 1, 'the client manager owns no person: header only');
    const salesOwn = await call(server, 'GET', '/api/v1/persons/export?format=csv', { token: sales });
    const salesCount = (await listAll(server, sales, '/api/v1/persons')).length;
    assert.equal(salesOwn.text.trim().split('\n').length - 1, salesCount);
    assert.ok(salesCount < everyone, `${salesCount} of ${everyone}`);

    const q = await call(server, 'GET', `/api/v1/persons/export?format=csv&q=${encodeURIComponent('Кузнецова')}`, { token: sales });
    assert.ok(q.text.trim().split('\n').slice(1).every((l) => l.startsWith('Кузнецова;')), q.text);
    const x = await call(server, 'GET', '/api/v1/persons/export?format=xlsx', { token: admin });
    expectStatus(x, 200);
    assert.match(x.headers.get('content-type'), /spreadsheetml/);
    expectProblem(await call(server, 'GET', '/api/v1/persons/export?format=pdf', { token: admin }), 422, ['format']);
    expectProblem(await call(server, 'GET', '/api/v1/persons/export?segment=gold', { token: admin }), 422, ['segment']);
  });

  test('file reader errors come in the user\'s language: Russian by default, English when chosen', async () => {
    const junk = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0, 7, 8]);
    const r1 = await uploadImport(server, sales, 'junk.png', junk, 'person');
    expectProblem(r1, 422, ['file']);
    assert.equal(r1.body.errors[0].reason, 'Это не таблица: в файле двоичные данные, а не текст CSV или XLSX');
    const r2 = await call(server, 'POST', '/api/v1/imports?type=person&file_name=junk.png', {
      token: sales, body: junk, headers: { 'content-type': 'application/octet-stream' }, cookie: 'lang=en',
    });
    expectProblem(r2, 422, ['file']);
    assert.equal(r2.body.errors[0].reason, 'This is not a table: the file holds binary data, not CSV or XLSX text');
    // An error inside the file: the preview names the row, and the job stops there after saving
    // the rows before it.
    const broken = utf8(['ФИО;Телефон', 'Зайцев Илья;+7 900 111-22-33', 'Волков Ян;"+7 900 111-22-34', 'Лисин Олег;+7 900 111-22-35']);
    const up = await uploadImport(server, sales, 'broken.csv', broken, 'person');
    expectStatus(up, 201);
    const pv = await call(server, 'GET', `/api/v1/imports/${up.body.id}/preview`, { token: sales });
    assert.equal(pv.body.error, 'Строка 3: кавычка в ячейке не закрыта до конца файла (лишняя кавычка?)');
    assert.equal(pv.body.rows.length, 1);
    expectStatus(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: sales, json: {} }), 202);
    const done = await waitImport(server, sales, up.body.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.summary, 'imported 1, updated 0, skipped 0, rejected 0');
    assert.equal(done.error, 'Строка 3: кавычка в ячейке не закрыта до конца файла (лишняя кавычка?)');
    // «Имя;Город / Анна;Тула» in Windows-1251, then 0x98, the one byte Windows-1251 leaves undefined.
    const bad1251 = Buffer.from([0xc8, 0xec, 0xff, 0x3b, 0xc3, 0xee, 0xf0, 0xee, 0xe4, 0x0a, 0xc0, 0xed, 0xed, 0xe0, 0x3b,
      0xd2, 0xf3, 0xeb, 0xe0, 0x0a, 0x98, 0x0a]);
    const r3 = await uploadImport(server, sales, 'bad1251.csv', bad1251, 'person');
    expectProblem(r3, 422, ['file']);
    assert.match(r3.body.errors[0].reason, /^Байт 0x98 \(позиция 20 от начала файла\) не является символом в кодировке windows-1251/);
  });
});
