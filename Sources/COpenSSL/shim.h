// OpenSSL 3 for Swift: the headers the project uses, and inline functions for the macros Swift cannot import.
#ifndef CCCD_COPENSSL_SHIM_H
#define CCCD_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/rsa.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/crypto.h>
#include <openssl/des.h>
#include <openssl/sha.h>
#include <openssl/bio.h>

static inline int cccd_evp_pkey_ec(void) { return EVP_PKEY_EC; }
static inline int cccd_evp_pkey_rsa(void) { return EVP_PKEY_RSA; }
static inline int cccd_evp_pkey_rsa_pss(void) { return EVP_PKEY_RSA_PSS; }
static inline int cccd_evp_pkey_dh(void) { return EVP_PKEY_DH; }
static inline int cccd_rsa_pkcs1_padding(void) { return RSA_PKCS1_PADDING; }
static inline int cccd_rsa_pkcs1_pss_padding(void) { return RSA_PKCS1_PSS_PADDING; }
static inline int cccd_rsa_no_padding(void) { return RSA_NO_PADDING; }
static inline void cccd_openssl_free(void *p) { OPENSSL_free(p); }
static inline int cccd_bn_num_bytes(const BIGNUM *bn) { return BN_num_bytes(bn); }
// EVP_MAC "CMAC" takes its block cipher as an OSSL_PARAM array; building that array (with its mutable
// string pointer) is simpler here than from Swift.
static inline int cccd_cmac_init(EVP_MAC_CTX *ctx, const char *cipher, const unsigned char *key, size_t keylen) {
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)cipher, 0);
    params[1] = OSSL_PARAM_construct_end();
    return EVP_MAC_init(ctx, key, keylen, params);
}
// EVP_PKEY_fromdata for an EC key pair whose domain `bld` already holds (a group name, or explicit parameters):
// adds the private scalar and the public point (uncompressed), builds the key, and frees `bld`.
static inline EVP_PKEY *cccd_ec_keypair(OSSL_PARAM_BLD *bld, const unsigned char *priv, size_t privlen,
                                        const unsigned char *pub, size_t publen) {
    EVP_PKEY *pkey = NULL;
    BIGNUM *d = BN_bin2bn(priv, (int)privlen, NULL);
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (d == NULL || bld == NULL || ctx == NULL) goto done;
    if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d)) goto done;
    if (!OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, publen)) goto done;
    params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL) goto done;
    if (EVP_PKEY_fromdata_init(ctx) <= 0) goto done;
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0) pkey = NULL;
done:
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    BN_clear_free(d);
    return pkey;
}
// An EC key on a named curve: group name, private scalar and public point (uncompressed).
static inline EVP_PKEY *cccd_ec_private_key(const char *group, const unsigned char *priv, size_t privlen,
                                            const unsigned char *pub, size_t publen) {
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (bld != NULL && !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0)) {
        OSSL_PARAM_BLD_free(bld);
        return NULL;
    }
    return cccd_ec_keypair(bld, priv, privlen, pub, publen);
}
// An EC key on a curve given by explicit parameters over a prime field (p, a, b, the generator as an encoded point,
// order, cofactor; all big-endian), for the virtual chip's keys on curves without a name.
static inline EVP_PKEY *cccd_ec_private_key_explicit(const unsigned char *p, size_t plen, const unsigned char *a,
                                                     size_t alen, const unsigned char *b, size_t blen,
                                                     const unsigned char *g, size_t glen, const unsigned char *n,
                                                     size_t nlen, const unsigned char *h, size_t hlen,
                                                     const unsigned char *priv, size_t privlen,
                                                     const unsigned char *pub, size_t publen) {
    EVP_PKEY *pkey = NULL;
    BIGNUM *bp = BN_bin2bn(p, (int)plen, NULL), *ba = BN_bin2bn(a, (int)alen, NULL);
    BIGNUM *bb = BN_bin2bn(b, (int)blen, NULL), *bn = BN_bin2bn(n, (int)nlen, NULL);
    BIGNUM *bh = BN_bin2bn(h, (int)hlen, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    // The builder reads the BIGNUMs when the key is built, so they live until then.
    if (bp && ba && bb && bn && bh && bld
        && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_EC_FIELD_TYPE, SN_X9_62_prime_field, 0)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_P, bp) && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_A, ba)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_B, bb)
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_EC_GENERATOR, g, glen)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_ORDER, bn)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_COFACTOR, bh)) {
        pkey = cccd_ec_keypair(bld, priv, privlen, pub, publen);
    } else {
        OSSL_PARAM_BLD_free(bld);
    }
    BN_free(bp); BN_free(ba); BN_free(bb); BN_free(bn); BN_free(bh);
    return pkey;
}
#endif
