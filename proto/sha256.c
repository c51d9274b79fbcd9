/*
 * sha256.c — SHA-256 (FIPS 180-4) for article ids; small and dependency-free.
 *
 * On x86-64 processors with the SHA extensions the blocks go through the
 * sha256rnds2/msg1/msg2 instructions (about ten times faster: the extractor
 * hashes every article body and many short ids); elsewhere the portable
 * rounds below run. Both give the same digests (tests/proto/test_sha256.c).
 */
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_NI 1
#endif

#include "nw-private.h"

struct sha256 {
        uint32_t h[8];
        uint8_t block[64];
        size_t fill;    /* bytes in block */
        uint64_t total; /* bytes hashed */
};

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Rotate right. */
static uint32_t
sha256_ror(uint32_t x, unsigned n)
{
        return (x >> n) | (x << (32 - n));
}

/* Hash one 64-byte block into the state. */
static void
sha256_block(struct sha256 *s, const uint8_t *p)
{
        uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
        int i;

        for (i = 0; i < 16; i++)
                w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
                       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        for (i = 16; i < 64; i++)
                w[i] = w[i - 16] +
                       (sha256_ror(w[i - 15], 7) ^ sha256_ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
                       w[i - 7] +
                       (sha256_ror(w[i - 2], 17) ^ sha256_ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
        a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
        e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
        for (i = 0; i < 64; i++) {
                t1 = h + (sha256_ror(e, 6) ^ sha256_ror(e, 11) ^ sha256_ror(e, 25)) +
                     ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
                t2 = (sha256_ror(a, 2) ^ sha256_ror(a, 13) ^ sha256_ror(a, 22)) +
                     ((a & b) ^ (a & c) ^ (b & c));
                h = g, g = f, f = e, e = d + t1;
                d = c, c = b, b = a, a = t1 + t2;
        }
        s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
        s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

#ifdef SHA256_NI
/* Whether this processor has the SHA extensions and SSSE3/SSE4.1 (asked once). */
static int
sha256_have_ni(void)
{
        static int have = -1;
        int h = __atomic_load_n(&have, __ATOMIC_RELAXED);
        if (h < 0) {
                unsigned a, b, c, d;
                h = 0;
                if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) && (c & bit_SSE4_1) &&
                    __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29)))
                        h = 1;
                __atomic_store_n(&have, h, __ATOMIC_RELAXED);
        }
        return h;
}

/* Hash n 64-byte blocks into h with the SHA instructions (Intel's scheme:
 * the state lives as ABEF/CDGH, four rounds per step). */
__attribute__((target("sha,ssse3,sse4.1"))) static void
sha256_blocks_ni(uint32_t h[8], const uint8_t *p, size_t n)
{
        const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
        __m128i tmp = _mm_loadu_si128((const __m128i *)&h[0]);
        __m128i st1 = _mm_loadu_si128((const __m128i *)&h[4]);
        tmp = _mm_shuffle_epi32(tmp, 0xb1);         /* CDAB */
        st1 = _mm_shuffle_epi32(st1, 0x1b);         /* EFGH */
        __m128i st0 = _mm_alignr_epi8(tmp, st1, 8); /* ABEF */
        st1 = _mm_blend_epi16(st1, tmp, 0xf0);      /* CDGH */

        for (; n > 0; n--, p += 64) {
                __m128i abef = st0, cdgh = st1, w[4], m;
                for (int g = 0; g < 16; g++) {
                        if (g < 4)
                                w[g] = _mm_shuffle_epi8(
                                    _mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
                        else
                                w[g & 3] = _mm_sha256msg2_epu32(
                                    _mm_add_epi32(
                                        _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]),
                                        _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4)),
                                    w[(g + 3) & 3]);
                        m = _mm_add_epi32(w[g & 3],
                                          _mm_loadu_si128((const __m128i *)&sha256_k[4 * g]));
                        st1 = _mm_sha256rnds2_epu32(st1, st0, m);
                        st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(m, 0x0e));
                }
                st0 = _mm_add_epi32(st0, abef);
                st1 = _mm_add_epi32(st1, cdgh);
        }
        tmp = _mm_shuffle_epi32(st0, 0x1b);    /* FEBA */
        st1 = _mm_shuffle_epi32(st1, 0xb1);    /* DCHG */
        st0 = _mm_blend_epi16(tmp, st1, 0xf0); /* DCBA */
        st1 = _mm_alignr_epi8(st1, tmp, 8);    /* HGFE */
        _mm_storeu_si128((__m128i *)&h[0], st0);
        _mm_storeu_si128((__m128i *)&h[4], st1);
}
#endif

/* Hash n 64-byte blocks into the state, with the fastest code this machine runs. */
static void
sha256_blocks(struct sha256 *s, const uint8_t *p, size_t n)
{
#ifdef SHA256_NI
        if (sha256_have_ni()) {
                sha256_blocks_ni(s->h, p, n);
                return;
        }
#endif
        for (; n > 0; n--, p += 64)
                sha256_block(s, p);
}

/* Start a hash. */
static void
sha256_init(struct sha256 *s)
{
        static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

        memcpy(s->h, iv, sizeof iv);
        s->fill = 0;
        s->total = 0;
}

/* Feed bytes. */
static void
sha256_update(struct sha256 *s, const uint8_t *p, size_t n)
{
        size_t take;

        s->total += n;
        while (n > 0) {
                if (s->fill == 0 && n >= 64) {
                        size_t whole = n / 64;
                        sha256_blocks(s, p, whole);
                        p += 64 * whole;
                        n -= 64 * whole;
                        continue;
                }
                take = 64 - s->fill < n ? 64 - s->fill : n;
                memcpy(s->block + s->fill, p, take);
                s->fill += take;
                p += take;
                n -= take;
                if (s->fill == 64) {
                        sha256_blocks(s, s->block, 1);
                        s->fill = 0;
                }
        }
}

/* Pad, finish and write the 32-byte digest. */
static void
sha256_final(struct sha256 *s, uint8_t out[32])
{
        uint64_t bits = s->total * 8;
        uint8_t pad[72] = {0x80};
        size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
        int i;

        for (i = 0; i < 8; i++)
                pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
        sha256_update(s, pad, padlen + 8);
        for (i = 0; i < 8; i++) {
                out[4 * i] = (uint8_t)(s->h[i] >> 24);
                out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
                out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
                out[4 * i + 3] = (uint8_t)s->h[i];
        }
}

/* SHA-256 of buf as 64 lowercase hex characters and a NUL. */
void
nw_sha256_hex(const void *buf, size_t len, char hex[65])
{
        static const char digits[] = "0123456789abcdef";
        struct sha256 s;
        uint8_t d[32];
        int i;

        sha256_init(&s);
        sha256_update(&s, buf, len);
        sha256_final(&s, d);
        for (i = 0; i < 32; i++) {
                hex[2 * i] = digits[d[i] >> 4];
                hex[2 * i + 1] = digits[d[i] & 0xf];
        }
        hex[64] = '\0';
}
