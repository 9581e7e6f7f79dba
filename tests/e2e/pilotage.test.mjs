// Browser test of the steering web app (/pilotage/) served by `sobre serve`
// on the example guide with a fresh database: log in, assess a practice, add
// a measurement, see the dashboard change; axe-core finds no violation on
// any app page, the management report included, nor, once the organisation
// has perimeters, on the pages with the perimeter switcher and on the
// consolidation pages. Run by tests/e2e/run.sh (SOBRE=path/to/sobre).
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

test('the app asks nothing of any other host', () => {
	assert.deepEqual(foreign, []);
});
