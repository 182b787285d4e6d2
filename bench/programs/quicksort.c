/* quicksort: memory-heavy.  Each round sorts 1M fresh pseudo-random ints
 * (median-of-three quicksort with insertion sort for short ranges), checks the
 * order and folds a position-weighted checksum.
 * Usage: quicksort [ROUNDS [N]]  (default 3 rounds of N = 1000000) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

static void insertion(int32_t *a, long lo, long hi) {
    for (long i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static inline void swap(int32_t *a, long i, long j) { int32_t t = a[i]; a[i] = a[j]; a[j] = t; }

static void quicksort(int32_t *a, long lo, long hi) {
    while (hi - lo > 16) {
        long mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        int32_t pivot = a[mid];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { swap(a, i, j); i++; j--; }
        }
        /* recurse into the smaller half, loop on the larger */
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
    insertion(a, lo, hi);
}

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 3;
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    int32_t *a = malloc(sizeof(int32_t) * (size_t)n);
    uint64_t s = 0x9E3779B97F4A7C15ull, sum = 0;
    long bad = 0;
    for (long r = 0; r < rounds; r++) {
        for (long i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            a[i] = (int32_t)(s >> 33) - (1 << 30);
        }
        quicksort(a, 0, n - 1);
        for (long i = 1; i < n; i++) bad += a[i - 1] > a[i];
        for (long i = 0; i < n; i++) sum += (uint64_t)(uint32_t)a[i] * (uint64_t)(i % 1000 + 1);
    }
    printf("rounds = %ld, n = %ld, out of order = %ld\n", rounds, n, bad);
    printf("last round: min = %d, median = %d, max = %d\n", a[0], a[n / 2], a[n - 1]);
    printf("checksum = %llu\n", (unsigned long long)sum);
    free(a);
    return 0;
}
