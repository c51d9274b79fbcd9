/*
 * sha256.c — SHA-256 (FIPS 180-4) for article ids; small and dependency-free.
 *
 * On x86-64 processors with the SHA extensions the blocks go through the
 * sha256rnds2/msg1/msg2 instructions (about ten times faster: the extractor
 * hashes every article body and many short ids); elsewhere the portable
 * rounds below run. Both give the same digests (tests/proto/test_sha256.c).
 */
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_NI 1
#endif

#include "nw-private.h"

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
sha256_block(uint32_t hs[8], const uint8_t *p)
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
        a = hs[0], b = hs[1], c = hs[2], d = hs[3];
        e = hs[4], f = hs[5], g = hs[6], h = hs[7];
        for (i = 0; i < 64; i++) {
                t1 = h + (sha256_ror(e, 6) ^ sha256_ror(e, 11) ^ sha256_ror(e, 25)) +
                     ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
                t2 = (sha256_ror(a, 2) ^ sha256_ror(a, 13) ^ sha256_ror(a, 22)) +
                     ((a & b) ^ (a & c) ^ (b & c));
                h = g, g = f, f = e, e = d + t1;
                d = c, c = b, b = a, a = t1 + t2;
        }
        hs[0] += a, hs[1] += b, hs[2] += c, hs[3] += d;
        hs[4] += e, hs[5] += f, hs[6] += g, hs[7] += h;
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
                /* unrolled whole, the schedule w[] stays in registers (gcc
                 * -O2 kept the loop: w[] on the stack, 30% slower) */
#if defined(__clang__)
#pragma unroll
#else
#pragma GCC unroll 16
#endif
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

/* Hash n 64-byte blocks into the state h, with the fastest code this machine runs. */
static void
sha256_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
#ifdef SHA256_NI
        if (sha256_have_ni()) {
                sha256_blocks_ni(h, p, n);
                return;
        }
#endif
        for (; n > 0; n--, p += 64)
                sha256_block(h, p);
}

#ifndef __SSE2__
/* The eight hex digits of x, the highest first, at out[0..8): the nibbles
 * spread to a byte each and turned into digits eight at a time. */
static void
sha256_hex8(uint32_t x, char *out)
{
        uint64_t t = x;

        t = (t | t << 16) & 0x0000ffff0000ffffull;
        t = (t | t << 8) & 0x00ff00ff00ff00ffull;
        t = (t | t << 4) & 0x0f0f0f0f0f0f0f0full; /* byte k: nibble k, the lowest first */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        t = __builtin_bswap64(t); /* the highest nibble at the lowest address */
#elif !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
#error "sha256_hex8: unknown byte order"
#endif
        /* '0' + v, and 'a' - '0' - 10 more for v >= 10 (v + 6 carries into bit 4) */
        t += 0x3030303030303030ull +
             (((t + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull) * 39;
        memcpy(out, &t, 8);
}
#endif

/* The 64 hex digits of the state h (the digest) at hex[0..64). */
static void
sha256_hex(const uint32_t h[8], char *hex)
{
#ifdef __SSE2__
        /* sixteen digest bytes at a time: each word's bytes turned big-endian,
         * split into nibbles, interleaved and made digits */
        const __m128i nib = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9), zero = _mm_set1_epi8('0'),
                      af = _mm_set1_epi8('a' - '0' - 10);
        for (int k = 0; k < 2; k++) {
                __m128i x = _mm_loadu_si128((const __m128i *)(h + 4 * k)), hi, lo, a, b;

                x = _mm_or_si128(
                    _mm_or_si128(_mm_slli_epi32(x, 24), _mm_srli_epi32(x, 24)),
                    _mm_or_si128(_mm_and_si128(_mm_slli_epi32(x, 8), _mm_set1_epi32(0x00ff0000)),
                                 _mm_and_si128(_mm_srli_epi32(x, 8), _mm_set1_epi32(0x0000ff00))));
                hi = _mm_and_si128(_mm_srli_epi16(x, 4), nib);
                lo = _mm_and_si128(x, nib);
                a = _mm_unpacklo_epi8(hi, lo);
                b = _mm_unpackhi_epi8(hi, lo);
                a = _mm_add_epi8(_mm_add_epi8(a, zero), _mm_and_si128(_mm_cmpgt_epi8(a, nine), af));
                b = _mm_add_epi8(_mm_add_epi8(b, zero), _mm_and_si128(_mm_cmpgt_epi8(b, nine), af));
                _mm_storeu_si128((__m128i *)(hex + 32 * k), a);
                _mm_storeu_si128((__m128i *)(hex + 32 * k + 16), b);
        }
#else
        for (int i = 0; i < 8; i++)
                sha256_hex8(h[i], hex + 8 * i);
#endif
}

/* SHA-256 of buf as 64 lowercase hex characters and a NUL: the whole
 * blocks straight from buf, then the rest with its padding and length in
 * one or two blocks on the stack. */
void
nw_sha256_hex(const void *buf, size_t len, char hex[65])
{
        uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        const uint8_t *p = buf;
        size_t whole = len / 64, rest = len % 64, n = rest < 56 ? 64 : 128;
        uint64_t bits = (uint64_t)len * 8;
        uint8_t tail[128] = {0}, *end;

        if (whole > 0)
                sha256_blocks(h, p, whole);
        if (rest > 0)
                memcpy(tail, p + 64 * whole, rest);
        tail[rest] = 0x80;
        end = tail + n - 8; /* the length in bits, big-endian (one store once merged) */
        end[0] = (uint8_t)(bits >> 56);
        end[1] = (uint8_t)(bits >> 48);
        end[2] = (uint8_t)(bits >> 40);
        end[3] = (uint8_t)(bits >> 32);
        end[4] = (uint8_t)(bits >> 24);
        end[5] = (uint8_t)(bits >> 16);
        end[6] = (uint8_t)(bits >> 8);
        end[7] = (uint8_t)bits;
        sha256_blocks(h, tail, n / 64);
        sha256_hex(h, hex);
        hex[64] = '\0';
}
