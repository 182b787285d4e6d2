/* simd: 128-bit SIMD kernels (built with -msimd128, see build.sh).
 * A 3x3 box blur over an 8-bit grey image (u8 -> u16 widening adds, a
 * multiply-high divide, narrowing), an f32 dot product and saxpy, and an
 * i32 min/max/sum reduction, all written with <wasm_simd128.h> so the
 * vector instructions are certain to be there.
 * Usage: simd [ROUNDS]  (default 60 rounds over a 1024x1024 image) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <wasm_simd128.h>

#define W 1024
#define H 1024

static uint8_t img[W * H], out[W * H];
static float xs[1 << 16], ys[1 << 16];

/* out = 3x3 box blur of in (interior pixels; borders copied). */
static void blur(const uint8_t *in, uint8_t *o) {
    for (int y = 0; y < H; y++) {
        if (y == 0 || y == H - 1) {
            for (int x = 0; x < W; x++) o[y * W + x] = in[y * W + x];
            continue;
        }
        o[y * W] = in[y * W];
        int x = 1;
        for (; x + 16 <= W - 1; x += 16) {
            v128_t lo = wasm_i16x8_splat(0), hi = wasm_i16x8_splat(0);
            for (int dy = -1; dy <= 1; dy++) {
                const uint8_t *row = in + (y + dy) * W + x;
                for (int dx = -1; dx <= 1; dx++) {
                    v128_t p = wasm_v128_load(row + dx);
                    lo = wasm_i16x8_add(lo, wasm_u16x8_extend_low_u8x16(p));
                    hi = wasm_i16x8_add(hi, wasm_u16x8_extend_high_u8x16(p));
                }
            }
            /* divide by 9: (s * 7282) >> 16 via q15mulr-free mulhi */
            v128_t k = wasm_i32x4_splat(7282);
            v128_t l0 = wasm_i32x4_shr(wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(lo), k), 16);
            v128_t l1 = wasm_i32x4_shr(wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(lo), k), 16);
            v128_t h0 = wasm_i32x4_shr(wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(hi), k), 16);
            v128_t h1 = wasm_i32x4_shr(wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(hi), k), 16);
            v128_t a = wasm_u16x8_narrow_i32x4(l0, l1);
            v128_t b = wasm_u16x8_narrow_i32x4(h0, h1);
            wasm_v128_store(o + y * W + x, wasm_u8x16_narrow_i16x8(a, b));
        }
        for (; x < W; x++) o[y * W + x] = in[y * W + x];
    }
}

static float dot(const float *a, const float *b, int n) {
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (int i = 0; i < n; i += 4)
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    return wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
           wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
}

static void saxpy(float a, const float *x, float *y, int n) {
    v128_t va = wasm_f32x4_splat(a);
    for (int i = 0; i < n; i += 4)
        wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(y + i),
                                              wasm_f32x4_mul(va, wasm_v128_load(x + i))));
}

static uint32_t reduce(const uint8_t *p, int n) {
    v128_t mn = wasm_i32x4_splat(0x7fffffff), mx = wasm_i32x4_splat(0), sum = wasm_i32x4_splat(0);
    for (int i = 0; i < n; i += 16) {
        v128_t v = wasm_v128_load(p + i);
        v128_t w = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(v));
        mn = wasm_i32x4_min(mn, w);
        mx = wasm_i32x4_max(mx, w);
        sum = wasm_i32x4_add(sum, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(v)));
    }
    uint32_t lanes[4];
    wasm_v128_store(lanes, sum);
    uint32_t r = (uint32_t)wasm_i32x4_extract_lane(mn, 0) * 31 + (uint32_t)wasm_i32x4_extract_lane(mx, 1);
    for (int l = 0; l < 4; l++) r = r * 31 + lanes[l];
    return r;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 60;
    uint32_t s = 12345;
    for (int i = 0; i < W * H; i++) {
        s = s * 1103515245u + 12345u;
        img[i] = (uint8_t)(s >> 16);
    }
    for (int i = 0; i < (1 << 16); i++) {
        xs[i] = (float)((i * 37) % 101) / 101.0f;
        ys[i] = (float)((i * 53) % 97) / 97.0f;
    }
    uint32_t check = 0;
    double fsum = 0;
    for (int r = 0; r < rounds; r++) {
        blur(img, out);
        blur(out, img);
        check = check * 1000003u + reduce(img, W * H);
        saxpy(0.5f / (float)(r + 1), xs, ys, 1 << 16);
        fsum += dot(xs, ys, 1 << 16);
    }
    printf("simd: rounds=%d check=%u dot=%.3f\n", rounds, check, fsum);
    return 0;
}
