/* tokenizer: string/parse work.  Generates a JSON-like document (objects,
 * arrays, strings with escapes, numbers, literals) and a text of arithmetic
 * expressions, then tokenizes and parses both with recursive descent.
 * Usage: tokenizer [RECORDS]  (default 160000) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static uint32_t rs = 0xC0FFEEu;
static uint32_t rnd(void) { rs = rs * 1664525u + 1013904223u; return rs >> 8; }

/* ---- growable text buffer ---- */
static char *buf; static size_t blen, bcap;
static void put(const char *s) {
    size_t n = strlen(s);
    if (blen + n + 1 > bcap) { while (blen + n + 1 > bcap) bcap = bcap ? bcap * 2 : 4096; buf = realloc(buf, bcap); }
    memcpy(buf + blen, s, n); blen += n; buf[blen] = 0;
}
static void putc_(char c) { char t[2] = {c, 0}; put(t); }
static void putnum(long v) { char t[32]; int i = 30; int neg = v < 0; unsigned long u = neg ? -(unsigned long)v : (unsigned long)v;
    t[31] = 0; do { t[i--] = (char)('0' + u % 10); u /= 10; } while (u); if (neg) t[i--] = '-'; put(t + i + 1); }

static const char *WORDS[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
                              "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi"};

static void gen_value(int depth) {
    uint32_t r = rnd() % (depth > 3 ? 4 : 7);
    switch (r) {
    case 0: putnum((long)(rnd() % 200000) - 100000); break;
    case 1: putnum((long)(rnd() % 1000)); putc_('.'); putnum((long)(rnd() % 1000)); break;
    case 2: putc_('"'); put(WORDS[rnd() & 15]); if (rnd() & 1) put("\\n"); put(WORDS[rnd() & 15]); putc_('"'); break;
    case 3: put((rnd() & 1) ? "true" : "null"); break;
    case 4: case 5: {
        int n = (int)(rnd() % 5);
        putc_('{');
        for (int i = 0; i < n; i++) {
            if (i) put(", ");
            putc_('"'); put(WORDS[rnd() & 15]); putnum(i); put("\": ");
            gen_value(depth + 1);
        }
        putc_('}');
        break;
    }
    default: {
        int n = (int)(rnd() % 6);
        putc_('[');
        for (int i = 0; i < n; i++) { if (i) put(","); gen_value(depth + 1); }
        putc_(']');
    }
    }
}

/* ---- JSON tokenizer + parser ---- */
enum tok { T_EOF, T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK, T_COLON, T_COMMA, T_STR, T_NUM, T_TRUE, T_FALSE, T_NULL, T_ERR };
static const char *p;
static enum tok cur; static double numval; static uint32_t strhash; static long ntokens;

static void next(void) {
    ntokens++;
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
    char c = *p;
    switch (c) {
    case 0: cur = T_EOF; return;
    case '{': p++; cur = T_LBRACE; return;
    case '}': p++; cur = T_RBRACE; return;
    case '[': p++; cur = T_LBRACK; return;
    case ']': p++; cur = T_RBRACK; return;
    case ':': p++; cur = T_COLON; return;
    case ',': p++; cur = T_COMMA; return;
    case '"': {
        uint32_t h = 2166136261u; p++;
        while (*p != '"') {
            char ch = *p++;
            if (ch == '\\') { ch = *p++; if (ch == 'n') ch = '\n'; else if (ch == 't') ch = '\t'; }
            h = (h ^ (uint8_t)ch) * 16777619u;
        }
        p++; strhash = h; cur = T_STR; return;
    }
    case 't': if (!strncmp(p, "true", 4)) { p += 4; cur = T_TRUE; return; } break;
    case 'f': if (!strncmp(p, "false", 5)) { p += 5; cur = T_FALSE; return; } break;
    case 'n': if (!strncmp(p, "null", 4)) { p += 4; cur = T_NULL; return; } break;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            int neg = 0; if (c == '-') { neg = 1; p++; }
            double v = 0; while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
            if (*p == '.') { p++; double f = 0.1; while (*p >= '0' && *p <= '9') { v += (*p++ - '0') * f; f *= 0.1; } }
            numval = neg ? -v : v; cur = T_NUM; return;
        }
    }
    cur = T_ERR;
}

