/* dispatch: indirect calls.
 * Phase 1: "virtual" calls through per-shape method tables chosen at run time.
 * Phase 2: a small stack-machine interpreter whose handlers are called through
 * a function-pointer table.  Usage: dispatch [N]  (default 4000000) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

static uint32_t rng_state = 12345u;
static uint32_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* ---- phase 1: objects with method tables ---- */
struct shape;
struct shape_ops {
    int64_t (*area)(const struct shape *);
    int64_t (*perimeter)(const struct shape *);
    void (*scale)(struct shape *, int32_t);
};
struct shape { const struct shape_ops *ops; int32_t a, b; };

static int64_t rect_area(const struct shape *s) { return (int64_t)s->a * s->b; }
static int64_t rect_perim(const struct shape *s) { return 2 * ((int64_t)s->a + s->b); }
static void rect_scale(struct shape *s, int32_t k) { s->a = (s->a * k) % 1000 + 1; s->b = (s->b * k) % 1000 + 1; }
static int64_t tri_area(const struct shape *s) { return ((int64_t)s->a * s->b) / 2; }
static int64_t tri_perim(const struct shape *s) { return (int64_t)s->a + s->b + (s->a > s->b ? s->a : s->b); }
static void tri_scale(struct shape *s, int32_t k) { s->a = (s->a + k) % 997 + 1; s->b = (s->b ^ k) % 991 + 1; }
static int64_t sq_area(const struct shape *s) { return (int64_t)s->a * s->a; }
static int64_t sq_perim(const struct shape *s) { return 4 * (int64_t)s->a; }
static void sq_scale(struct shape *s, int32_t k) { s->a = (s->a * 3 + k) % 1009 + 1; }
static int64_t circ_area(const struct shape *s) { return (int64_t)s->a * s->a * 355 / 113; }
static int64_t circ_perim(const struct shape *s) { return (int64_t)s->a * 710 / 113; }
static void circ_scale(struct shape *s, int32_t k) { s->a = (s->a + k * 7) % 1013 + 1; }

static const struct shape_ops OPS[4] = {
    {rect_area, rect_perim, rect_scale},
    {tri_area, tri_perim, tri_scale},
    {sq_area, sq_perim, sq_scale},
    {circ_area, circ_perim, circ_scale},
};

#define NSHAPES 1024

static uint64_t phase1(long n) {
    static struct shape shapes[NSHAPES];
    for (int i = 0; i < NSHAPES; i++) {
        shapes[i].ops = &OPS[rnd() & 3];
        shapes[i].a = (int32_t)(rnd() % 1000) + 1;
        shapes[i].b = (int32_t)(rnd() % 1000) + 1;
    }
    uint64_t acc = 0;
    for (long i = 0; i < n; i++) {
        struct shape *s = &shapes[(i * 7) & (NSHAPES - 1)];
        acc += (uint64_t)s->ops->area(s);
        acc ^= (uint64_t)s->ops->perimeter(s) << (i & 15);
        if ((i & 63) == 0) s->ops->scale(s, (int32_t)(i & 255));
    }
    return acc;
}

/* ---- phase 2: a bytecode VM with a handler table ---- */
struct vm { uint64_t stack[64]; int sp; int pc; uint64_t acc; uint64_t reg[4]; };
typedef void (*handler)(struct vm *, int32_t);

static void op_push(struct vm *m, int32_t x) { m->stack[m->sp++ & 63] = (uint64_t)x; }
static void op_add(struct vm *m, int32_t x) { (void)x; m->sp--; m->stack[(m->sp - 1) & 63] += m->stack[m->sp & 63]; }
static void op_sub(struct vm *m, int32_t x) { (void)x; m->sp--; m->stack[(m->sp - 1) & 63] -= m->stack[m->sp & 63]; }
static void op_mul(struct vm *m, int32_t x) { (void)x; m->sp--; m->stack[(m->sp - 1) & 63] = (m->stack[(m->sp - 1) & 63] * m->stack[m->sp & 63]) & 0xffffff; }
static void op_xor(struct vm *m, int32_t x) { m->stack[(m->sp - 1) & 63] ^= (uint64_t)x; }
static void op_dup(struct vm *m, int32_t x) { (void)x; m->stack[m->sp & 63] = m->stack[(m->sp - 1) & 63]; m->sp++; }
static void op_store(struct vm *m, int32_t x) { m->reg[x & 3] = m->stack[--m->sp & 63]; }
static void op_load(struct vm *m, int32_t x) { m->stack[m->sp++ & 63] = m->reg[x & 3]; }
static void op_acc(struct vm *m, int32_t x) { (void)x; m->acc += m->stack[--m->sp & 63]; }
static void op_shr(struct vm *m, int32_t x) { m->stack[(m->sp - 1) & 63] >>= (x & 7); }

static const handler HANDLERS[10] = {op_push, op_add, op_sub, op_mul, op_xor,
                                     op_dup, op_store, op_load, op_acc, op_shr};

/* Each instruction: opcode and operand; generated so the stack stays balanced. */
struct insn { int32_t op; int32_t arg; };
#define PROG_LEN 256

static uint64_t phase2(long n) {
    static struct insn prog[PROG_LEN];
    int depth = 0;
    for (int i = 0; i < PROG_LEN; i++) {
        uint32_t r = rnd();
        int op;
        if (depth < 2) op = (r & 1) ? 0 : 7;              /* push / load */
        else if (depth > 12) op = (r & 1) ? 8 : 6;        /* acc / store */
        else op = (int)(r % 10);
        prog[i].op = op;
        prog[i].arg = (int32_t)(rnd() % 1000);
        switch (op) {
        case 0: case 5: case 7: depth++; break;
        case 1: case 2: case 3: case 6: case 8: depth--; break;
        default: break;
        }
    }
    struct vm m = {{0}, 0, 0, 0, {1, 2, 3, 4}};
    for (long it = 0; it < n; it++) {
        const struct insn *p = &prog[it & (PROG_LEN - 1)];
        HANDLERS[p->op](&m, p->arg);
    }
    return m.acc + m.reg[0] + m.reg[1] * 3 + m.reg[2] * 5 + m.reg[3] * 7 + (uint64_t)m.sp;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 4000000;
    uint64_t a = phase1(n);
    uint64_t b = phase2(n * 4);
    printf("virtual calls: %llu\n", (unsigned long long)a);
    printf("vm result: %llu\n", (unsigned long long)b);
    return 0;
}
