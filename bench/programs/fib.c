/* fib: recursive calls.
 * Naive doubly recursive Fibonacci plus the Takeuchi function, so the
 * interpreter's call/return path dominates.  Usage: fib [N]  (default 38) */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static unsigned fib(unsigned n) {
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static int tak(int x, int y, int z) {
    if (y >= x) return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 38;
    unsigned f = fib((unsigned)n);
    int t = 0;
    for (int i = 0; i < 4; i++) t += tak(n / 2 + i, n / 3, n / 6);
    printf("fib(%d) = %u\n", n, f);
    printf("tak sum = %d\n", t);
    return 0;
}
