// Echoes its arguments and its environment, one per line.
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d]=%s\n", i, argv[i]);
    }
    for (char **e = environ; *e; e++) {
        printf("env %s\n", *e);
    }
    const char *greeting = getenv("GREETING");
    printf("getenv(GREETING)=%s\n", greeting ? greeting : "(null)");
    printf("getenv(MISSING)=%s\n", getenv("MISSING") ? "set" : "(null)");
    return 0;
}