struct stats { double numsum; uint32_t keyhash, strhash; long objects, arrays, maxdepth, errors; };
static struct stats st;

static void parse_value(int depth) {
    if (depth > st.maxdepth) st.maxdepth = depth;
    switch (cur) {
    case T_NUM: st.numsum += numval; next(); return;
    case T_STR: st.strhash = st.strhash * 31 + strhash; next(); return;
    case T_TRUE: case T_FALSE: case T_NULL: next(); return;
    case T_LBRACE:
        st.objects++; next();
        while (cur != T_RBRACE) {
            if (cur != T_STR) { st.errors++; return; }
            st.keyhash ^= strhash + (uint32_t)depth; next();
            if (cur != T_COLON) { st.errors++; return; }
            next(); parse_value(depth + 1);
            if (cur == T_COMMA) next();
        }
        next(); return;
    case T_LBRACK:
        st.arrays++; next();
        while (cur != T_RBRACK) { parse_value(depth + 1); if (cur == T_COMMA) next(); else if (cur != T_RBRACK) { st.errors++; return; } }
        next(); return;
    default: st.errors++; next(); return;
    }
}

/* ---- arithmetic expressions: integer, + - * / % and parentheses ---- */
static const char *e;
static int64_t expr(void);
static void skip(void) { while (*e == ' ') e++; }
static int64_t atom(void) {
    skip();
    if (*e == '(') { e++; int64_t v = expr(); skip(); e++; return v; }
    if (*e == '-') { e++; return -atom(); }
    int64_t v = 0; while (*e >= '0' && *e <= '9') v = v * 10 + (*e++ - '0');
    return v;
}
static int64_t term(void) {
    int64_t v = atom();
    for (;;) {
        skip();
        char c = *e;
        if (c != '*' && c != '/' && c != '%') return v;
        e++;
        int64_t r = atom();
        if (c == '*') v = (v * r) % 1000000007;
        else if (r != 0) v = (c == '/') ? v / r : v % r;
    }
}
static int64_t expr(void) {
    int64_t v = term();
    for (;;) {
        skip();
        char c = *e;
        if (c != '+' && c != '-') return v;
        e++;
        int64_t r = term();
        v = (c == '+') ? v + r : v - r;
    }
}
static void gen_expr(int depth) {
    if (depth > 4 || rnd() % 3 == 0) { putnum((long)(rnd() % 1000)); return; }
    static const char ops[] = "+-*/%+-*";
    if (rnd() % 4 == 0) { putc_('('); gen_expr(depth + 1); putc_(')'); return; }
    gen_expr(depth + 1); putc_(' '); putc_(ops[rnd() & 7]); putc_(' '); gen_expr(depth + 1);
}

int main(int argc, char **argv) {
    long records = argc > 1 ? atol(argv[1]) : 160000;
    put("[\n");
    for (long i = 0; i < records; i++) { if (i) put(",\n"); gen_value(0); }
    put("\n]\n");
    size_t json_len = blen;
    p = buf; next(); parse_value(0);
    char *json = buf; buf = NULL; blen = bcap = 0;
    for (long i = 0; i < records; i++) { gen_expr(0); putc_('\n'); }
    uint64_t esum = 0; long lines = 0;
    for (e = buf; *e; ) {
        int64_t v = expr();
        esum = esum * 7 + (uint64_t)v; lines++;
        while (*e && *e != '\n') e++;
        if (*e) e++;
    }
    printf("json: %zu bytes, %ld tokens, %ld objects, %ld arrays, depth %ld, errors %ld\n", json_len, ntokens,
           st.objects, st.arrays, st.maxdepth, st.errors);
    printf("json: numsum = %.3f, keyhash = %08x, strhash = %08x\n", st.numsum, st.keyhash, st.strhash);
    printf("expr: %zu bytes, %ld lines, checksum = %llu\n", blen, lines, (unsigned long long)esum);
    free(json); free(buf);
    return 0;
}
