/* bytecode: a bytecode interpreter, the shape of CPython's or Lua's eval loop.
 * One big `switch` over ~60 opcodes (a br_table), a value stack and frames,
 * object-ish values in a heap, and indirect calls: arithmetic on boxed values
 * dispatches through a per-type method table, builtins through a function
 * table.  Runs a few guest programs written in its own assembler.
 * Usage: bytecode [SCALE]  (default 45) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OP_NOP, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_OVER, OP_ROT,
    OP_LOAD, OP_STORE, OP_LOADG, OP_STOREG, OP_INC, OP_DEC,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_NEG, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_NOT,
    OP_JMP, OP_JZ, OP_JNZ, OP_JLT, OP_JGE,
    OP_CALL, OP_RET, OP_CALLB,
    OP_NEWARR, OP_AGET, OP_ASET, OP_ALEN,
    OP_BOX, OP_UNBOX, OP_BADD, OP_BMUL, OP_BCMP, OP_BHASH,
    OP_ADDI, OP_MULI, OP_LOADADD, OP_LOADLT, OP_ABS, OP_MIN, OP_MAX, OP_SQR,
    OP_MIX, OP_ROTL, OP_POPCNT, OP_CLZ, OP_SEL,
    OP_HALT, NOPS
};

typedef int64_t Val;

/* boxed values: a type tag with a method table, as a dynamic language has */
typedef struct Obj Obj;
typedef struct {
    Val (*add)(const Obj *, const Obj *);
    Val (*mul)(const Obj *, const Obj *);
    int (*cmp)(const Obj *, const Obj *);
    uint32_t (*hash)(const Obj *);
} Methods;
struct Obj { const Methods *m; int64_t i; double f; };

enum { HEAP = 1 << 16 };
static Obj heap[HEAP];
static int hp;
static Val arrays[1 << 16];
static int ap;

static Val int_add(const Obj *a, const Obj *b) { return a->i + b->i; }
static Val int_mul(const Obj *a, const Obj *b) { return a->i * b->i; }
static int int_cmp(const Obj *a, const Obj *b) { return (a->i > b->i) - (a->i < b->i); }
static uint32_t int_hash(const Obj *a) { return (uint32_t)(a->i * 0x9E3779B97F4A7C15ULL >> 32); }
static Val flt_add(const Obj *a, const Obj *b) { return (Val)(a->f + b->f); }
static Val flt_mul(const Obj *a, const Obj *b) { return (Val)(a->f * b->f); }
static int flt_cmp(const Obj *a, const Obj *b) { return (a->f > b->f) - (a->f < b->f); }
static uint32_t flt_hash(const Obj *a) { return (uint32_t)(int64_t)(a->f * 1000.0) * 2654435761u; }
static const Methods INT_M = {int_add, int_mul, int_cmp, int_hash};
static const Methods FLT_M = {flt_add, flt_mul, flt_cmp, flt_hash};

static Val box(Val v) {
    Obj *o = &heap[hp];
    hp = (hp + 1) & (HEAP - 1);
    if (v & 1) { o->m = &FLT_M; o->f = (double)v * 0.5; o->i = 0; }
    else { o->m = &INT_M; o->i = v; o->f = 0; }
    return (Val)(o - heap);
}

/* builtins, called through a table */
typedef Val (*Builtin)(Val a, Val b);
static Val b_gcd(Val a, Val b) { a = a < 0 ? -a : a; b = b < 0 ? -b : b; while (b) { Val t = a % b; a = b; b = t; } return a; }
static Val b_isqrt(Val a, Val b) { (void)b; if (a <= 0) return 0; Val x = a, y = (x + 1) / 2; while (y < x) { x = y; y = (x + a / x) / 2; } return x; }
static Val b_hash(Val a, Val b) { uint64_t h = (uint64_t)a * 0xff51afd7ed558ccdULL ^ (uint64_t)b; h ^= h >> 33; return (Val)(h & 0x7fffffff); }
static Val b_max(Val a, Val b) { return a > b ? a : b; }
static const Builtin BUILTINS[] = {b_gcd, b_isqrt, b_hash, b_max};

