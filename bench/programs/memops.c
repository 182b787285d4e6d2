/* memops: memcpy/memset/memmove-heavy buffer work through libc's routines
 * (no bulk-memory instructions), at many sizes and alignments.
 * Usage: memops [ROUNDS]  (default 90) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define BUF (1 << 20)

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 90;
    uint8_t *a = malloc(BUF), *b = malloc(BUF);
    for (int i = 0; i < BUF; i++) a[i] = (uint8_t)(i * 31 + (i >> 8));
    memset(b, 0, BUF);
    uint32_t sum = 0;
    uint32_t x = 88172645u;
    for (long r = 0; r < rounds; r++) {
        /* large block copies */
        memcpy(b, a, BUF);
        memset(a + (r & 4095), (int)(r & 0xff), BUF / 2);
        memcpy(a + BUF / 2, b + (r & 7), BUF / 2 - 8);
        /* many small and medium copies at odd offsets */
        for (int k = 0; k < 20000; k++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            uint32_t len = (x & 255) + 1;
            uint32_t src = (x >> 8) % (BUF - 512);
            uint32_t dst = (x >> 3) % (BUF - 512);
            if (k & 1) memcpy(b + dst, a + src, len);
            else memmove(b + dst, b + src, len);
            if ((k & 15) == 0) memset(b + src, (int)(x >> 24), len);
        }
        sum = sum * 33 + (uint32_t)memcmp(a, b, BUF) + b[(r * 7919) % BUF] + a[(r * 104729) % BUF];
    }
    uint32_t h = 0;
    for (int i = 0; i < BUF; i += 64) h = h * 31 + a[i] + 3 * b[i];
    printf("rounds = %ld\n", rounds);
    printf("sum = %u\n", sum);
    printf("hash = %u\n", h);
    free(a); free(b);
    return 0;
}
