// A program for the LLDB end-to-end test (crates/weft-cli/tests/lldb.rs):
// built with -g -O0 by build.sh; the test sets breakpoints by line.
#include <stdio.h>

static int square(int x) {
    int result = x * x; // the test's breakpoint: line 6
    return result;
}

int sum_squares(int n) {
    int total = 0;
    for (int i = 1; i <= n; i++) {
        total += square(i);
    }
    return total;
}

int main(void) {
    int total = sum_squares(4);
    printf("total %d\n", total);
    return total == 30 ? 3 : 1;
}
