/* SPDX-License-Identifier: MIT */
/* log: the daemon's logging (syslog, or stderr in the foreground with -d). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static bool log_stderr = true;
static enum log_level log_max = LOG_LEVEL_INFO;
static const char *log_ident = "xenpod";

void log_init(const char *ident, bool to_stderr, enum log_level max)
{
	log_ident = ident;
	log_stderr = to_stderr;
	log_max = max;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool log_to_stderr(void)
{
	return log_stderr;
}

void log_set_level(enum log_level max)
{
	log_max = max;
}

enum log_level log_get_level(void)
{
	return log_max;
}

static int syslog_prio(enum log_level lvl)
{
	switch (lvl) {
	case LOG_LEVEL_ERR:
		return LOG_ERR;
	case LOG_LEVEL_WARN:
		return LOG_WARNING;
	case LOG_LEVEL_INFO:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}

static const char *level_tag(enum log_level lvl)
{
	static const char *const tags[] = { "error", "warning", "info",
					    "debug" };

	return lvl <= LOG_LEVEL_DEBUG ? tags[lvl] : "?";
}

void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char msg[1024];
	struct timespec ts;
	struct tm tm;

	if (lvl > log_max)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* One event, one line: a multi-line message would be ambiguous in a log. */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (!log_stderr) {
		syslog(syslog_prio(lvl), "%s", msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld %s: %s: %s\n", tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_ident,
		level_tag(lvl), msg);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!log_stderr) {
		va_list aq;

		/* Whoever started us should see why we stop, not only syslog. */
		va_copy(aq, ap);
		fprintf(stderr, "%s: ", log_ident);
		vfprintf(stderr, fmt, aq);
		fputc('\n', stderr);
		va_end(aq);
	}
	log_vmsg(LOG_LEVEL_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
