/* blake2b: 64-bit hashing.  BLAKE2b (RFC 7693) over a generated buffer, then an
 * Argon2-style memory fill: blocks of 128 u64 mixed with the BlaMka G function
 * (a + b + 2 * lo32(a) * lo32(b), rotates by 32/24/16/63), each block depending
 * on the previous one and on a data-dependent earlier one.
 * Usage: blake2b [KIB] [PASSES]  (default 12288 KiB hashed, 80 fill passes) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};
static const uint8_t SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static inline uint64_t rotr64(uint64_t x, int r) { return (x >> r) | (x << (64 - r)); }

typedef struct { uint64_t h[8], t; uint8_t buf[128]; size_t len; } Blake2b;

#define G(a, b, c, d, x, y)                                 \
    do {                                                    \
        v[a] = v[a] + v[b] + (x); v[d] = rotr64(v[d] ^ v[a], 32); \
        v[c] = v[c] + v[d]; v[b] = rotr64(v[b] ^ v[c], 24); \
        v[a] = v[a] + v[b] + (y); v[d] = rotr64(v[d] ^ v[a], 16); \
        v[c] = v[c] + v[d]; v[b] = rotr64(v[b] ^ v[c], 63); \
    } while (0)

static void compress(Blake2b *s, const uint8_t *blk, int last) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) {
        uint64_t w = 0;
        for (int k = 7; k >= 0; k--) w = (w << 8) | blk[i * 8 + k];
        m[i] = w;
    }
    for (int i = 0; i < 8; i++) { v[i] = s->h[i]; v[i + 8] = IV[i]; }
    v[12] ^= s->t;
    if (last) v[14] = ~v[14];
    for (int r = 0; r < 12; r++) {
        const uint8_t *z = SIGMA[r];
        G(0, 4, 8, 12, m[z[0]], m[z[1]]); G(1, 5, 9, 13, m[z[2]], m[z[3]]);
        G(2, 6, 10, 14, m[z[4]], m[z[5]]); G(3, 7, 11, 15, m[z[6]], m[z[7]]);
        G(0, 5, 10, 15, m[z[8]], m[z[9]]); G(1, 6, 11, 12, m[z[10]], m[z[11]]);
        G(2, 7, 8, 13, m[z[12]], m[z[13]]); G(3, 4, 9, 14, m[z[14]], m[z[15]]);
    }
    for (int i = 0; i < 8; i++) s->h[i] ^= v[i] ^ v[i + 8];
}

static void b2_init(Blake2b *s, int outlen) {
    for (int i = 0; i < 8; i++) s->h[i] = IV[i];
    s->h[0] ^= 0x01010000ULL ^ (uint64_t)outlen;
    s->t = 0; s->len = 0;
}

static void b2_update(Blake2b *s, const uint8_t *p, size_t n) {
    while (n > 0) {
        if (s->len == 128) { s->t += 128; compress(s, s->buf, 0); s->len = 0; }
        size_t k = 128 - s->len;
        if (k > n) k = n;
        memcpy(s->buf + s->len, p, k);
        s->len += k; p += k; n -= k;
    }
}

static void b2_final(Blake2b *s, uint8_t out[64]) {
    s->t += s->len;
    memset(s->buf + s->len, 0, 128 - s->len);
    compress(s, s->buf, 1);
    for (int i = 0; i < 64; i++) out[i] = (uint8_t)(s->h[i / 8] >> (8 * (i % 8)));
}

/* Argon2's BlaMka: multiply the low 32 bits of both operands */
static inline uint64_t fblamka(uint64_t x, uint64_t y) {
    const uint64_t m = 0xFFFFFFFFULL;
    return x + y + 2 * ((x & m) * (y & m));
}

#define GB(a, b, c, d)                                         \
    do {                                                       \
        a = fblamka(a, b); d = rotr64(d ^ a, 32);              \
        c = fblamka(c, d); b = rotr64(b ^ c, 24);              \
        a = fblamka(a, b); d = rotr64(d ^ a, 16);              \
        c = fblamka(c, d); b = rotr64(b ^ c, 63);              \
    } while (0)

#define ROUND(v, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15) \
    do {                                                                              \
        GB(v[i0], v[i4], v[i8], v[i12]); GB(v[i1], v[i5], v[i9], v[i13]);            \
        GB(v[i2], v[i6], v[i10], v[i14]); GB(v[i3], v[i7], v[i11], v[i15]);          \
        GB(v[i0], v[i5], v[i10], v[i15]); GB(v[i1], v[i6], v[i11], v[i12]);          \
        GB(v[i2], v[i7], v[i8], v[i13]); GB(v[i3], v[i4], v[i9], v[i14]);            \
    } while (0)

/* Argon2's block compression: out = P(prev ^ ref) ^ prev ^ ref */
static void fill_block(const uint64_t *prev, const uint64_t *ref, uint64_t *out) {
    uint64_t r[128], t[128];
    for (int i = 0; i < 128; i++) { r[i] = prev[i] ^ ref[i]; t[i] = r[i]; }
    for (int i = 0; i < 8; i++) {
        uint64_t *v = r + 16 * i;
        ROUND(v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    }
    for (int i = 0; i < 8; i++) {
        uint64_t *v = r + 2 * i;
        ROUND(v, 0, 1, 16, 17, 32, 33, 48, 49, 64, 65, 80, 81, 96, 97, 112, 113);
    }
    for (int i = 0; i < 128; i++) out[i] = t[i] ^ r[i];
}

int main(int argc, char **argv) {
    long kib = argc > 1 ? atol(argv[1]) : 12288;
    int passes = argc > 2 ? atoi(argv[2]) : 80;
    size_t n = (size_t)kib * 1024;
    uint8_t *data = malloc(n);
    uint64_t x = 0x243F6A8885A308D3ULL;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        data[i] = (uint8_t)(x >> 56);
    }
    uint8_t digest[64];
    Blake2b s;
    b2_init(&s, 64);
    b2_update(&s, data, n);
    b2_final(&s, digest);
    printf("blake2b %02x%02x%02x%02x%02x%02x%02x%02x\n", digest[0], digest[1], digest[2], digest[3],
           digest[4], digest[5], digest[6], digest[7]);

    /* memory fill: 1024 blocks of 1 KiB, seeded from the digest */
    const int nblocks = 1024;
    uint64_t (*mem)[128] = malloc(sizeof(uint64_t[128]) * nblocks);
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < 128; i++) {
            uint64_t w = 0;
            for (int k = 0; k < 8; k++) w = (w << 8) | digest[(i * 8 + k + b * 7) % 64];
            mem[b][i] = w ^ ((uint64_t)i << 32) ^ (uint64_t)b;
        }
    for (int p = 0; p < passes; p++)
        for (int b = 2; b < nblocks; b++) {
            uint64_t pseudo = mem[b - 1][0];
            uint32_t j1 = (uint32_t)pseudo;
            /* Argon2's index mapping: bias towards recent blocks */
            uint64_t xx = ((uint64_t)j1 * j1) >> 32;
            uint64_t ref = (uint64_t)(b - 1) - 1 - (((uint64_t)(b - 1) * xx) >> 32);
            fill_block(mem[b - 1], mem[ref], mem[b]);
        }
    uint64_t acc = 0;
    for (int b = 0; b < nblocks; b++)
        for (int i = 0; i < 128; i++) acc = rotr64(acc, 5) ^ mem[b][i];
    printf("argon fill %016llx\n", (unsigned long long)acc);
    return 0;
}
