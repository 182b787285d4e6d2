/* crc32: integer/byte loops.  Table-driven CRC-32 (reflected, poly 0xEDB88320),
 * FNV-1a and a 32-bit multiply-rotate hash over a generated buffer, repeated.
 * Usage: crc32 [KIB]  (default 10240 KiB of data, hashed 4 times) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

static uint32_t table[256];

static void make_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n) {
    crc = ~crc;
    for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint32_t fnv1a(const uint8_t *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

static inline uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

/* word-at-a-time mixing hash (murmur-like structure, own constants) */
static uint32_t mixhash(const uint8_t *p, size_t n, uint32_t seed) {
    uint32_t h = seed ^ (uint32_t)n;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t k = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
        k *= 0x9E3779B1u; k = rotl(k, 15); k *= 0x85EBCA77u;
        h ^= k; h = rotl(h, 13); h = h * 5 + 0xC2B2AE3Du;
    }
    for (; i < n; i++) { h ^= p[i] * 0x27D4EB2Fu; h = rotl(h, 11) * 0x165667B1u; }
    h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16;
    return h;
}

int main(int argc, char **argv) {
    long kib = argc > 1 ? atol(argv[1]) : 10240;
    size_t n = (size_t)kib * 1024;
    uint8_t *buf = malloc(n);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        buf[i] = (uint8_t)(x >> 24);
    }
    make_table();
    uint32_t c = 0, f = 0, m = 0;
    for (int rep = 0; rep < 4; rep++) {
        c = crc32(c, buf + rep, n - rep);
        f ^= fnv1a(buf + rep, n - rep);
        m += mixhash(buf + rep, n - rep, (uint32_t)rep);
    }
    printf("crc32 = %08x\n", c);
    printf("fnv1a = %08x\n", f);
    printf("mixhash = %08x\n", m);
    free(buf);
    return 0;
}
