/* page_check.h: reading the report's files in tests: whole files, counts, commands, the store. */
#ifndef LD_PAGE_CHECK_H
#define LD_PAGE_CHECK_H

#include <stddef.h>

#include "central.h"

/* Returns dir/name read whole (free()); fails the test when it cannot be read. */
char *page_slurp(const char *dir, const char *name);

/* Returns how many times needle occurs in hay, without overlaps. */
size_t page_count(const char *hay, const char *needle);

/* Fails the test, naming what, unless page holds it. */
void page_must_hold(const char *page, const char *what);

/* Opens the central store at url as the administrator; fails the test when it cannot. */
struct ld_central *page_open_admin(const char *url);

/* Runs cmd through the shell, its output (stdout) in out; returns its exit status or -1. */
int page_run(const char *cmd, char *out, size_t outlen);

#endif
