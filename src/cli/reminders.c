/* reminders: the e-mail reminders' run, shared by `sobre remind` and
 * serve's schedule: the settings checked, the digests of the period and
 * the assignment messages composed, claimed, sent over SMTP (or printed
 * for a dry run), and a key=value line for each. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "steer/account.h"
#include "steer/remind.h"
#include "steer/store.h"
#include "util/fs.h"
#include "util/logfmt.h"
#include "util/mime.h"
#include "util/smtp.h"

const char *cli_setting(const config_key_t *keys, size_t n, const config_value_t *vals, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			return vals[i].value;
	return NULL;
}

void cli_remind_config_free(cli_remind_config_t *c)
{
	if (c->password)
		memset(c->password, 0, strlen(c->password));
	free(c->password);
	memset(c, 0, sizeof *c);
}

int cli_remind_config(const char *cmd, const config_key_t *keys, size_t nkeys, const config_value_t *vals, bool need_smtp,
		      cli_remind_config_t *out)
{
	memset(out, 0, sizeof *out);
	const char *period = cli_setting(keys, nkeys, vals, "reminder_period"), *tls = cli_setting(keys, nkeys, vals, "smtp_tls");
	int p = remind_period_parse(period);
	buf_t why = BUF_INIT, pw = BUF_INIT;
	int rc = EXIT_OK;
	if (p < 0) {
		fprintf(stderr, "sobre %s: reminder_period is '%s'; it takes weekly, daily, monthly or off\n", cmd, period);
		rc = EXIT_USAGE;
		goto done;
	}
	if (strcmp(tls, "starttls") != 0 && strcmp(tls, "none") != 0) {
		fprintf(stderr, "sobre %s: smtp_tls is '%s'; it takes starttls or none (smtps:// URLs are TLS from the "
				"start)\n", cmd, tls);
		rc = EXIT_USAGE;
		goto done;
	}
	out->period = (remind_period_t)p;
	out->base_url = cli_setting(keys, nkeys, vals, "base_url");
	out->from = cli_setting(keys, nkeys, vals, "smtp_from");
	out->smtp.url = cli_setting(keys, nkeys, vals, "smtp_url");
	out->smtp.starttls = strcmp(tls, "starttls") == 0 && out->smtp.url && strncmp(out->smtp.url, "smtps:", 6) != 0;
	out->smtp.user = cli_setting(keys, nkeys, vals, "smtp_user");
	out->smtp.ca_file = cli_setting(keys, nkeys, vals, "smtp_ca_file");
	out->smtp.timeout = strtol(cli_setting(keys, nkeys, vals, "smtp_timeout"), NULL, 10);
	const char *pwfile = cli_setting(keys, nkeys, vals, "smtp_password_file");
	if (!out->base_url || (strncmp(out->base_url, "https://", 8) != 0 && strncmp(out->base_url, "http://", 7) != 0)) {
		fprintf(stderr, "sobre %s: reminders link to the web app: set base_url to its public address "
				"(https://sobre.example.org)\n", cmd);
		rc = EXIT_USAGE;
		goto done;
	}
	if (!out->from || !mime_address(out->from, &why)) {
		fprintf(stderr, "sobre %s: smtp_from must be the sender's address (\"Pilotage <pilotage@example.org>\")\n",
			cmd);
		rc = EXIT_USAGE;
		goto done;
	}
	buf_reset(&why);
	if (need_smtp && !out->smtp.url) {
		fprintf(stderr, "sobre %s: smtp_url is not set (smtp://host:587 or smtps://host:465); --dry-run "
				"prints the messages without it\n", cmd);
		rc = EXIT_USAGE;
		goto done;
	}
	if (out->smtp.url && !smtp_check_url(out->smtp.url, out->smtp.starttls, &why)) {
		fprintf(stderr, "sobre %s: smtp_url '%s': %s\n", cmd, out->smtp.url, buf_cstr(&why));
		rc = EXIT_USAGE;
		goto done;
	}
	if (out->smtp.user && !pwfile) {
		fprintf(stderr, "sobre %s: smtp_user goes with smtp_password_file (the file holding its password)\n", cmd);
		rc = EXIT_USAGE;
		goto done;
	}
	if (pwfile && need_smtp) {
		if (!cli_read_secret(cmd, "smtp_password_file", pwfile, SMTP_MAX_PASSWORD, &pw)) {
			rc = EXIT_USAGE;
			goto done;
		}
		out->password = buf_detach(&pw);
		out->smtp.password = out->password;
	}
done:
	buf_free(&why);
	if (pw.len)
		memset((char *)buf_cstr(&pw), 0, pw.len);
	buf_free(&pw);
	return rc;
}

static void log_line(const char *level, const char *kind, const char *to, const char *what, const char *err)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_t b = BUF_INIT;
	buf_printf(&b, "ts=%s level=%s event=reminder", ts, level);
	logfmt_kv(&b, "kind", kind, SIZE_MAX);
	logfmt_kv(&b, "to", to, SIZE_MAX);
	logfmt_kv(&b, "what", what, SIZE_MAX);
	logfmt_kv(&b, "status", err ? "failed" : "sent", SIZE_MAX);
	if (err)
		logfmt_kv(&b, "err", err, SIZE_MAX);
	fprintf(stderr, "%s\n", buf_cstr(&b));
	buf_free(&b);
}

/* Runs one claim or release in its own write transaction. */
typedef steer_rc (*claim_fn)(store_t *s, long long a, long long b, const char *period, bool *claimed,
			     diag_list_t *d);

