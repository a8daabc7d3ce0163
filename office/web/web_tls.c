/* web_tls.c: the certificate of latedoor-office (GnuTLS), made at first start when none is given.
 */
#include "web_tls.h"

#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FAIL(err, ...) (snprintf(msg, msglen, __VA_ARGS__), (err))

/* Writes data to path (mode 0600, a new file: an existing one is never replaced). */
static ld_err write_new(const char *path, const gnutls_datum_t *d, char *msg, size_t msglen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return FAIL(LD_ERR_IO, "%s: cannot be created", path);
    ssize_t n = write(fd, d->data, d->size);
    bool ok = n == (ssize_t)d->size && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(path);
        return FAIL(LD_ERR_IO, "%s: cannot be written", path);
    }
    return LD_OK;
}

static ld_err make(const char *cert, const char *key, const char *host, char *msg, size_t msglen)
{
    gnutls_x509_privkey_t pk = NULL;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t kpem = {0}, cpem = {0};
    unsigned char serial[16];
    ld_err err = LD_ERR_IO;
    time_t now = time(NULL);
    if (gnutls_x509_privkey_init(&pk) || gnutls_x509_crt_init(&crt) ||
        gnutls_x509_privkey_generate(pk, GNUTLS_PK_ECDSA,
                                     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) ||
        gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial))
        goto out;
    serial[0] &= 0x7f;
    if (gnutls_x509_crt_set_version(crt, 3) || gnutls_x509_crt_set_serial(crt, serial, 16) ||
        gnutls_x509_crt_set_activation_time(crt, now - 3600) ||
        gnutls_x509_crt_set_expiration_time(crt, now + 10L * 365 * 24 * 3600) ||
        gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, host, strlen(host)) ||
        gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, host, strlen(host),
                                             GNUTLS_FSAN_SET) ||
        gnutls_x509_crt_set_key(crt, pk) || gnutls_x509_crt_set_ca_status(crt, 0) ||
        gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE) ||
        gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0) ||
        gnutls_x509_crt_sign2(crt, crt, pk, GNUTLS_DIG_SHA256, 0) ||
        gnutls_x509_privkey_export2(pk, GNUTLS_X509_FMT_PEM, &kpem) ||
        gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem)) {
        snprintf(msg, msglen, "the certificate could not be made (GnuTLS)");
        goto out;
    }
    if (!(err = write_new(key, &kpem, msg, msglen)) && (err = write_new(cert, &cpem, msg, msglen)))
        unlink(key);
out:
    if (kpem.data) {
        gnutls_memset(kpem.data, 0, kpem.size);
        gnutls_free(kpem.data);
    }
    gnutls_free(cpem.data);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(pk);
    return err;
}

static ld_err fingerprint(const char *cert, char fp[96], char *msg, size_t msglen)
{
    gnutls_datum_t pem = {0};
    gnutls_x509_crt_t crt = NULL;
    unsigned char d[32];
    size_t dlen = sizeof d;
    ld_err err = LD_OK;
    if (gnutls_load_file(cert, &pem))
        return FAIL(LD_ERR_IO, "%s: cannot be read", cert);
    if (gnutls_x509_crt_init(&crt) || gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM) ||
        gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, d, &dlen) || dlen != 32)
        err = FAIL(LD_ERR_INVALID, "%s: not a PEM certificate", cert);
    for (size_t i = 0; !err && i < 32; i++)
        snprintf(fp + 3 * i, 4, i < 31 ? "%02X:" : "%02X", d[i]);
    gnutls_x509_crt_deinit(crt);
    gnutls_free(pem.data);
    return err;
}

ld_err ld_web_tls_ensure(const char *cert, const char *key, const char *host, char fp[96],
                         char *msg, size_t msglen)
{
    bool have_cert = access(cert, F_OK) == 0, have_key = access(key, F_OK) == 0;
    ld_err err = LD_OK;
    if (have_cert != have_key)
        return FAIL(LD_ERR_INVALID, "%s: has no %s beside it: give both or neither",
                    have_cert ? cert : key, have_cert ? "key" : "certificate");
    if (!have_cert)
        err = make(cert, key, host, msg, msglen);
    if (!err)
        err = fingerprint(cert, fp, msg, msglen);
    return err;
}
