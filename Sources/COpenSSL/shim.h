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
#endif