static steer_rc claim_digest(store_t *s, long long user, long long unused, const char *period, bool *claimed,
			     diag_list_t *d)
{
	(void)unused;
	if (claimed)
		return remind_claim_digest(s, user, period, claimed, d);
	return remind_release_digest(s, user, period, d);
}

static steer_rc claim_assignment(store_t *s, long long a, long long user, const char *period, bool *claimed,
				 diag_list_t *d)
{
	(void)period;
	if (claimed)
		return remind_claim_assignment(s, a, user, claimed, d);
	return remind_release_assignment(s, a, user, d);
}

static steer_rc in_tx(store_t *s, claim_fn fn, long long a, long long b, const char *period, bool *claimed,
		      diag_list_t *d)
{
	steer_rc rc = store_begin(s, true, d);
	if (!rc)
		rc = fn(s, a, b, period, claimed, d);
	if (!rc)
		rc = store_commit(s, d);
	else
		store_rollback(s);
	return rc;
}

typedef struct {
	const cli_remind_config_t *cfg;
	store_t *s;
	smtp_t *smtp;
	FILE *out; /* --dry-run: where the messages go; NULL: sent */
	buf_t envelope;
	unsigned long sent, failed, n;
	const char *cmd;
} run_t;

/* Composes and sends (or prints) one message. The claim is committed
 * before the message leaves: a crash between the two loses that one
 * message (its person gets the next period's), it never sends it twice;
 * a failed send gives the claim back, so that the next run retries. */
static steer_rc deliver(run_t *r, const char *kind, const char *to, const char *what, remind_text_t *t, claim_fn fn,
			long long a, long long b, const char *period, diag_list_t *d)
{
	char id[ACCOUNT_TOKEN_HEX];
	account_random_hex(id);
	buf_t msg = BUF_INIT, mid = BUF_INIT, why = BUF_INIT;
	const char *at = strchr(buf_cstr(&r->envelope), '@');
	buf_printf(&mid, "%.32s.sobre%s", id, at ? at : "@localhost");
	mime_message_t m = {r->cfg->from,
			    to,
			    buf_cstr(&t->subject),
			    store_now(r->s),
			    buf_cstr(&mid),
			    strncmp(r->cfg->base_url, "https://", 8) == 0 ? buf_cstr(&t->unsubscribe) : NULL,
			    buf_cstr(&t->text),
			    buf_cstr(&t->html)};
	steer_rc rc = STEER_OK;
	if (!mime_compose(&m, &msg)) {
		log_line("error", kind, to, what, "the message could not be composed (an address or the subject is bad)");
		r->failed++;
		goto cleanup;
	}
	r->n++;
	if (r->out) {
		fprintf(r->out, "--- message %lu: %s to %s ---\n", r->n, kind, to);
		for (const char *p = buf_cstr(&msg); *p; p++)
			if (!(p[0] == '\r' && p[1] == '\n'))
				fputc(*p, r->out);
		goto cleanup;
	}
	bool claimed = false;
	if ((rc = in_tx(r->s, fn, a, b, period, &claimed, d)) || !claimed)
		goto cleanup; /* claimed by another run meanwhile: it sends it */
	if (smtp_send(r->smtp, buf_cstr(&r->envelope), to, buf_cstr(&msg), msg.len, &why)) {
		log_line("info", kind, to, what, NULL);
		r->sent++;
	} else {
		log_line("error", kind, to, what, buf_cstr(&why));
		r->failed++;
		rc = in_tx(r->s, fn, a, b, period, NULL, d);
	}
cleanup:
	buf_free(&msg);
	buf_free(&mid);
	buf_free(&why);
	return rc;
}

