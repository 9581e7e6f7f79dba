// Browser test of the steering web app (/pilotage/) served by `sobre serve`
// on the example guide with a fresh database: log in, assess a practice, add
// a measurement, see the dashboard change; axe-core finds no violation on
// any app page, the management report included, nor, once the organisation
// has perimeters, on the pages with the perimeter switcher and on the
// consolidation pages, nor on the RGESN declaration's pages and the page
// it publishes, nor on the objectives' pages, whose trajectory charts show. Run by tests/e2e/run.sh (SOBRE=path/to/sobre).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let tmp, server, origin, password, browser;
const contexts = [];
const foreign = [];

async function newContext(options = {}) {
	// bypassCSP: only so that axe can be injected; the pages themselves run
	// under the server's Content-Security-Policy in every other respect.
	const ctx = await browser.newContext({ locale: 'fr-FR', bypassCSP: true, ...options });
	ctx.on('request', (r) => {
		const u = new URL(r.url());
		if (/^(data|blob|about):$/.test(u.protocol)) return;
		if (u.origin !== origin) foreign.push(r.url());
	});
	await ctx.route((u) => u.origin !== origin && /^https?:$/.test(u.protocol), (route) => route.abort());
	contexts.push(ctx);
	return ctx;
}

async function login(ctx) {
	const page = await ctx.newPage();
	await page.goto(origin + '/pilotage/');
	assert.match(page.url(), /\/pilotage\/connexion$/);
	await page.getByLabel('Adresse électronique').fill('admin@localhost');
	await page.getByLabel('Mot de passe').fill(password);
	await Promise.all([page.waitForURL(origin + '/pilotage/'), page.getByRole('button', { name: 'Se connecter' }).click()]);
	return page;
}

async function axe(page, path) {
	const resp = await page.goto(origin + path, { waitUntil: 'load' });
	assert.equal(resp.status(), 200, `${path}: HTTP ${resp.status()}`);
	await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
	const result = await page.evaluate(() => window.axe.run(document, { rules: { 'target-size': { enabled: true } } }));
	const lines = [`axe: ${result.violations.length} violation(s) on ${path}`];
	for (const v of result.violations) {
		lines.push(`  - ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} node(s))`);
		for (const n of v.nodes.slice(0, 3)) lines.push(`      ${n.target.join(' ')}`);
	}
	assert.equal(result.violations.length, 0, lines.join('\n'));
}

