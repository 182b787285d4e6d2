/* lcg: rand()-style generators and what programs do with them: modulo and
 * division by constants, f64 division to [0, 1), rejection sampling.
 * A Monte Carlo estimate of pi, dice histograms, a shuffle, a random walk.
 * Usage: lcg [MILLIONS]  (default 12 million draws per part) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t seed = 12345;

/* the C standard's example rand(): 15 bits out */
static int my_rand(void) {
    seed = seed * 1103515245u + 12345u;
    return (int)((seed / 65536u) % 32768u);
}

/* a 31-bit Park-Miller generator with Schrage's method (signed / and %) */
static int32_t pm_state = 1;
static int32_t park_miller(void) {
    const int32_t a = 16807, m = 2147483647, q = 127773, r = 2836;
    int32_t hi = pm_state / q, lo = pm_state % q;
    int32_t t = a * lo - r * hi;
    pm_state = t > 0 ? t : t + m;
    return pm_state;
}

int main(int argc, char **argv) {
    long millions = argc > 1 ? atol(argv[1]) : 12;
    long n = millions * 1000000L;

    /* pi by darts: f64 divides */
    long inside = 0;
    for (long i = 0; i < n; i++) {
        double x = (double)my_rand() / 32768.0;
        double y = (double)park_miller() / 2147483647.0;
        if (x * x + y * y < 1.0) inside++;
    }
    printf("pi ~ %.6f\n", 4.0 * (double)inside / (double)n);

    /* dice: signed remainder by small constants */
    long hist[6 + 10 + 12] = {0};
    for (long i = 0; i < n; i++) {
        int r = park_miller();
        hist[r % 6]++;
        hist[6 + (r / 7) % 10]++;
        hist[16 + (my_rand() % 12)]++;
    }
    uint32_t hsum = 0;
    for (int i = 0; i < 28; i++) hsum = hsum * 31u + (uint32_t)hist[i];
    printf("dice %u\n", hsum);

    /* Fisher-Yates shuffle: remainder by a variable bound */
    enum { N = 1 << 16 };
    static int32_t deck[N];
    for (int i = 0; i < N; i++) deck[i] = i;
    long rounds = n / N + 1;
    for (long r = 0; r < rounds; r++)
        for (int i = N - 1; i > 0; i--) {
            int j = (int)((uint32_t)park_miller() % (uint32_t)(i + 1));
            int32_t t = deck[i]; deck[i] = deck[j]; deck[j] = t;
        }
    uint32_t dsum = 0;
    for (int i = 0; i < N; i++) dsum = dsum * 1000003u ^ (uint32_t)deck[i];
    printf("deck %u\n", dsum);

    /* random walk on a ring with unsigned division and remainder by constants */
    uint32_t pos = 0, visits = 0;
    for (long i = 0; i < n; i++) {
        uint32_t step = (uint32_t)my_rand();
        pos = (pos + step / 3u + 1000u) % 1000003u;
        if (pos % 10u == 0) visits += pos / 100u;
    }
    printf("walk %u %u\n", pos, visits);
    return 0;
}
