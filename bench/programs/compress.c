/* compress: a compression-like byte loop.  LZ77 with a hash-chain match
 * finder over generated semi-redundant text, then an adaptive order-0
 * bit-cost estimate of the token stream, then decompression and a check.
 * Usage: compress [KIB]  (default 4096) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define WBITS 15
#define WSIZE (1 << WBITS)
#define HBITS 14
#define MINM 4
#define MAXM 258
#define CHAIN 24

static uint32_t rs = 7u;
static uint32_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 17; rs ^= rs << 5; return rs; }

static const char *VOCAB[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
                              "interpreter ", "register ", "stack ", "value ", "module ", "function ",
                              "memory ", "table ", "\n", ", ", ". ", "wasm "};

static inline uint32_t hash4(const uint8_t *p) {
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HBITS);
}

/* token stream: literal byte (tag 0) or (length, distance) match (tag 1) */
static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
    static int32_t head[1 << HBITS];
    int32_t *prev = malloc(sizeof(int32_t) * WSIZE);
    for (int i = 0; i < (1 << HBITS); i++) head[i] = -1;
    size_t o = 0, i = 0;
    while (i < n) {
        size_t best = 0, bdist = 0;
        if (i + MINM <= n) {
            uint32_t h = hash4(in + i);
            int32_t cand = head[h];
            int chain = CHAIN;
            while (cand >= 0 && i - (size_t)cand <= WSIZE - 1 && chain-- > 0) {
                size_t l = 0, max = n - i < MAXM ? n - i : MAXM;
                const uint8_t *a = in + cand, *b = in + i;
                while (l < max && a[l] == b[l]) l++;
                if (l > best) { best = l; bdist = i - (size_t)cand; if (l == max) break; }
                cand = prev[cand & (WSIZE - 1)];
            }
            prev[i & (WSIZE - 1)] = head[h];
            head[h] = (int32_t)i;
        }
        if (best >= MINM) {
            out[o++] = 1; out[o++] = (uint8_t)(best - MINM); out[o++] = (uint8_t)(bdist >> 8); out[o++] = (uint8_t)bdist;
            for (size_t k = 1; k < best; k++) {
                size_t j = i + k;
                if (j + MINM <= n) { uint32_t h = hash4(in + j); prev[j & (WSIZE - 1)] = head[h]; head[h] = (int32_t)j; }
            }
            i += best;
        } else {
            out[o++] = 0; out[o++] = in[i++];
        }
    }
    free(prev);
    return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t o = 0, i = 0;
    while (i < n) {
        if (in[i] == 0) { out[o++] = in[i + 1]; i += 2; }
        else {
            size_t len = (size_t)in[i + 1] + MINM, dist = (size_t)in[i + 2] << 8 | in[i + 3];
            for (size_t k = 0; k < len; k++, o++) out[o] = out[o - dist];
            i += 4;
        }
    }
    return o;
}

/* adaptive order-0 model: cost in 1/256 bits, via an integer log2 table */
static uint32_t cost_estimate(const uint8_t *s, size_t n) {
    static uint32_t freq[256];
    static uint16_t lg[4097];
    for (int i = 1; i <= 4096; i++) { /* lg[i] = 256*log2(i), integer approximation */
        uint32_t v = (uint32_t)i, r = 0; while (v >= 2) { v >>= 1; r += 256; }
        uint32_t frac = ((uint32_t)i << 8 >> (r >> 8)) - 256; lg[i] = (uint16_t)(r + frac);
    }
    for (int i = 0; i < 256; i++) freq[i] = 1;
    uint32_t total = 256, bits = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t f = freq[s[i]];
        bits += lg[total > 4096 ? 4096 : total] - lg[f > 4096 ? 4096 : f];
        freq[s[i]] += 16; total += 16;
        if (total > 4000) { total = 0; for (int k = 0; k < 256; k++) { freq[k] = (freq[k] + 1) / 2; total += freq[k]; } }
    }
    return bits / 256;
}

int main(int argc, char **argv) {
    long kib = argc > 1 ? atol(argv[1]) : 4096;
    size_t n = (size_t)kib * 1024;
    uint8_t *text = malloc(n + 16);
    size_t t = 0;
    while (t < n) {
        const char *w = VOCAB[rnd() % 20];
        if (rnd() % 16 == 0) { text[t++] = (uint8_t)('A' + rnd() % 26); continue; }
        while (*w && t < n) text[t++] = (uint8_t)*w++;
    }
    uint8_t *comp = malloc(n * 2 + 16);
    uint8_t *back = malloc(n + 16);
    size_t clen = compress(text, n, comp);
    uint32_t cost = cost_estimate(comp, clen);
    size_t dlen = decompress(comp, clen, back);
    int ok = dlen == n && memcmp(text, back, n) == 0;
    uint32_t h = 0;
    for (size_t i = 0; i < clen; i++) h = h * 131 + comp[i];
    printf("input %zu bytes, tokens %zu bytes, order-0 estimate %u bits\n", n, clen, cost);
    printf("roundtrip %s, token hash %08x\n", ok ? "ok" : "FAILED", h);
    free(text); free(comp); free(back);
    return 0;
}
