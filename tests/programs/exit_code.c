// Ends in the way argv[1] says:
//   exit N    prints to stdout (buffered) and calls exit(N)
//   return N  returns N from main
//   trap      prints to stderr, then executes `unreachable` two calls deep
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void deep_trap(void) {
    __builtin_trap();
}

__attribute__((noinline)) void about_to_trap(int depth) {
    if (depth > 0) {
        about_to_trap(depth - 1);
    }
    deep_trap();
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: exit_code exit N | return N | trap\n");
        return 64;
    }
    if (strcmp(argv[1], "exit") == 0 && argc == 3) {
        printf("exiting with %s\n", argv[2]);
        exit(atoi(argv[2]));
    }
    if (strcmp(argv[1], "return") == 0 && argc == 3) {
        return atoi(argv[2]);
    }
    if (strcmp(argv[1], "trap") == 0) {
        fprintf(stderr, "about to trap\n");
        about_to_trap(1);
    }
    fprintf(stderr, "unknown mode\n");
    return 64;
}
