/* matmul: f64 kernel.  C = A * B for N x N doubles (i-k-j order), then a
 * second product with the transpose (dot products).  Usage: matmul [N]  (default 350) */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 350;
    double *a = malloc(sizeof(double) * n * n);
    double *b = malloc(sizeof(double) * n * n);
    double *c = malloc(sizeof(double) * n * n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * 7 + j * 3) % 17) / 8.0 - 1.0;
            b[i * n + j] = (double)((i * 5 + j * 11) % 13) / 6.0 - 1.0;
            c[i * n + j] = 0.0;
        }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    double trace = 0.0, sum = 0.0;
    for (int i = 0; i < n; i++) trace += c[i * n + i];
    /* second pass: D = C * A^T, accumulate only */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int k = 0; k < n; k++) s += c[i * n + k] * a[j * n + k];
            sum += s * (double)((i + j) % 3 - 1);
        }
    printf("n = %d\n", n);
    printf("trace(A*B) = %.6f\n", trace);
    printf("weighted sum = %.6f\n", sum);
    free(a); free(b); free(c);
    return 0;
}
