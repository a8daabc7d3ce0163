/* central_pg.h: what the PostgreSQL backend's files share. */
#ifndef LD_CENTRAL_PG_H
#define LD_CENTRAL_PG_H

#include "central_backend.h"

/* The schema scripts: index N-1 takes a store from version N-1 to N (central_pg_schema.c). */
extern const char *const central__pg_migrations[LD_CENTRAL_SCHEMA_VERSION];

#endif