typedef struct { const int32_t *code; int len; int nlocals; } Func;
enum { STACK = 4096, FRAMES = 256 };

static Val run(const Func *funcs, int entry, Val arg, Val *globals) {
    Val stack[STACK];
    struct { const int32_t *ret; Val *locals; int fn; } frames[FRAMES];
    int fp = 0;
    Val *sp = stack;
    Val *locals = sp;
    sp += funcs[entry].nlocals;
    for (Val *l = locals; l < sp; l++) *l = 0;
    locals[0] = arg;
    const int32_t *pc = funcs[entry].code;
    for (;;) {
        int32_t op = *pc++;
        switch (op) {
        case OP_NOP: break;
        case OP_PUSH: *sp++ = *pc++; break;
        case OP_POP: sp--; break;
        case OP_DUP: sp[0] = sp[-1]; sp++; break;
        case OP_SWAP: { Val t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; break; }
        case OP_OVER: sp[0] = sp[-2]; sp++; break;
        case OP_ROT: { Val t = sp[-3]; sp[-3] = sp[-2]; sp[-2] = sp[-1]; sp[-1] = t; break; }
        case OP_LOAD: *sp++ = locals[*pc++]; break;
        case OP_STORE: locals[*pc++] = *--sp; break;
        case OP_LOADG: *sp++ = globals[*pc++]; break;
        case OP_STOREG: globals[*pc++] = *--sp; break;
        case OP_INC: locals[*pc++]++; break;
        case OP_DEC: locals[*pc++]--; break;
        case OP_ADD: sp--; sp[-1] += sp[0]; break;
        case OP_SUB: sp--; sp[-1] -= sp[0]; break;
        case OP_MUL: sp--; sp[-1] *= sp[0]; break;
        case OP_DIV: sp--; sp[-1] = sp[0] ? sp[-1] / sp[0] : 0; break;
        case OP_MOD: sp--; sp[-1] = sp[0] ? sp[-1] % sp[0] : 0; break;
        case OP_NEG: sp[-1] = -sp[-1]; break;
        case OP_AND: sp--; sp[-1] &= sp[0]; break;
        case OP_OR: sp--; sp[-1] |= sp[0]; break;
        case OP_XOR: sp--; sp[-1] ^= sp[0]; break;
        case OP_SHL: sp--; sp[-1] = (Val)((uint64_t)sp[-1] << (sp[0] & 63)); break;
        case OP_SHR: sp--; sp[-1] = (Val)((uint64_t)sp[-1] >> (sp[0] & 63)); break;
        case OP_EQ: sp--; sp[-1] = sp[-1] == sp[0]; break;
        case OP_NE: sp--; sp[-1] = sp[-1] != sp[0]; break;
        case OP_LT: sp--; sp[-1] = sp[-1] < sp[0]; break;
        case OP_LE: sp--; sp[-1] = sp[-1] <= sp[0]; break;
        case OP_GT: sp--; sp[-1] = sp[-1] > sp[0]; break;
        case OP_GE: sp--; sp[-1] = sp[-1] >= sp[0]; break;
        case OP_NOT: sp[-1] = !sp[-1]; break;
        case OP_JMP: pc += *pc; break;
        case OP_JZ: if (*--sp == 0) pc += *pc; else pc++; break;
        case OP_JNZ: if (*--sp != 0) pc += *pc; else pc++; break;
        case OP_JLT: sp -= 2; if (sp[0] < sp[1]) pc += *pc; else pc++; break;
        case OP_JGE: sp -= 2; if (sp[0] >= sp[1]) pc += *pc; else pc++; break;
        case OP_CALL: {
            int fn = *pc++, nargs = *pc++;
            if (fp == FRAMES) return -1;
            frames[fp].ret = pc; frames[fp].locals = locals; frames[fp].fn = fn; fp++;
            Val *args = sp - nargs;
            locals = args;
            sp = args + funcs[fn].nlocals;
            for (Val *l = args + nargs; l < sp; l++) *l = 0;
            pc = funcs[fn].code;
            break;
        }
        case OP_RET: {
            Val r = sp[-1];
            if (fp == 0) return r;
            fp--;
            sp = locals;
            *sp++ = r;
            locals = frames[fp].locals;
            pc = frames[fp].ret;
            break;
        }
        case OP_CALLB: { int b = *pc++; sp--; sp[-1] = BUILTINS[b](sp[-1], sp[0]); break; }
        case OP_NEWARR: { Val n = sp[-1]; sp[-1] = ap; memset(&arrays[ap + 1], 0, (size_t)n * sizeof(Val)); arrays[ap] = n; ap += (int)n + 1; break; }
        case OP_AGET: { sp--; Val a = sp[-1], i = sp[0]; sp[-1] = (i >= 0 && i < arrays[a]) ? arrays[a + 1 + i] : 0; break; }
        case OP_ASET: { sp -= 3; Val a = sp[0], i = sp[1]; if (i >= 0 && i < arrays[a]) arrays[a + 1 + i] = sp[2]; break; }
        case OP_ALEN: sp[-1] = arrays[sp[-1]]; break;
        case OP_BOX: sp[-1] = box(sp[-1]); break;
        case OP_UNBOX: { const Obj *o = &heap[sp[-1]]; sp[-1] = o->m == &INT_M ? o->i : (Val)o->f; break; }
        case OP_BADD: { sp--; const Obj *a = &heap[sp[-1]], *b = &heap[sp[0]]; sp[-1] = a->m->add(a, b); break; }
        case OP_BMUL: { sp--; const Obj *a = &heap[sp[-1]], *b = &heap[sp[0]]; sp[-1] = b->m->mul(a, b); break; }
        case OP_BCMP: { sp--; const Obj *a = &heap[sp[-1]], *b = &heap[sp[0]]; sp[-1] = a->m->cmp(a, b); break; }
        case OP_BHASH: { const Obj *a = &heap[sp[-1]]; sp[-1] = a->m->hash(a); break; }
        case OP_ADDI: sp[-1] += *pc++; break;
        case OP_MULI: sp[-1] *= *pc++; break;
        case OP_LOADADD: sp[-1] += locals[*pc++]; break;
        case OP_LOADLT: { Val a = locals[*pc++], b = locals[*pc++]; if (a < b) pc += *pc; else pc++; break; }
        case OP_ABS: if (sp[-1] < 0) sp[-1] = -sp[-1]; break;
        case OP_MIN: sp--; if (sp[0] < sp[-1]) sp[-1] = sp[0]; break;
        case OP_MAX: sp--; if (sp[0] > sp[-1]) sp[-1] = sp[0]; break;
        case OP_SQR: sp[-1] *= sp[-1]; break;
        case OP_MIX: sp[-1] = (Val)(((uint64_t)sp[-1] ^ ((uint64_t)sp[-1] >> 29)) * 0xbf58476d1ce4e5b9ULL); break;
        case OP_ROTL: sp--; { uint64_t v = (uint64_t)sp[-1]; int r = (int)(sp[0] & 63); sp[-1] = (Val)(r ? (v << r) | (v >> (64 - r)) : v); } break;
        case OP_POPCNT: sp[-1] = __builtin_popcountll((uint64_t)sp[-1]); break;
        case OP_CLZ: sp[-1] = sp[-1] ? __builtin_clzll((uint64_t)sp[-1]) : 64; break;
        case OP_SEL: sp -= 2; sp[-1] = sp[1] ? sp[-1] : sp[0]; break;
        case OP_HALT: return sp[-1];
        default: return -2;
        }
    }
}

