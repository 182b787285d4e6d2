/* hashmap: an open-addressing hash map (linear probing, tombstones, resizing)
 * from uint64 keys to uint32 values, plus a chained map with string keys.
 * Usage: hashmap [OPS]  (default 4000000) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* ---- open addressing ---- */
struct slot { uint64_t key; uint32_t val; uint32_t state; }; /* 0 empty, 1 full, 2 deleted */
struct omap { struct slot *s; size_t cap, len, used; };

static inline uint64_t mix64(uint64_t k) {
    k ^= k >> 33; k *= 0xff51afd7ed558ccdull; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ull; k ^= k >> 33;
    return k;
}

static void omap_init(struct omap *m, size_t cap) {
    m->s = calloc(cap, sizeof(struct slot)); m->cap = cap; m->len = 0; m->used = 0;
}

static void omap_put(struct omap *m, uint64_t k, uint32_t v);

static void omap_grow(struct omap *m) {
    /* rehash (dropping tombstones) into a table at most half full */
    struct slot *old = m->s; size_t oc = m->cap, nc = oc;
    while ((m->len + 1) * 2 > nc) nc *= 2;
    omap_init(m, nc);
    for (size_t i = 0; i < oc; i++) if (old[i].state == 1) omap_put(m, old[i].key, old[i].val);
    free(old);
}

static void omap_put(struct omap *m, uint64_t k, uint32_t v) {
    if ((m->used + 1) * 4 > m->cap * 3) omap_grow(m);
    size_t mask = m->cap - 1, i = mix64(k) & mask, tomb = (size_t)-1;
    for (;;) {
        struct slot *s = &m->s[i];
        if (s->state == 0) {
            if (tomb != (size_t)-1) s = &m->s[tomb]; else m->used++;
            s->key = k; s->val = v; s->state = 1; m->len++; return;
        }
        if (s->state == 2) { if (tomb == (size_t)-1) tomb = i; }
        else if (s->key == k) { s->val = v; return; }
        i = (i + 1) & mask;
    }
}

static struct slot *omap_get(struct omap *m, uint64_t k) {
    size_t mask = m->cap - 1, i = mix64(k) & mask;
    for (;;) {
        struct slot *s = &m->s[i];
        if (s->state == 0) return NULL;
        if (s->state == 1 && s->key == k) return s;
        i = (i + 1) & mask;
    }
}

static int omap_del(struct omap *m, uint64_t k) {
    struct slot *s = omap_get(m, k);
    if (!s) return 0;
    s->state = 2; m->len--; return 1;
}

/* ---- chained map with string keys ---- */
struct node { struct node *next; uint32_t hash; uint32_t count; char key[16]; };
struct smap { struct node **b; size_t nb; size_t len; };

static uint32_t strhash(const char *s) {
    uint32_t h = 5381;
    while (*s) h = h * 33 ^ (uint8_t)*s++;
    return h;
}

static void smap_add(struct smap *m, const char *key) {
    uint32_t h = strhash(key);
    struct node **pp = &m->b[h & (m->nb - 1)];
    for (struct node *n = *pp; n; n = n->next)
        if (n->hash == h && strcmp(n->key, key) == 0) { n->count++; return; }
    struct node *n = malloc(sizeof *n);
    n->hash = h; n->count = 1; strcpy(n->key, key); n->next = *pp; *pp = n; m->len++;
}

int main(int argc, char **argv) {
    long ops = argc > 1 ? atol(argv[1]) : 4000000;
    struct omap m; omap_init(&m, 16);
    uint64_t x = 0x243F6A8885A308D3ull, found = 0, vsum = 0, deleted = 0;
    for (long i = 0; i < ops; i++) {
        x = x * 2862933555777941757ull + 3037000493ull;
        uint64_t key = (x >> 20) % (uint64_t)(ops / 2 + 1);
        switch ((x >> 60) & 3) {
        case 0: case 1: omap_put(&m, key, (uint32_t)i); break;
        case 2: { struct slot *s = omap_get(&m, key); if (s) { found++; vsum += s->val; } break; }
        default: deleted += (uint64_t)omap_del(&m, key); break;
        }
    }
    struct smap sm; sm.nb = 4096; sm.len = 0; sm.b = calloc(sm.nb, sizeof(struct node *));
    char buf[16];
    static const char syll[8][3] = {"ka", "lo", "mi", "nu", "re", "sa", "to", "vi"};
    for (long i = 0; i < ops / 4; i++) {
        x = x * 2862933555777941757ull + 3037000493ull;
        int len = 0;
        int parts = 1 + (int)((x >> 61) & 3);
        for (int p = 0; p < parts; p++) {
            int k = (int)((x >> (p * 3 + 20)) & 7);
            buf[len++] = syll[k][0]; buf[len++] = syll[k][1];
        }
        buf[len] = 0;
        smap_add(&sm, buf);
    }
    uint32_t top = 0, sh = 0;
    for (size_t i = 0; i < sm.nb; i++)
        for (struct node *n = sm.b[i]; n; n = n->next) { if (n->count > top) top = n->count; sh += n->count * n->hash; }
    printf("int map: len = %zu, cap = %zu, found = %llu, vsum = %llu, deleted = %llu\n", m.len, m.cap,
           (unsigned long long)found, (unsigned long long)vsum, (unsigned long long)deleted);
    printf("string map: distinct = %zu, top = %u, hash = %u\n", sm.len, top, sh);
    return 0;
}
