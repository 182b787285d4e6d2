/* sieve: integer loops over a byte array (sieve of Eratosthenes), repeated,
 * plus a segmented odd-only bit sieve.  Usage: sieve [LIMIT]  (default 14000000) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static long byte_sieve(uint8_t *flags, long limit) {
    memset(flags, 1, (size_t)limit + 1);
    flags[0] = flags[1] = 0;
    for (long i = 2; i * i <= limit; i++)
        if (flags[i])
            for (long j = i * i; j <= limit; j += i) flags[j] = 0;
    long count = 0;
    for (long i = 0; i <= limit; i++) count += flags[i];
    return count;
}

/* odd numbers only, one bit each */
static long bit_sieve(uint32_t *bits, long limit) {
    long nbits = limit / 2 + 1;
    long words = (nbits + 31) / 32;
    for (long w = 0; w < words; w++) bits[w] = 0;
    for (long i = 3; i * i <= limit; i += 2) {
        long bi = i / 2;
        if (!(bits[bi >> 5] & (1u << (bi & 31)))) {
            for (long j = i * i; j <= limit; j += 2 * i) {
                long bj = j / 2;
                bits[bj >> 5] |= 1u << (bj & 31);
            }
        }
    }
    long count = limit >= 2 ? 1 : 0;
    for (long k = 3; k <= limit; k += 2) {
        long bk = k / 2;
        if (!(bits[bk >> 5] & (1u << (bk & 31)))) count++;
    }
    return count;
}

int main(int argc, char **argv) {
    long limit = argc > 1 ? atol(argv[1]) : 14000000;
    uint8_t *flags = malloc((size_t)limit + 1);
    uint32_t *bits = malloc(((size_t)limit / 64 + 2) * sizeof(uint32_t));
    long c1 = 0, c2 = 0;
    for (int rep = 0; rep < 3; rep++) {
        c1 += byte_sieve(flags, limit - rep * 1000);
        c2 += bit_sieve(bits, limit - rep * 1000);
    }
    uint32_t h = 0;
    for (long i = 0; i <= limit - 2000; i += 997) h = h * 31 + flags[i];
    printf("primes (byte sieve, 3 limits) = %ld\n", c1);
    printf("primes (bit sieve, 3 limits) = %ld\n", c2);
    printf("flag hash = %u\n", h);
    free(flags);
    free(bits);
    return 0;
}
