/* smtp: handing messages to a mail server with libcurl: implicit TLS
 * (smtps://), STARTTLS required (smtp:// with starttls), or plain SMTP,
 * which smtp_check_url allows to a loopback server only (a relay on the
 * same machine); authentication when a user is given. One connection is
 * kept open for the messages sent through the same smtp_t. Never prints. */
#ifndef SOBRE_SMTP_H
#define SOBRE_SMTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* A password file holds one line: a bigger one is not a password file. */
#define SMTP_MAX_PASSWORD 1024
/* Seconds allowed per message by default (connect, TLS, the exchange): a
 * server that does not answer must not hold a run of reminders for long. */
#define SMTP_DEFAULT_TIMEOUT 30

typedef struct {
	const char *url;      /* smtp://host[:port] or smtps://host[:port] */
	bool starttls;        /* smtp:// only: STARTTLS required */
	const char *user;     /* NULL: no authentication */
	const char *password; /* with user */
	const char *ca_file;  /* NULL: the system's certificate authorities */
	long timeout;         /* seconds per message (0: SMTP_DEFAULT_TIMEOUT) */
	/* NULL, or a flag that, once set, abandons the message in progress
	 * within about a second (a server stopping) and fails the next ones. */
	const atomic_bool *cancel;
} smtp_config_t;

typedef struct smtp smtp_t;

/* Whether the URL and TLS choice are acceptable; why not in why (English).
 * Plain smtp:// without STARTTLS only to 127.0.0.0/8, ::1 or localhost:
 * a password or a message in clear over the network is refused. */
bool smtp_check_url(const char *url, bool starttls, buf_t *why);

/* Initialises libcurl once per process (before threads start). */
void smtp_global_init(void);
/* cfg's strings are copied. Caller frees with smtp_close. */
smtp_t *smtp_open(const smtp_config_t *cfg);
void smtp_close(smtp_t *c);
/* Sends the message data (len bytes, CRLF lines) from the envelope
 * address from to rcpt. Returns true, or false with the server's or
 * libcurl's reason in why (replacing it). */
bool smtp_send(smtp_t *c, const char *from, const char *rcpt, const char *data, size_t len, buf_t *why);

#endif
