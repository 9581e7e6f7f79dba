// Browser test of the site sobre builds from the real guide: Debian's
// Chromium driven by playwright-core, accessibility checked by axe-core.
// Run by tests/e2e/run.sh (SOBRE=path/to/sobre node --test tests/e2e/).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The real guide, from the test data (tests/testdata.sh); run.sh leaves this
// test out, or fails under CI, when it is missing.
const testdata = resolve(root, process.env.SOBRE_TESTDATA || '../shared');
const guideDir = join(testdata, 'corpus', 'gbpnr-v1');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

const BASE = '/publications/bonnes-pratiques/';
const PAGES = {
	home: BASE,
	list: BASE + 'bonnes-pratiques/',
	theme: BASE + 'strategie-et-gouvernance/',
	sheet: BASE + 'strategie-et-gouvernance/personne-dediee-demarche-numerique-responsable/',
	reading: BASE + 'lecture/',
};
const EXPORT = BASE + 'guide-bonnes-pratiques-numerique-responsable-export-version-v1.json';
const ENTRY = 'main li[data-priority]'; // one practice of the list page

let tmp, site, server, origin, browser, practices;
const contexts = [];
const foreign = []; // requests to any host but the local server

// ---- a tiny static file server: /x/ -> x/index.html, unknown -> 404.html ----

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.csv': 'text/csv; charset=utf-8',
	'.xml': 'application/xml; charset=utf-8',
	'.svg': 'image/svg+xml',
};

function fileFor(urlPath) {
	let p;
	try {
		p = decodeURIComponent(urlPath);
	} catch {
		return null;
	}
	if (p.endsWith('/')) p += 'index.html';
	const file = resolve(site, '.' + p);
	if (file !== site && !file.startsWith(site + sep)) return null;
	try {
		const st = statSync(file);
		if (st.isFile()) return file;
		if (st.isDirectory() && statSync(join(file, 'index.html')).isFile()) return join(file, 'index.html');
	} catch {
		// not found
	}
	return null;
}

function serve(req, res) {
	const path = new URL(req.url, 'http://localhost').pathname;
	let file = fileFor(path);
	let status = 200;
	if (!file) {
		file = join(site, '404.html');
		status = 404;
	}
	res.writeHead(status, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
	if (req.method === 'HEAD') return res.end();
	createReadStream(file).pipe(res);
}

// ---- helpers ----

async function newContext(options = {}) {
	const ctx = await browser.newContext({ locale: 'fr-FR', ...options });
	ctx.on('request', (r) => {
		const u = new URL(r.url());
		if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return;
		if (u.origin !== origin) foreign.push(r.url());
	});
	// Nothing may leave the machine: such requests are recorded above, then refused.
	await ctx.route((u) => u.origin !== origin && /^https?:$/.test(u.protocol), (route) => route.abort());
	contexts.push(ctx);
	return ctx;
}

async function open(ctx, path) {
	const page = await ctx.newPage();
	const resp = await page.goto(origin + path, { waitUntil: 'load' });
	assert.equal(resp.status(), 200, `${path}: HTTP ${resp.status()}`);
	return page;
}

function formatViolations(path, violations) {
	const lines = [`axe: ${violations.length} violation(s) on ${path}`];
	for (const v of violations) {
		lines.push(`  - ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} node(s))`);
		for (const n of v.nodes.slice(0, 3)) lines.push(`      ${n.target.join(' ')}`);
	}
	return lines.join('\n');
}

// Waits for the filter script to rewrite the query string (history.replaceState).
async function urlBecomes(page, pred, what) {
	try {
		await page.waitForURL(pred, { timeout: 5000 });
	} catch {
		assert.fail(`${what}; the URL stayed ${page.url()}`);
	}
}

// The list entries as the user sees them.
async function entries(page) {
	return page.$$eval(ENTRY, (lis) =>
		lis.map((li) => ({
			id: li.querySelector('.sheet-id')?.textContent.trim(),
			priority: li.getAttribute('data-priority'),
			who: (li.getAttribute('data-who') || '').split('|'),
			visible: li.checkVisibility(),
		})),
	);
}

// ---- setup ----

before(async () => {
	const sobre = process.env.SOBRE;
	assert.ok(sobre, 'SOBRE must name the sobre binary (SOBRE=build/sobre node --test tests/e2e/)');
	assert.ok(statSync(guideDir, { throwIfNoEntry: false })?.isDirectory(), `no guide at ${guideDir}`);
	tmp = mkdtempSync(join(tmpdir(), 'sobre-e2e-'));
	site = join(tmp, 'site');
	const r = spawnSync(resolve(sobre), ['build', guideDir, '-o', site], { encoding: 'utf8' });
	assert.equal(r.status, 0, `sobre build failed (${r.status}):\n${r.stdout}${r.stderr}`);

	server = createServer(serve);
	await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
	origin = `http://127.0.0.1:${server.address().port}`;

	browser = await chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});

	const resp = await fetch(origin + EXPORT);
	assert.equal(resp.status, 200, `${EXPORT}: HTTP ${resp.status}`);
	const doc = await resp.json();
	practices = doc.thematiques.flatMap((t) => t.bonnesPratiques);
	assert.equal(practices.length, 59, 'the real guide has 59 practices');
});

