// Prints a greeting on stdout and a line on stderr; exits with 0.
#include <stdio.h>

int main(void) {
    printf("Hello, world!\n");
    fprintf(stderr, "this goes to stderr\n");
    return 0;
}
