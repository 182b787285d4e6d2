/* mandelbrot: f64 kernel with a data-dependent inner loop.  Renders a W x W
 * bitmap of the Mandelbrot set (max 50 iterations) and hashes the bits, plus
 * the total iteration count of a smooth zoom region.  Usage: mandelbrot [W]  (default 1500) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

int main(int argc, char **argv) {
    int w = argc > 1 ? atoi(argv[1]) : 1500;
    int h = w;
    uint32_t hash = 2166136261u;
    long inside = 0;
    for (int y = 0; y < h; y++) {
        double ci = 2.0 * y / h - 1.0;
        uint32_t byte = 0;
        int bit = 0;
        for (int x = 0; x < w; x++) {
            double cr = 2.0 * x / w - 1.5;
            double zr = 0.0, zi = 0.0, tr = 0.0, ti = 0.0;
            int i = 0;
            for (; i < 50 && tr + ti <= 4.0; i++) {
                zi = 2.0 * zr * zi + ci;
                zr = tr - ti + cr;
                tr = zr * zr;
                ti = zi * zi;
            }
            byte = (byte << 1) | (tr + ti <= 4.0);
            if (++bit == 8) { hash = (hash ^ byte) * 16777619u; byte = 0; bit = 0; }
            inside += (tr + ti <= 4.0);
        }
        if (bit) hash = (hash ^ (byte << (8 - bit))) * 16777619u;
    }
    /* zoomed region near the boundary, counting iterations (up to 256) */
    long total = 0;
    int zw = w / 4;
    for (int y = 0; y < zw; y++)
        for (int x = 0; x < zw; x++) {
            double cr = -0.7454 + 0.0006 * x / zw, ci = 0.1130 + 0.0006 * y / zw;
            double zr = 0, zi = 0;
            int i = 0;
            while (i < 256 && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                i++;
            }
            total += i;
        }
    printf("size = %d\n", w);
    printf("inside = %ld\n", inside);
    printf("bitmap hash = %08x\n", hash);
    printf("zoom iterations = %ld\n", total);
    return 0;
}