after(async () => {
	for (const ctx of contexts) await ctx.close().catch(() => {});
	if (browser) await browser.close();
	if (server) await new Promise((ok) => server.close(ok));
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// ---- accessibility ----

// The pages are checked side by side, each in its own tab.
describe('axe', { concurrency: true }, () => {
	for (const [name, path] of Object.entries(PAGES)) {
		test(`no violation on the ${name} page`, async () => {
			const ctx = await newContext();
			const page = await open(ctx, path);
			await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
			// axe's default rules, plus WCAG 2.2 AA target size (off by default).
			const result = await page.evaluate(() => window.axe.run(document, { rules: { 'target-size': { enabled: true } } }));
			await page.close();
			assert.equal(result.violations.length, 0, formatViolations(path, result.violations));
		});
	}
});

// ---- filters of the list page ----

test('list: choosing "Prioritaire" shows only priority sheets and updates the URL', async () => {
	const ctx = await newContext();
	const page = await open(ctx, PAGES.list);
	const expected = practices.filter((p) => p.priorite === 'Prioritaire').length;
	assert.ok(expected > 0 && expected < practices.length);

	const before = await entries(page);
	assert.equal(before.length, practices.length, 'every practice is listed');
	assert.ok(before.every((e) => e.visible), 'no filter: every practice is visible');

	await page.getByLabel('Priorité', { exact: true }).selectOption('Prioritaire');
	await urlBecomes(page, (u) => u.searchParams.get('priority') === 'Prioritaire', 'the URL should get priority=Prioritaire');
	assert.match(new URL(page.url()).search, /(^\?|&)priority=Prioritaire(&|$)/);

	const after = await entries(page);
	const shown = after.filter((e) => e.visible);
	assert.ok(shown.every((e) => e.priority === 'Prioritaire'), 'only Prioritaire entries are visible');
	assert.equal(shown.length, expected, 'as many visible entries as Prioritaire practices in the JSON export');
	const others = after.filter((e) => e.priority !== 'Prioritaire');
	assert.ok(others.length > 0 && others.every((e) => !e.visible), 'other entries are hidden');
	assert.match(await page.locator('#filter-count').textContent(), new RegExp(`^${expected} `));

	// Back to "Toutes": everything again, and the parameter leaves the URL.
	await page.getByLabel('Priorité', { exact: true }).selectOption({ index: 0 });
	await urlBecomes(page, (u) => !u.searchParams.has('priority'), '"Toutes" should remove priority from the URL');
	assert.ok((await entries(page)).every((e) => e.visible));
	await page.close();
});

test('list: ?priority=Recommandée&who=Direction%20des%20achats preselects both filters', async () => {
	const ctx = await newContext();
	const priority = 'Recommandée';
	const who = 'Direction des achats';
	const page = await open(ctx, `${PAGES.list}?priority=${encodeURIComponent(priority)}&who=Direction%20des%20achats`);
	assert.equal(await page.getByLabel('Priorité', { exact: true }).inputValue(), priority);
	assert.equal(await page.getByLabel('Qui est pilote', { exact: true }).inputValue(), who);
	assert.equal(await page.getByLabel('Mise en œuvre', { exact: true }).inputValue(), '');

	const expected = practices.filter((p) => p.priorite === priority && p.pilotes.includes(who)).map((p) => p.id);
	assert.ok(expected.length > 0, 'the guide has such practices');
	const all = await entries(page);
	const shown = all.filter((e) => e.visible);
	assert.deepEqual(shown.map((e) => e.id).sort(), expected.sort());
	for (const e of all) {
		const match = e.priority === priority && e.who.includes(who);
		assert.equal(e.visible, match, `entry ${e.id}: visible=${e.visible}, matches=${match}`);
	}
	// Themes left without a visible practice are hidden whole.
	const emptyGroupsShown = await page.$$eval('.theme-group', (gs) =>
		gs.filter((g) => g.checkVisibility() && !g.querySelector('li[data-priority]:not([hidden])')).length,
	);
	assert.equal(emptyGroupsShown, 0);
	await page.close();
});

test('list: without JavaScript every sheet is listed', async () => {
	const ctx = await newContext({ javaScriptEnabled: false });
	const page = await open(ctx, `${PAGES.list}?priority=Prioritaire`);
	const all = await page.locator(ENTRY).count();
	const visible = await page.locator(`${ENTRY}:visible`).count();
	assert.equal(all, 59);
	assert.equal(visible, 59, 'no entry is hidden');
	assert.equal(await page.locator('#filtres').isVisible(), false, 'the filter form needs the script');
	await page.close();
});

// Every request of the five pages succeeds: their images, stylesheet,
// script and the icon they declare (a browser asks /favicon.ico of a page
// that declares none; Chromium does so outside the page, unseen by
// playwright, hence the icon's own check).
test('no request of the home, list, theme, sheet and reading pages fails', async () => {
	const ctx = await newContext();
	const failed = [];
	ctx.on('response', (r) => {
		if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
	});
	ctx.on('requestfailed', (r) => failed.push(`${r.failure()?.errorText} ${r.url()}`));
	for (const [name, path] of Object.entries(PAGES)) {
		const page = await open(ctx, path);
		const icons = await page.$$eval('link[rel~="icon"]', (ls) => ls.map((l) => l.href));
		assert.equal(icons.length, 1, `the ${name} page declares one icon`);
		const resp = await ctx.request.get(icons[0]);
		assert.equal(resp.status(), 200, `the ${name} page's icon ${icons[0]}: HTTP ${resp.status()}`);
		const broken = await page.$$eval('img', (is) => is.filter((i) => !i.complete || !i.naturalWidth).map((i) => i.src));
		assert.deepEqual(broken, [], `the ${name} page shows every image it has`);
		await page.close();
	}
	assert.deepEqual(failed, []);
});

// Last: every page above has been visited.
test('no request leaves the local server', () => {
	assert.ok(contexts.length > 0);
	assert.deepEqual(foreign, []);
});
