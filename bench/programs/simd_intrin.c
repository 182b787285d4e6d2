/* simd_intrin: SIMD kernels written with wasm_simd128.h intrinsics.
 * An int8 GEMM (i16x8 widening multiplies, i32x4 dot products, as quantised
 * inference does) and a BLAKE3-style compression of four inputs at once
 * (i32x4 add/xor, rotates by shifts and by byte shuffles).
 * Usage: simd_intrin [REPS]  (default 24) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <wasm_simd128.h>

enum { M = 96, K = 256, N = 96 };
static int8_t A[M][K], BT[N][K];
static int32_t C[M][N];

/* C = A * B with B stored transposed: each output is a dot product of two int8 rows */
static void gemm_i8(void) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            v128_t acc = wasm_i32x4_splat(0);
            for (int k = 0; k < K; k += 16) {
                v128_t a = wasm_v128_load(&A[i][k]);
                v128_t b = wasm_v128_load(&BT[j][k]);
                v128_t lo = wasm_i16x8_extmul_low_i8x16(a, b);
                v128_t hi = wasm_i16x8_extmul_high_i8x16(a, b);
                acc = wasm_i32x4_add(acc, wasm_i32x4_extadd_pairwise_i16x8(lo));
                acc = wasm_i32x4_add(acc, wasm_i32x4_extadd_pairwise_i16x8(hi));
            }
            C[i][j] = wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) +
                      wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3);
        }
}

/* the same GEMM through i16 widening and i32x4.dot_i16x8_s */
static void gemm_i8_dot(void) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            v128_t acc = wasm_i32x4_splat(0);
            for (int k = 0; k < K; k += 16) {
                v128_t a = wasm_v128_load(&A[i][k]);
                v128_t b = wasm_v128_load(&BT[j][k]);
                acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(a),
                                                               wasm_i16x8_extend_low_i8x16(b)));
                acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(a),
                                                               wasm_i16x8_extend_high_i8x16(b)));
            }
            v128_t s = wasm_i32x4_add(acc, wasm_i32x4_shuffle(acc, acc, 2, 3, 0, 1));
            s = wasm_i32x4_add(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
            C[i][j] = C[i][j] * 3 - wasm_i32x4_extract_lane(s, 0);
        }
}

static const uint32_t IV[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                               0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};
static const uint8_t PERM[16] = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};

static inline v128_t rot16(v128_t x) {
    return wasm_i8x16_shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}
static inline v128_t rot8(v128_t x) {
    return wasm_i8x16_shuffle(x, x, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
}
static inline v128_t rotr(v128_t x, int r) { return wasm_v128_or(wasm_u32x4_shr(x, r), wasm_i32x4_shl(x, 32 - r)); }

#define G4(a, b, c, d, mx, my)                                                         \
    do {                                                                               \
        v[a] = wasm_i32x4_add(wasm_i32x4_add(v[a], v[b]), mx); v[d] = rot16(wasm_v128_xor(v[d], v[a])); \
        v[c] = wasm_i32x4_add(v[c], v[d]); v[b] = rotr(wasm_v128_xor(v[b], v[c]), 12);  \
        v[a] = wasm_i32x4_add(wasm_i32x4_add(v[a], v[b]), my); v[d] = rot8(wasm_v128_xor(v[d], v[a])); \
        v[c] = wasm_i32x4_add(v[c], v[d]); v[b] = rotr(wasm_v128_xor(v[b], v[c]), 7);   \
    } while (0)

/* four independent compressions, lane i of every vector belongs to input i */
static void compress4(v128_t cv[8], const v128_t m_in[16], uint32_t counter) {
    v128_t v[16], m[16], t[16];
    for (int i = 0; i < 16; i++) m[i] = m_in[i];
    for (int i = 0; i < 8; i++) v[i] = cv[i];
    for (int i = 0; i < 4; i++) v[8 + i] = wasm_i32x4_splat((int32_t)IV[i]);
    v[12] = wasm_i32x4_make((int32_t)counter, (int32_t)counter + 1, (int32_t)counter + 2, (int32_t)counter + 3);
    v[13] = wasm_i32x4_splat(0);
    v[14] = wasm_i32x4_splat(64);
    v[15] = wasm_i32x4_splat(11);
    for (int r = 0; r < 7; r++) {
        G4(0, 4, 8, 12, m[0], m[1]); G4(1, 5, 9, 13, m[2], m[3]);
        G4(2, 6, 10, 14, m[4], m[5]); G4(3, 7, 11, 15, m[6], m[7]);
        G4(0, 5, 10, 15, m[8], m[9]); G4(1, 6, 11, 12, m[10], m[11]);
        G4(2, 7, 8, 13, m[12], m[13]); G4(3, 4, 9, 14, m[14], m[15]);
        for (int i = 0; i < 16; i++) t[i] = m[PERM[i]];
        for (int i = 0; i < 16; i++) m[i] = t[i];
    }
    for (int i = 0; i < 8; i++) cv[i] = wasm_v128_xor(v[i], v[i + 8]);
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 24;
    uint32_t x = 2463534242u;
    for (int i = 0; i < M; i++)
        for (int k = 0; k < K; k++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; A[i][k] = (int8_t)(x >> 24); }
    for (int j = 0; j < N; j++)
        for (int k = 0; k < K; k++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; BT[j][k] = (int8_t)(x >> 24); }
    uint32_t gsum = 0;
    for (int r = 0; r < reps; r++) {
        A[r % M][r % K] ^= (int8_t)r;
        gemm_i8();
        gemm_i8_dot();
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) gsum = gsum * 31u + (uint32_t)C[i][j];
    }
    printf("gemm %u\n", gsum);

    v128_t cv[8], msg[16];
    for (int i = 0; i < 8; i++) cv[i] = wasm_i32x4_splat((int32_t)IV[i]);
    for (int i = 0; i < 16; i++) msg[i] = wasm_i32x4_make(i, i * 3, i * 5, i * 7);
    long blocks = (long)reps * 9000;
    for (long b = 0; b < blocks; b++) {
        compress4(cv, msg, (uint32_t)b * 4);
        msg[b & 15] = wasm_v128_xor(msg[b & 15], cv[b & 7]);
    }
    uint32_t h = 0;
    for (int i = 0; i < 8; i++)
        for (int l = 0; l < 4; l++) {
            uint32_t lanes[4];
            wasm_v128_store(lanes, cv[i]);
            h = h * 0x01000193u ^ lanes[l];
        }
    printf("blake3x4 %08x\n", h);
    return 0;
}