before(async () => {
	const sobre = process.env.SOBRE;
	assert.ok(sobre, 'SOBRE must name the sobre binary');
	tmp = mkdtempSync(join(tmpdir(), 'sobre-e2e-pilotage-'));
	server = spawn(resolve(sobre), ['serve', '--port', '0', '--quiet', '--db', join(tmp, 'sobre.db'), join(root, 'examples', 'guide')], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	await new Promise((ok, fail) => {
		const timer = setTimeout(() => fail(new Error(`serve did not start: ${out}`)), 15000);
		server.stdout.on('data', (d) => {
			out += d;
			const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/pilotage\//);
			const p = out.match(/with password (\S+)/);
			if (m && p) {
				origin = `http://127.0.0.1:${m[1]}`;
				password = p[1];
				clearTimeout(timer);
				ok();
			}
		});
	});
	browser = await chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
});

after(async () => {
	for (const ctx of contexts) await ctx.close().catch(() => {});
	if (browser) await browser.close();
	if (server) {
		server.kill('SIGTERM');
		await new Promise((ok) => server.once('exit', ok));
	}
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('login page: no axe violation', async () => {
	const ctx = await newContext();
	const page = await ctx.newPage();
	await axe(page, '/pilotage/connexion');
});

// Every request of the login page and the dashboard succeeds, the icon
// they declare included (Chromium asks for it outside the page, unseen by
// playwright, hence its own check; a page without one makes it ask
// /favicon.ico).
test('no request of the login page and the dashboard fails', async () => {
	const ctx = await newContext();
	const failed = [];
	ctx.on('response', (r) => {
		if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
	});
	ctx.on('requestfailed', (r) => failed.push(`${r.failure()?.errorText} ${r.url()}`));
	const page = await ctx.newPage();
	await page.goto(origin + '/pilotage/connexion', { waitUntil: 'load' });
	await checkIcon(page, '/pilotage/connexion');
	await page.getByLabel('Adresse électronique').fill('admin@localhost');
	await page.getByLabel('Mot de passe').fill(password);
	await Promise.all([page.waitForURL(origin + '/pilotage/'), page.getByRole('button', { name: 'Se connecter' }).click()]);
	await page.waitForLoadState('load');
	await checkIcon(page, '/pilotage/');
	await page.close();
	assert.deepEqual(failed, []);
});

async function checkIcon(page, path) {
	const icons = await page.$$eval('link[rel~="icon"]', (ls) => ls.map((l) => l.href));
	assert.equal(icons.length, 1, `${path} declares one icon`);
	const resp = await page.request.get(icons[0]);
	assert.equal(resp.status(), 200, `${path}'s icon ${icons[0]}: HTTP ${resp.status()}`);
	assert.equal(resp.headers()['content-type'], 'image/svg+xml');
}

test('log in, assess a practice, add a measurement, see the dashboard change', async () => {
	const ctx = await newContext();
	const page = await login(ctx);
	const before = await page.locator('#completion').textContent();
	assert.equal(before.trim(), '0 / 6');

	await page.goto(origin + '/pilotage/pratiques');
	await page.getByRole('link', { name: 'Configurer la mise en veille des postes' }).click();
	await page.getByLabel('Statut').selectOption('réalisée');
	await page.getByLabel('Fonction pilote').fill('Direction du numérique');
	await page.getByLabel('Commentaire (Markdown)').fill('Stratégie de groupe **déployée**.');
	await Promise.all([page.waitForURL(/ok=evaluation/), page.getByRole('button', { name: "Enregistrer l'évaluation" }).click()]);
	assert.equal((await page.locator('#current-status').textContent()).trim(), 'réalisée');
	assert.equal(await page.locator('.comment strong').textContent(), 'déployée');

	await page.getByLabel('Valeur').fill('87');
	await page.getByLabel(/^Période/).fill('2026-T1');
	await Promise.all([page.waitForURL(/ok=mesure/), page.getByRole('button', { name: 'Ajouter la mesure' }).click()]);
	assert.ok(await page.getByRole('cell', { name: '2026-T1', exact: true }).isVisible());

	await page.goto(origin + '/pilotage/');
	assert.equal((await page.locator('#completion').textContent()).trim(), '1 / 6');
	assert.notEqual((await page.locator('#score').textContent()).trim(), '0,0 %');
});

test('a refused value shows its error next to the field', async () => {
	const ctx = await newContext();
	const page = await login(ctx);
	await page.goto(origin + '/pilotage/pratiques/a.2');
	// The due date is a date field (the browser's own calendar); a link that
	// is not one is refused by the server, next to its field.
	assert.equal(await page.getByLabel('Échéance').getAttribute('type'), 'date');
	await page.getByLabel('Échéance').fill('2030-06-30');
	await page.getByLabel('Preuves (un lien par ligne)').fill('pas un lien');
	await page.getByRole('button', { name: "Enregistrer l'évaluation" }).click();
	const field = page.getByLabel('Preuves (un lien par ligne)');
	assert.equal(await field.getAttribute('aria-invalid'), 'true');
	assert.equal(await field.inputValue(), 'pas un lien');
	assert.equal(await page.getByLabel('Échéance').inputValue(), '2030-06-30');
	assert.match(await page.locator('#evidence-error').textContent(), /lien http/);
});

test('no axe violation on any app page', async () => {
	const ctx = await newContext();
	const page = await login(ctx);
	// A snapshot, so that the dashboard and the report draw their line chart.
	await page.goto(origin + '/pilotage/instantanes');
	await page.getByLabel('Nom du nouvel instantané').fill('T1 2026');
	await Promise.all([page.waitForURL(/ok=instantane/), page.getByRole('button', { name: "Créer l'instantané" }).click()]);
	for (const path of ['/pilotage/', '/pilotage/pratiques', '/pilotage/pratiques/a.1', '/pilotage/plan',
		'/pilotage/indicateurs', '/pilotage/instantanes', '/pilotage/administration', '/pilotage/compte',
		'/pilotage/rapport']) {
		await axe(page, path);
	}
	await page.goto(origin + '/pilotage/');
	assert.equal(await page.locator('svg.trend-svg polyline.trend-line').count(), 1);
	assert.equal(await page.locator('svg.bars-svg').count(), 2);
	await page.goto(origin + '/pilotage/rapport');
	assert.equal(await page.locator('svg.trend-svg polyline.trend-line').count(), 1);
	assert.equal(await page.locator('svg.bars-svg').count(), 2);
});

test('objectives: add one, its trajectory chart on the page and the dashboard; no axe violation', async () => {
	const ctx = await newContext();
	const page = await login(ctx);
	// A measurement from before, so that the objective has a baseline.
	execFileSync(resolve(process.env.SOBRE), ['measure', 'a.1', '--indicator', '1', '--value', '60', '--date', '2025',
		'--db', join(tmp, 'sobre.db')]);
	await page.goto(origin + '/pilotage/objectifs');
	await page.getByLabel("Nom de l'objectif").fill('Veille à 95 %');
	await page.getByLabel('Indicateur (oui/non, pourcentage ou quantité)').selectOption('a.1#1');
	await page.getByLabel(/^Cible/).fill('95');
	assert.equal(await page.getByLabel('Échéance').getAttribute('type'), 'date');
	await page.getByLabel('Échéance').fill('2028-12-31');
	await page.getByLabel('Budget (€, facultatif)').fill('1 200,50');
	await Promise.all([page.waitForURL(/ok=ajout/), page.getByRole('button', { name: "Ajouter l'objectif" }).click()]);
	const chart = page.getByRole('img', { name: /Objectif « Veille à 95 % » : cible 95/ });
	assert.ok(await chart.isVisible(), 'the trajectory chart is visible');
	assert.equal(await chart.locator('line[stroke-dasharray]').count(), 1);
	const box = await chart.boundingBox();
	assert.ok(box && box.width > 100 && box.height > 50, `the chart has a size: ${JSON.stringify(box)}`);
	await axe(page, '/pilotage/objectifs');
	await page.getByRole('link', { name: 'Veille à 95 %' }).click();
	assert.equal(await page.getByLabel(/^Cible/).inputValue(), '95');
	await axe(page, page.url().slice(origin.length));
	await page.goto(origin + '/pilotage/');
	assert.ok(await page.getByRole('img', { name: /Objectif « Veille à 95 % »/ }).isVisible(), 'the dashboard draws it');
	await axe(page, '/pilotage/');
});

test('perimeters: switcher and consolidation, no axe violation', async () => {
	// A tree of three levels made with the CLI while the server runs.
	const db = join(tmp, 'sobre.db');
	const run = (...args) => execFileSync(resolve(process.env.SOBRE), [...args, '--db', db], { stdio: 'pipe' });
	run('perimeter', 'add', 'Direction du numérique', '--kind', 'direction');
	run('perimeter', 'add', 'Portail démarches', '--parent', 'Direction du numérique', '--guide', 'gbpnr');
	run('perimeter', 'add', 'Messagerie', '--parent', 'Direction du numérique', '--guide', 'gbpnr');
	run('perimeter', 'add', 'Établissement de Lyon', '--kind', 'etablissement', '--guide', 'gbpnr');
	run('assess', 'a.1', '--status', 'réalisée', '--perimeter', 'Portail démarches');
	run('assess', 'b.1', '--status', 'en cours', '--perimeter', 'Messagerie');
	const ctx = await newContext();
	const page = await login(ctx);
	// The switcher: a plain form, no script.
	await page.getByLabel('Périmètre').selectOption('Portail démarches');
	await Promise.all([page.waitForURL(/perimetre=Portail/), page.getByRole('button', { name: 'Afficher ce périmètre' }).click()]);
	assert.equal((await page.locator('#completion').textContent()).trim(), '1 / 6');
	await page.getByRole('link', { name: 'Pratiques' }).click();
	assert.match(page.url(), /\/pilotage\/pratiques\?perimetre=Portail/);
	await page.goto(origin + '/pilotage/');
	await page.getByRole('link', { name: 'Consolidation' }).click();
	const row = page.getByRole('row', { name: /Direction du numérique/ });
	assert.match(await row.textContent(), /\(moyenne\)/);
	for (const path of ['/pilotage/consolidation', '/pilotage/consolidation?perimetre=Direction%20du%20num%C3%A9rique',
		'/pilotage/?perimetre=Messagerie', '/pilotage/pratiques/a.1?perimetre=Portail%20d%C3%A9marches',
		'/pilotage/administration']) {
		await axe(page, path);
	}
});

test('the RGESN declaration: its page, a criterion, the publishable page; no axe violation', async () => {
	// A service assessed against a small RGESN of our own words, with the CLI while the server runs.
	const db = join(tmp, 'sobre.db');
	const run = (...args) => execFileSync(resolve(process.env.SOBRE), [...args, '--db', db], { stdio: 'pipe' });
	run('guide', 'import', join(root, 'tests', 'cases', 'steer', 'rgesn-score', 'input', 'rgesn.json'));
	run('perimeter', 'add', 'Service en ligne', '--guide', 'rgesn');
	run('assess', '1.1', '--perimeter', 'Service en ligne', '--status', 'validé', '--comment', 'Écrite et **publiée**.');
	run('assess', '1.2', '--perimeter', 'Service en ligne', '--status', 'non applicable', '--comment', 'Aucune vidéo.');
	run('assess', '2.2', '--perimeter', 'Service en ligne', '--status', 'non validé', '--owner', 'Léa', '--due', '2027-03-31');
	run('declaration', 'set', 'nom', 'Service en ligne', 'strategie', '- Pages légères\n- Parcours courts', '--perimeter', 'Service en ligne');
	const ctx = await newContext();
	const page = await login(ctx);
	const q = '?perimetre=Service%20en%20ligne';
	await page.goto(origin + '/pilotage/' + q);
	await page.getByRole('link', { name: 'Déclaration', exact: true }).click();
	assert.match(page.url(), /\/pilotage\/declaration\?perimetre=Service/);
	// The form, without JavaScript: a date field, saved and shown back.
	assert.equal(await page.getByLabel('Date de l’évaluation').getAttribute('type'), 'date');
	await page.getByLabel('Date de l’évaluation').fill('2026-11-02');
	await page.getByLabel('Entité ayant réalisé l’évaluation').fill('Équipe produit');
	await Promise.all([page.waitForURL(/ok=declaration/), page.getByRole('button', { name: 'Enregistrer la déclaration' }).click()]);
	assert.equal(await page.getByLabel('Entité ayant réalisé l’évaluation').inputValue(), 'Équipe produit');
	// A refused value stays in its field, the error next to it.
	await page.getByLabel('Largeur d’écran minimale (pixels)').fill('trois cents');
	await page.getByRole('button', { name: 'Enregistrer la déclaration' }).click();
	const width = page.getByLabel('Largeur d’écran minimale (pixels)');
	assert.equal(await width.getAttribute('aria-invalid'), 'true');
	assert.equal(await width.inputValue(), 'trois cents');
	await page.getByRole('link', { name: /^2\.2 / }).click();
	await page.getByLabel('Actions à mener').fill('Recompresser les images.');
	await Promise.all([page.waitForURL(/ok=declaration/), page.getByRole('button', { name: 'Enregistrer les textes' }).click()]);
	for (const path of ['/pilotage/declaration' + q, '/pilotage/declaration/criteres/2.2' + q]) await axe(page, path);
	// The publishable page is a download: checked as the browser shows the saved file.
	const resp = await page.request.get(origin + '/pilotage/declaration.html' + q);
	assert.equal(resp.status(), 200);
	assert.match(resp.headers()['content-disposition'], /attachment; filename="declaration.html"/);
	const html = await resp.text();
	const doc = await ctx.newPage();
	await doc.setContent(html, { waitUntil: 'load' });
	assert.equal(await doc.locator('h1').textContent(), 'Déclaration d’écoconception');
	assert.match(await doc.locator('#ameliorations ~ ol li').first().textContent(), /Recompresser les images\./);
	await doc.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
	const result = await doc.evaluate(() => window.axe.run(document, { rules: { 'target-size': { enabled: true } } }));
	assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.help}`), [], 'axe on the published declaration');
});

test('the stratégie: its page, a text saved, the printable page and the ODT; no axe violation', async () => {
	const db = join(tmp, 'sobre.db');
	const run = (...args) => execFileSync(resolve(process.env.SOBRE), [...args, '--db', db], { stdio: 'pipe' });
	run('assess', 'a.2', '--status', 'en cours', '--budget', '2 500', '--staff', '3,5', '--pilot', 'Direction du numérique');
	const ctx = await newContext();
	const page = await login(ctx);
	await page.goto(origin + '/pilotage/');
	await page.getByRole('link', { name: 'Stratégie', exact: true }).click();
	assert.match(page.url(), /\/pilotage\/strategie/);
	for (const part of ['1. Programme de travail', "2. Objectifs de réduction de l'empreinte", '3. Mesures et moyens'])
		assert.ok(await page.getByRole('heading', { name: part }).isVisible(), part);
	await page.getByLabel(/^Gouvernance/).fill('Un **comité** de pilotage, chaque trimestre.');
	await Promise.all([page.waitForURL(/ok=strategie/), page.getByRole('button', { name: 'Enregistrer : Gouvernance' }).click()]);
	assert.equal(await page.locator('#document strong', { hasText: 'comité' }).count(), 1);
	await axe(page, '/pilotage/strategie');
	// The printable page is a download: checked as the browser shows the saved file.
	const resp = await page.request.get(origin + '/pilotage/strategie.html');
	assert.equal(resp.status(), 200);
	const doc = await ctx.newPage();
	await doc.setContent(await resp.text(), { waitUntil: 'load' });
	assert.match(await doc.locator('h1').textContent(), /^Stratégie numérique responsable — /);
	assert.equal(await doc.locator('table caption', { hasText: "Le plan d'action" }).count(), 1);
	await doc.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
	const result = await doc.evaluate(() => window.axe.run(document, { rules: { 'target-size': { enabled: true } } }));
	assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.help}`), [], 'axe on the printable stratégie');
	const odt = await page.request.get(origin + '/pilotage/strategie.odt');
	assert.equal(odt.status(), 200);
	assert.equal((await odt.body()).subarray(30, 38).toString(), 'mimetype');
});

test('the app asks nothing of any other host', () => {
	assert.deepEqual(foreign, []);
});