/* ---- a tiny assembler with labels */
typedef struct { int32_t code[1024]; int n; int label[32]; int fix[64][2]; int nfix; } Asm;
static void e(Asm *a, int32_t w) { a->code[a->n++] = w; }
static void lbl(Asm *a, int l) { a->label[l] = a->n; }
static void jmp(Asm *a, int op, int l) { e(a, op); a->fix[a->nfix][0] = a->n; a->fix[a->nfix][1] = l; a->nfix++; e(a, 0); }
static void link(Asm *a) { for (int i = 0; i < a->nfix; i++) a->code[a->fix[i][0]] = a->label[a->fix[i][1]] - a->fix[i][0]; }

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : 45;
    static Asm fib, loop, sieve, objs;
    Func funcs[4];

    /* f0 fib(n): if n < 2 return n; return fib(n-1) + fib(n-2) */
    Asm *a = &fib;
    e(a, OP_LOAD); e(a, 0); e(a, OP_PUSH); e(a, 2); jmp(a, OP_JGE, 0);
    e(a, OP_LOAD); e(a, 0); e(a, OP_RET);
    lbl(a, 0);
    e(a, OP_LOAD); e(a, 0); e(a, OP_ADDI); e(a, -1); e(a, OP_CALL); e(a, 0); e(a, 1);
    e(a, OP_LOAD); e(a, 0); e(a, OP_ADDI); e(a, -2); e(a, OP_CALL); e(a, 0); e(a, 1);
    e(a, OP_ADD); e(a, OP_RET);
    link(a); funcs[0] = (Func){a->code, a->n, 1};

    /* f1 mixloop(n): integer soup with builtins */
    a = &loop;  /* locals: n, i, acc, t */
    e(a, OP_PUSH); e(a, 0); e(a, OP_STORE); e(a, 1);
    e(a, OP_PUSH); e(a, 7); e(a, OP_STORE); e(a, 2);
    lbl(a, 0);
    e(a, OP_LOADLT); e(a, 1); e(a, 0); e(a, 3); jmp(a, OP_JMP, 1);
    e(a, OP_LOAD); e(a, 2); e(a, OP_LOAD); e(a, 1); e(a, OP_XOR); e(a, OP_MIX); e(a, OP_STORE); e(a, 3);
    e(a, OP_LOAD); e(a, 3); e(a, OP_PUSH); e(a, 1000); e(a, OP_MOD); e(a, OP_ABS);
    e(a, OP_LOAD); e(a, 1); e(a, OP_PUSH); e(a, 7); e(a, OP_AND); e(a, OP_MULI); e(a, 3); e(a, OP_ADDI); e(a, 1);
    e(a, OP_CALLB); e(a, 0);
    e(a, OP_LOAD); e(a, 3); e(a, OP_PUSH); e(a, 17); e(a, OP_ROTL); e(a, OP_POPCNT); e(a, OP_ADD);
    e(a, OP_LOAD); e(a, 1); e(a, OP_SQR); e(a, OP_PUSH); e(a, 0); e(a, OP_CALLB); e(a, 1); e(a, OP_ADD);
    e(a, OP_LOADADD); e(a, 2); e(a, OP_LOAD); e(a, 1); e(a, OP_CALLB); e(a, 2);
    e(a, OP_DUP); e(a, OP_LOAD); e(a, 2); e(a, OP_XOR); e(a, OP_OVER); e(a, OP_PUSH); e(a, 1); e(a, OP_AND);
    e(a, OP_SEL); e(a, OP_STORE); e(a, 2);
    e(a, OP_INC); e(a, 1); jmp(a, OP_JMP, 0);
    lbl(a, 1); e(a, OP_LOAD); e(a, 2); e(a, OP_RET);
    link(a); funcs[1] = (Func){a->code, a->n, 4};

    /* f2 sieve(n): count primes below n in a guest array */
    a = &sieve;  /* locals: n, arr, i, j, count */
    e(a, OP_LOAD); e(a, 0); e(a, OP_NEWARR); e(a, OP_STORE); e(a, 1);
    e(a, OP_PUSH); e(a, 2); e(a, OP_STORE); e(a, 2);
    lbl(a, 0);
    e(a, OP_LOADLT); e(a, 2); e(a, 0); e(a, 3); jmp(a, OP_JMP, 3);
    e(a, OP_LOAD); e(a, 1); e(a, OP_LOAD); e(a, 2); e(a, OP_AGET); jmp(a, OP_JNZ, 2);
    e(a, OP_INC); e(a, 4);
    e(a, OP_LOAD); e(a, 2); e(a, OP_SQR); e(a, OP_STORE); e(a, 3);
    lbl(a, 1);
    e(a, OP_LOADLT); e(a, 3); e(a, 0); e(a, 3); jmp(a, OP_JMP, 2);
    e(a, OP_LOAD); e(a, 1); e(a, OP_LOAD); e(a, 3); e(a, OP_PUSH); e(a, 1); e(a, OP_ASET);
    e(a, OP_LOAD); e(a, 3); e(a, OP_LOADADD); e(a, 2); e(a, OP_STORE); e(a, 3); jmp(a, OP_JMP, 1);
    lbl(a, 2); e(a, OP_INC); e(a, 2); jmp(a, OP_JMP, 0);
    lbl(a, 3); e(a, OP_LOAD); e(a, 4); e(a, OP_RET);
    link(a); funcs[2] = (Func){a->code, a->n, 5};

    /* f3 objects(n): boxed arithmetic through method tables */
    a = &objs;  /* locals: n, i, acc, x, y */
    e(a, OP_PUSH); e(a, 0); e(a, OP_STORE); e(a, 1);
    lbl(a, 0);
    e(a, OP_LOADLT); e(a, 1); e(a, 0); e(a, 3); jmp(a, OP_JMP, 1);
    e(a, OP_LOAD); e(a, 1); e(a, OP_BOX); e(a, OP_STORE); e(a, 3);
    e(a, OP_LOAD); e(a, 1); e(a, OP_MULI); e(a, 3); e(a, OP_ADDI); e(a, 1); e(a, OP_BOX); e(a, OP_STORE); e(a, 4);
    e(a, OP_LOAD); e(a, 3); e(a, OP_LOAD); e(a, 4); e(a, OP_BADD);
    e(a, OP_LOAD); e(a, 3); e(a, OP_LOAD); e(a, 4); e(a, OP_BMUL); e(a, OP_XOR);
    e(a, OP_LOAD); e(a, 3); e(a, OP_LOAD); e(a, 4); e(a, OP_BCMP); e(a, OP_ADD);
    e(a, OP_LOAD); e(a, 4); e(a, OP_BHASH); e(a, OP_ADD);
    e(a, OP_LOADADD); e(a, 2); e(a, OP_PUSH); e(a, 0x7fffffff); e(a, OP_AND); e(a, OP_STORE); e(a, 2);
    e(a, OP_INC); e(a, 1); jmp(a, OP_JMP, 0);
    lbl(a, 1); e(a, OP_LOAD); e(a, 2); e(a, OP_RET);
    link(a); funcs[3] = (Func){a->code, a->n, 5};

    Val globals[8] = {0};
    Val r0 = 0, r1 = 0, r2 = 0, r3 = 0;
    for (int rep = 0; rep < scale; rep++) {
        r0 += run(funcs, 0, 20, globals);
        r1 ^= run(funcs, 1, 6000 + rep, globals);
        ap = 0;
        r2 += run(funcs, 2, 30000 + rep, globals);
        r3 ^= run(funcs, 3, 6000 + rep, globals);
    }
    printf("fib %lld mix %lld primes %lld objs %lld\n", (long long)r0, (long long)r1, (long long)r2, (long long)r3);
    return 0;
}
