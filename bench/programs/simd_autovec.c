/* simd_autovec: plain C loops that clang vectorises with -msimd128 (-O2):
 * int8 dot products and an int8 matrix-vector product, a u8 image threshold
 * and alpha blend, f32 saxpy/scale/clamp, i16 saturating adds, i32 min/max
 * scans.  No intrinsics: this is the SIMD a compiler emits on its own.
 * Usage: simd_autovec [REPS]  (default 150) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { LEN = 1 << 16, ROWS = 128, COLS = 1024 };
static int8_t qa[LEN], qb[LEN], W[ROWS][COLS], xv[COLS];
static uint8_t img[LEN], img2[LEN], out8[LEN];
static float fa[LEN], fb[LEN];
static int16_t s16a[LEN], s16b[LEN];
static int32_t i32a[LEN];

static int32_t dot_i8(const int8_t *a, const int8_t *b, int n) {
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += (int32_t)a[i] * (int32_t)b[i];
    return s;
}

static void matvec_i8(int32_t *y) {
    for (int r = 0; r < ROWS; r++) y[r] = dot_i8(W[r], xv, COLS);
}

static void blend(uint8_t *dst, const uint8_t *a, const uint8_t *b, uint8_t alpha, int n) {
    for (int i = 0; i < n; i++) dst[i] = (uint8_t)((a[i] * alpha + b[i] * (255 - alpha)) >> 8);
}

static void threshold(uint8_t *dst, const uint8_t *a, uint8_t t, int n) {
    for (int i = 0; i < n; i++) dst[i] = a[i] > t ? 255 : 0;
}

static void saxpy(float *y, const float *x, float a, int n) {
    for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

static void clampf(float *y, float lo, float hi, int n) {
    for (int i = 0; i < n; i++) y[i] = y[i] < lo ? lo : (y[i] > hi ? hi : y[i]);
}

static void addsat16(int16_t *d, const int16_t *a, int n) {
    for (int i = 0; i < n; i++) {
        int32_t s = (int32_t)d[i] + a[i];
        d[i] = (int16_t)(s > 32767 ? 32767 : (s < -32768 ? -32768 : s));
    }
}

static void minmax(const int32_t *a, int n, int32_t *mn, int32_t *mx) {
    int32_t lo = a[0], hi = a[0];
    for (int i = 0; i < n; i++) { lo = a[i] < lo ? a[i] : lo; hi = a[i] > hi ? a[i] : hi; }
    *mn = lo; *mx = hi;
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 150;
    uint32_t x = 88172645u;
#define NEXT() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x)
    for (int i = 0; i < LEN; i++) {
        qa[i] = (int8_t)NEXT(); qb[i] = (int8_t)NEXT();
        img[i] = (uint8_t)NEXT(); img2[i] = (uint8_t)NEXT();
        fa[i] = (float)(NEXT() % 2000) / 1000.0f - 1.0f; fb[i] = (float)(NEXT() % 2000) / 1000.0f;
        s16a[i] = (int16_t)NEXT(); s16b[i] = (int16_t)NEXT();
        i32a[i] = (int32_t)NEXT();
    }
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c++) W[r][c] = (int8_t)NEXT();
    for (int c = 0; c < COLS; c++) xv[c] = (int8_t)NEXT();

    uint32_t h = 0;
    int32_t y[ROWS];
    for (int rep = 0; rep < reps; rep++) {
        h = h * 31u + (uint32_t)dot_i8(qa, qb, LEN);
        xv[rep % COLS] ^= (int8_t)rep;
        for (int k = 0; k < 4; k++) {
            matvec_i8(y);
            for (int r = 0; r < ROWS; r++) h = h * 31u + (uint32_t)y[r];
        }
        blend(out8, img, img2, (uint8_t)(rep * 7), LEN);
        threshold(img2, out8, (uint8_t)(100 + rep), LEN);
        for (int i = 0; i < LEN; i += 97) h = h * 31u + out8[i] + img2[i];
        saxpy(fb, fa, 0.5f, LEN);
        clampf(fb, -4.0f, 4.0f, LEN);
        for (int i = 0; i < LEN; i += 97) h = h * 31u + (uint32_t)(int32_t)(fb[i] * 1000.0f);
        addsat16(s16a, s16b, LEN);
        for (int i = 0; i < LEN; i += 97) h = h * 31u + (uint16_t)s16a[i];
        i32a[rep] ^= rep * 12345;
        int32_t mn, mx;
        minmax(i32a, LEN, &mn, &mx);
        h = h * 31u + (uint32_t)mn + (uint32_t)mx;
    }
    printf("autovec %u\n", h);
    return 0;
}
