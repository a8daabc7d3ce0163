/* web_tls.h: latedoor-office's certificate: the school's, or one made at first start. */
#ifndef LD_WEB_TLS_H
#define LD_WEB_TLS_H

#include <stddef.h>

#include "ld_err.h"

/*
 * Makes sure cert and key exist: when neither does, makes a new ECDSA P-256 key and a
 * self-signed certificate for host (ten years), both written mode 0600. Writes the
 * certificate's SHA-256 fingerprint ("AB:CD:…", 95 characters) into fp, for the office to
 * compare with what its browser shows on the first visit. LD_ERR_INVALID when only one of the
 * two exists or a file is not PEM, LD_ERR_IO when it cannot be written.
 */
LD_MUST_CHECK ld_err ld_web_tls_ensure(const char *cert, const char *key, const char *host,
                                       char fp[96], char *msg, size_t msglen);

#endif
