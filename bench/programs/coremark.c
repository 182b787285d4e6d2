/* coremark: a CoreMark-style mixed workload (own code, same spirit): linked
 * list search/reverse/merge sort, small int16 matrix kernels, a character
 * state machine classifying numeric tokens, all folded into a CRC-16.
 * Usage: coremark [ITERATIONS]  (default 3500) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

static uint16_t crc16_byte(uint8_t b, uint16_t crc) {
    for (int i = 0; i < 8; i++) {
        uint8_t x = (uint8_t)((b ^ crc) & 1);
        b >>= 1;
        crc = x ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    }
    return crc;
}
static uint16_t crc16(uint16_t v, uint16_t crc) { return crc16_byte((uint8_t)(v >> 8), crc16_byte((uint8_t)v, crc)); }
static uint16_t crc32v(uint32_t v, uint16_t crc) { return crc16((uint16_t)(v >> 16), crc16((uint16_t)v, crc)); }

/* ---- linked list ---- */
struct item { struct item *next; int16_t data; int16_t idx; };
#define LIST_N 96
static struct item pool[LIST_N];

static struct item *list_build(uint16_t seed) {
    struct item *head = NULL;
    for (int i = LIST_N - 1; i >= 0; i--) {
        pool[i].idx = (int16_t)i;
        pool[i].data = (int16_t)(((seed ^ (i * 0x3d)) * 0x91 + i) & 0x7fff);
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}
static struct item *list_reverse(struct item *l) {
    struct item *r = NULL;
    while (l) { struct item *n = l->next; l->next = r; r = l; l = n; }
    return r;
}
static struct item *list_find(struct item *l, int16_t data) {
    while (l && (l->data & 0xff) != data) l = l->next;
    return l;
}
static int cmp_data(const struct item *a, const struct item *b) { return (a->data & 0x3fff) - (b->data & 0x3fff); }
static int cmp_idx(const struct item *a, const struct item *b) { return a->idx - b->idx; }

/* bottom-up merge sort of a singly linked list, comparator by pointer */
static struct item *list_sort(struct item *l, int (*cmp)(const struct item *, const struct item *)) {
    int insize = 1;
    for (;;) {
        struct item *p = l, *tail = NULL; l = NULL;
        int merges = 0;
        while (p) {
            merges++;
            struct item *q = p; int psize = 0;
            for (int i = 0; i < insize && q; i++) { psize++; q = q->next; }
            int qsize = insize;
            while (psize > 0 || (qsize > 0 && q)) {
                struct item *e;
                if (psize == 0) { e = q; q = q->next; qsize--; }
                else if (qsize == 0 || !q) { e = p; p = p->next; psize--; }
                else if (cmp(p, q) <= 0) { e = p; p = p->next; psize--; }
                else { e = q; q = q->next; qsize--; }
                if (tail) tail->next = e; else l = e;
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1) return l;
        insize *= 2;
    }
}

static uint16_t bench_list(uint16_t seed, uint16_t crc) {
    struct item *l = list_build(seed);
    int found = 0, missed = 0;
    for (int i = 0; i < 24; i++) {
        struct item *f = list_find(l, (int16_t)((seed + i * 7) & 0xff));
        if (f) { found++; crc = crc16((uint16_t)f->data, crc); } else missed++;
        l = list_reverse(l);
    }
    l = list_sort(l, cmp_data);
    for (struct item *p = l; p; p = p->next) crc = crc16((uint16_t)p->data, crc);
    l = list_sort(l, cmp_idx);
    crc = crc16((uint16_t)(found * 4 - missed), crc);
    crc = crc16((uint16_t)l->next->next->data, crc);
    return crc;
}

/* ---- matrix ---- */
#define MN 20
static int16_t ma[MN * MN], mb[MN * MN];
static int32_t mc[MN * MN];

static uint16_t bench_matrix(uint16_t seed, uint16_t crc) {
    int16_t k = (int16_t)(seed | 0xf000);
    for (int i = 0; i < MN * MN; i++) {
        ma[i] = (int16_t)((i * seed + 7) & 0xff);
        mb[i] = (int16_t)(((i ^ seed) * 3) & 0xff) - 128;
    }
    for (int i = 0; i < MN * MN; i++) ma[i] = (int16_t)(ma[i] + k);                 /* add const */
    for (int i = 0; i < MN * MN; i++) mc[i] = (int32_t)ma[i] * (int32_t)k;           /* mul const */
    int32_t acc = 0;
    for (int i = 0; i < MN * MN; i++) acc += mc[i] > 1000 ? (mc[i] >> 7) : -(mc[i] & 0xff);
    crc = crc32v((uint32_t)acc, crc);
    for (int i = 0; i < MN; i++) {                                                   /* mat * vec */
        int32_t s = 0;
        for (int j = 0; j < MN; j++) s += (int32_t)ma[i * MN + j] * mb[j];
        mc[i] = s;
    }
    uint32_t mix = 0;
    for (int i = 0; i < MN; i++) mix += (uint32_t)mc[i] ^ (mix << 1);
    crc = crc32v(mix, crc);
    for (int i = 0; i < MN; i++)                                                     /* mat * mat */
        for (int j = 0; j < MN; j++) {
            int32_t s = 0;
            for (int q = 0; q < MN; q++) s += (int32_t)ma[i * MN + q] * mb[q * MN + j];
            mc[i * MN + j] = s;
        }
    acc = 0;
    for (int i = 0; i < MN * MN; i++) acc += mc[i] > 0 ? 1 : -1;
    crc = crc32v((uint32_t)acc, crc);
    acc = 0;
    for (int i = 0; i < MN * MN; i++) acc += (int32_t)(((uint32_t)mc[i] >> 2) & 0xf) * ((mc[i] >> 5) & 0x7f); /* bit extract */
    return crc32v((uint32_t)acc, crc);
}

/* ---- state machine ---- */
enum state { S_START, S_INT, S_SIGN, S_FLOAT, S_EXP, S_ESIGN, S_SCI, S_INVALID, S_NSTATES };
static char text[1200];

static void make_text(uint16_t seed) {
    static const char *pieces[] = {"5012", "1234", "-874", "+122", "35.54", "-11.0", "0.0001", "5.500e+3",
                                   "-.123e-2", "-87e+832", "+0.6e-12", "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^", "7"};
    int len = 0;
    uint32_t x = seed * 2654435761u + 1;
    while (len < (int)sizeof(text) - 12) {
        x = x * 1103515245u + 12345u;
        const char *p = pieces[(x >> 16) & 15];
        while (*p) text[len++] = *p++;
        text[len++] = ',';
    }
    text[len] = 0;
}

static uint16_t bench_state(uint16_t seed, uint16_t crc) {
    uint32_t counts[S_NSTATES] = {0}, transitions = 0;
    make_text(seed);
    for (int pass = 0; pass < 2; pass++) {
        const char *p = text;
        while (*p) {
            enum state s = S_START;
            while (*p && *p != ',') {
                char c = *p++;
                enum state ns = s;
                int digit = c >= '0' && c <= '9';
                switch (s) {
                case S_START: ns = digit ? S_INT : (c == '+' || c == '-') ? S_SIGN : c == '.' ? S_FLOAT : S_INVALID; break;
                case S_SIGN: ns = digit ? S_INT : c == '.' ? S_FLOAT : S_INVALID; break;
                case S_INT: ns = digit ? S_INT : c == '.' ? S_FLOAT : (c == 'e' || c == 'E') ? S_EXP : S_INVALID; break;
                case S_FLOAT: ns = digit ? S_FLOAT : (c == 'e' || c == 'E') ? S_EXP : S_INVALID; break;
                case S_EXP: ns = (c == '+' || c == '-') ? S_ESIGN : digit ? S_SCI : S_INVALID; break;
                case S_ESIGN: case S_SCI: ns = digit ? S_SCI : S_INVALID; break;
                default: ns = S_INVALID; break;
                }
                if (ns != s) transitions++;
                s = ns;
            }
            counts[s]++;
            if (*p) p++;
        }
        /* corrupt some characters for the second pass */
        for (int i = 0; text[i]; i += 7) if (text[i] != ',') text[i] ^= (char)(seed & 3);
    }
    for (int i = 0; i < S_NSTATES; i++) crc = crc32v(counts[i], crc);
    return crc32v(transitions, crc);
}

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 3500;
    uint16_t crc_list = 0, crc_mat = 0, crc_state = 0, crc = 0;
    for (long i = 0; i < iters; i++) {
        uint16_t seed = (uint16_t)(i * 0x9e37 + 0x66);
        crc_list = bench_list(seed, crc_list);
        crc_mat = bench_matrix(seed, crc_mat);
        crc_state = bench_state(seed, crc_state);
    }
    crc = crc16(crc_list, crc16(crc_mat, crc16(crc_state, 0)));
    printf("iterations = %ld\n", iters);
    printf("crc list = %04x, matrix = %04x, state = %04x\n", crc_list, crc_mat, crc_state);
    printf("crc final = %04x\n", crc);
    return 0;
}