int cli_remind_run(const char *cmd, const cli_remind_config_t *cfg, const char *db, FILE *dry,
		   unsigned long *sent, unsigned long *failed, const atomic_bool *stop)
{
	store_t *s = NULL;
	diag_list_t d = DIAG_LIST_INIT;
	remind_digests_t dig = {0};
	remind_assignments_t asg = {0};
	long long *bad = NULL;
	size_t nbad = 0;
	run_t r = {cfg, NULL, NULL, dry, BUF_INIT, 0, 0, 0, cmd};
	char period[32] = "";
	*sent = *failed = 0;
	int rc = cli_steer_open(cmd, db, false, false, &s);
	if (rc)
		return rc;
	r.s = s;
	mime_address(cfg->from, &r.envelope);
	if (cfg->period != REMIND_OFF) {
		remind_period_key(cfg->period, store_now(s), period);
		rc = remind_digests(s, period, &dig, &d);
	}
	if (!rc)
		rc = remind_assignments(s, &asg, &d);
	store_rollback(s);
	if (rc)
		goto cleanup;
	if (!dry) {
		smtp_config_t sc = cfg->smtp;
		sc.cancel = stop;
		r.smtp = smtp_open(&sc);
	}
	bad = calloc(asg.len + 1, sizeof *bad);
	size_t budget = REMIND_MAX_MESSAGES;
	/* Stopping is taken as a budget spent: the rest waits for the next run. */
	for (size_t i = 0; !rc && i < dig.len && budget; i++, budget--) {
		if (stop && atomic_load(stop)) {
			budget = 0;
			break;
		}
		remind_text_t t = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
		remind_compose_digest(&dig.items[i], cfg->base_url, &t);
		rc = deliver(&r, "digest", dig.items[i].email, period, &t, claim_digest, dig.items[i].user_id, 0, period,
			     &d);
		remind_text_free(&t);
	}
	for (size_t i = 0; !rc && i < asg.len; i++) {
		const remind_assignment_t *a = &asg.items[i];
		unsigned long before = r.failed;
		if (stop && atomic_load(stop))
			budget = 0;
		if (budget) {
			remind_text_t t = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
			remind_compose_assignment(a, cfg->base_url, &t);
			rc = deliver(&r, "assignment", a->email, a->idbp, &t, claim_assignment, a->assignment_id, a->user_id,
				     NULL, &d);
			remind_text_free(&t);
			budget--;
		}
		if (!budget || r.failed > before)
			bad[nbad++] = a->assignment_id;
	}
	if (!rc && !dry) {
		if (!(rc = store_begin(s, true, &d)) && !(rc = remind_assignments_done(s, &asg, bad, nbad, &d)))
			rc = store_commit(s, &d);
		if (rc)
			store_rollback(s);
	}
	if (dry)
		fprintf(stderr, "sobre %s: %lu message%s (dry run: nothing sent, nothing recorded)\n", cmd, r.n,
			r.n == 1 ? "" : "s");
cleanup:
	*sent = r.sent;
	*failed = r.failed;
	smtp_close(r.smtp);
	buf_free(&r.envelope);
	free(bad);
	remind_digests_free(&dig);
	remind_assignments_free(&asg);
	cli_steer_print(cmd, &d);
	diag_list_free(&d);
	store_close(s);
	if (rc)
		return rc == STEER_IO ? EXIT_USAGE : rc;
	return r.failed ? EXIT_PROBLEMS : EXIT_OK;
}

