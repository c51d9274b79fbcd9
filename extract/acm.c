/*
 * acm.c — an Aho–Corasick automaton over bytes: every lexicon alias, trigger
 * and cue word of the extractor is found in one pass over the text.
 *
 * Built as a trie, then compiled into a full transition table over byte
 * classes (bytes that occur in no pattern share class 0), so a scan costs one
 * table lookup per byte. Each state keeps the outputs of the patterns ending
 * there and a link to the next state down its suffix chain that has outputs.
 * The table holds 16-bit states when there are few enough (half the memory
 * to pull through the cache), in rows of a power-of-two width on huge pages
 * where the system gives them. The states are numbered so that those that
 * emit come last (a step tests whether it reached one with a comparison, no
 * read), and the outputs a state reports lie in one run, so the scan reads
 * them only where a pattern ends. A text is scanned by up to four walks side
 * by side over its pieces, whose table reads overlap (see acm_scan_split).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "extract-int.h"

struct acm_out {
        uint32_t value; /* the caller's payload */
        uint32_t len;   /* pattern length in bytes */
        int32_t next;   /* next output of the same state, or -1 */
};

/* One output a state reports, in the order of its dict chain. */
struct acm_hit {
        uint32_t len;   /* pattern length in bytes */
        uint32_t value; /* the caller's payload */
};

struct acm_node {
        int32_t child;   /* first child (trie build only) */
        int32_t sibling; /* next sibling (trie build only) */
        unsigned char byte;
        int32_t fail;
        int32_t out;  /* first output, or -1 */
        int32_t dict; /* nearest state down the fail chain with outputs, or -1 */
        bool emit;    /* it or a state down its fail chain has outputs */
};

struct acm {
        struct acm_node *nodes;
        size_t nnodes, capnodes;
        struct acm_out *outs;
        size_t nouts, capouts;
        int32_t root[256];     /* the root's child for a byte, or 0 (trie build only) */
        uint8_t cls[256];      /* byte -> class */
        size_t ncls;           /* classes, rounded up to a power of two: a row's width */
        unsigned shift;        /* ncls == 1 << shift */
        int32_t *delta;        /* nnodes * ncls transitions once built */
        uint16_t *delta16;     /* the same in 16 bits when nnodes <= 65536 (delta is then NULL) */
        size_t efrom;          /* the states from this number on emit (see acm_build) */
        uint32_t *efirst;      /* state st reports ehits[efirst[st]..efirst[st + 1]) */
        struct acm_hit *ehits; /* the outputs of all states, state by state */
        bool built;
};

/* A new node; returns its index. */
static int32_t
acm_node_new(struct acm *a, unsigned char byte)
{
        if (a->nnodes == a->capnodes) {
                a->capnodes = a->capnodes ? a->capnodes * 2 : 256;
                a->nodes = ex_xrealloc(a->nodes, a->capnodes * sizeof *a->nodes);
        }
        struct acm_node *n = &a->nodes[a->nnodes];
        n->child = n->sibling = -1;
        n->byte = byte;
        n->fail = 0;
        n->out = n->dict = -1;
        n->emit = false;
        return (int32_t)a->nnodes++;
}

struct acm *
acm_new(void)
{
        struct acm *a = ex_xcalloc(1, sizeof *a);
        acm_node_new(a, 0);
        return a;
}

void
acm_destroy(struct acm **ap)
{
        if (ap == NULL || *ap == NULL)
                return;
        free((*ap)->nodes);
        free((*ap)->outs);
        free((*ap)->delta);
        free((*ap)->delta16);
        free((*ap)->efirst);
        free((*ap)->ehits);
        free(*ap);
        *ap = NULL;
}

/* The child of node for byte, or -1 (trie form). */
static int32_t
acm_child(const struct acm *a, int32_t node, unsigned char byte)
{
        if (node == 0) /* the root has a child for about every byte: a table */
                return a->root[byte] != 0 ? a->root[byte] : -1;
        for (int32_t c = a->nodes[node].child; c != -1; c = a->nodes[c].sibling)
                if (a->nodes[c].byte == byte)
                        return c;
        return -1;
}

int
acm_add(struct acm *a, const char *pat, size_t len, uint32_t value)
{
        if (a->built || len == 0 || len > 1024)
                return -1;
        int32_t node = 0;
        for (size_t i = 0; i < len; i++) {
                unsigned char b = (unsigned char)pat[i];
                int32_t c = acm_child(a, node, b);
                if (c == -1) {
                        c = acm_node_new(a, b);
                        a->nodes[c].sibling = a->nodes[node].child;
                        a->nodes[node].child = c;
                        if (node == 0)
                                a->root[b] = c;
                }
                node = c;
                a->cls[b] = 1; /* marked; numbered in acm_build */
        }
        if (a->nouts == a->capouts) {
                a->capouts = a->capouts ? a->capouts * 2 : 256;
                a->outs = ex_xrealloc(a->outs, a->capouts * sizeof *a->outs);
        }
        struct acm_out *o = &a->outs[a->nouts];
        o->value = value;
        o->len = (uint32_t)len;
        o->next = a->nodes[node].out;
        a->nodes[node].out = (int32_t)a->nouts++;
        return 0;
}

#define ACM_HUGE ((size_t)2 << 20) /* a huge page on x86-64 */

/* Memory for the transition table: a table over a few megabytes is read at
 * random, a different 4 KB page every few bytes, and a miss in the TLB costs
 * as much as one in the cache (more in a virtual machine); where the system
 * gives huge pages on request, ask for them. */
static void *
acm_table_alloc(size_t n)
{
#ifdef MADV_HUGEPAGE
        if (n >= ACM_HUGE) {
                size_t round = (n + ACM_HUGE - 1) / ACM_HUGE * ACM_HUGE;
                void *p = aligned_alloc(ACM_HUGE, round);
                if (p != NULL) {
                        (void)madvise(p, round, MADV_HUGEPAGE);
                        return p;
                }
        }
#endif
        return ex_xmalloc(n);
}

/* Entry k of the table being built. */
static inline uint32_t
acm_get(const struct acm *a, size_t k)
{
        return a->delta16 != NULL ? a->delta16[k] : (uint32_t)a->delta[k];
}

/* Set entry k of the table being built. */
static inline void
acm_set(struct acm *a, size_t k, int32_t v)
{
        if (a->delta16 != NULL)
                a->delta16[k] = (uint16_t)v;
        else
                a->delta[k] = v;
}

/* Lay out the outputs each state reports (its own, then those down its dict
 * chain) one after another, so a report reads one short run; by state
 * number, the trie node of number st being node[st]. */
static void
acm_flatten(struct acm *a, const int32_t *node)
{
        a->efirst = ex_xmalloc((a->nnodes + 1) * sizeof *a->efirst);
        size_t n = 0, cap = a->nouts + 16;
        a->ehits = ex_xmalloc(cap * sizeof *a->ehits);
        for (size_t st = 0; st < a->nnodes; st++) {
                a->efirst[st] = (uint32_t)n;
                int32_t o = a->nodes[node[st]].out != -1 ? node[st] : a->nodes[node[st]].dict;
                for (; o != -1; o = a->nodes[o].dict)
                        for (int32_t k = a->nodes[o].out; k != -1; k = a->outs[k].next) {
                                if (n == cap) {
                                        cap *= 2;
                                        a->ehits = ex_xrealloc(a->ehits, cap * sizeof *a->ehits);
                                }
                                a->ehits[n].len = a->outs[k].len;
                                a->ehits[n++].value = a->outs[k].value;
                        }
        }
        a->efirst[a->nnodes] = (uint32_t)n;
}

/* Number the byte classes (cls[b] is 1 for a byte of some pattern, 0 for
 * the others, which share class 0) so that a row's columns fall on cache
 * lines the way UTF-8 text reads them: after a lead byte comes a
 * continuation byte, and the 64 of them take two whole lines of 16-bit
 * entries (columns 32..95), so a state inside a character touches those;
 * lead bytes and then ASCII take the rest of the first line, a state
 * between characters touches that one (more ASCII goes after the
 * continuation bytes). Returns the number of classes. */
static size_t
acm_classes(uint8_t cls[256])
{
        uint8_t mark[256];
        memcpy(mark, cls, sizeof mark);
        memset(cls, 0, 256);
        size_t k = 1;
        for (int b = 0xc0; b < 0x100; b++)
                if (mark[b])
                        cls[b] = (uint8_t)k++;
        for (int b = 1; b < 0x80 && k < 32; b++)
                if (mark[b])
                        cls[b] = (uint8_t)k++;
        if (k < 32)
                k = 32;
        for (int b = 0x80; b < 0xc0; b++)
                if (mark[b])
                        cls[b] = (uint8_t)k++;
        for (int b = 1; b < 0x80; b++)
                if (mark[b] && cls[b] == 0)
                        cls[b] = (uint8_t)k++;
        return k;
}

void
acm_build(struct acm *a)
{
        size_t ncls = acm_classes(a->cls);
        /* rows of a power-of-two width: the scan finds a row with a shift,
         * not a multiplication, on its chain of dependent steps */
        a->shift = 0;
        while (((size_t)1 << a->shift) < ncls)
                a->shift++;
        ncls = (size_t)1 << a->shift;
        a->ncls = ncls;
        /* the table, built in place: 16-bit states when they fit */
        size_t esize = a->nnodes <= 65536 ? sizeof *a->delta16 : sizeof *a->delta;
        void *tab = acm_table_alloc(a->nnodes * ncls * esize);
        if (esize == sizeof *a->delta16)
                a->delta16 = tab;
        else
                a->delta = tab;
        int32_t *queue = ex_xmalloc(a->nnodes * sizeof *queue);
        size_t qh = 0, qt = 0;
        /* The states are numbered as the breadth-first walk meets them:
         * those that do not emit from 0 (the root) up, those that do from
         * the top down, so a scan tells them apart by number. Whether a
         * state emits is known when it is met: its fail state is nearer the
         * root and met before. */
        int32_t *num = ex_xmalloc(a->nnodes * sizeof *num);   /* trie node -> state */
        int32_t *node = ex_xmalloc(a->nnodes * sizeof *node); /* state -> trie node */
        size_t lo = 0, hi = a->nnodes;
        num[0] = node[0] = 0;
        lo++;

        /* Root: children go to their node, everything else stays at the root. */
        memset(tab, 0, ncls * esize);
        for (int32_t c = a->nodes[0].child; c != -1; c = a->nodes[c].sibling) {
                a->nodes[c].fail = 0;
                a->nodes[c].emit = a->nodes[c].out != -1;
                num[c] = (int32_t)(a->nodes[c].emit ? --hi : lo++);
                node[num[c]] = c;
                acm_set(a, a->cls[a->nodes[c].byte], num[c]);
                queue[qt++] = c;
        }
        while (qh < qt) {
                int32_t s = queue[qh++];
                struct acm_node *n = &a->nodes[s];
                int32_t f = n->fail;
                n->dict = a->nodes[f].out != -1 ? f : a->nodes[f].dict;
                /* Inherit the fail state's row, then override with own children. */
                memcpy((char *)tab + (size_t)num[s] * ncls * esize,
                       (char *)tab + (size_t)num[f] * ncls * esize, ncls * esize);
                for (int32_t c = n->child; c != -1; c = a->nodes[c].sibling) {
                        size_t k = a->cls[a->nodes[c].byte];
                        /* a state met already, so not c */
                        a->nodes[c].fail = node[acm_get(a, (size_t)num[f] * ncls + k)];
                        a->nodes[c].emit = a->nodes[c].out != -1 || a->nodes[a->nodes[c].fail].emit;
                        num[c] = (int32_t)(a->nodes[c].emit ? --hi : lo++);
                        node[num[c]] = c;
                        acm_set(a, (size_t)num[s] * ncls + k, num[c]);
                        queue[qt++] = c;
                }
        }
        free(queue);
        a->efrom = lo;
        acm_flatten(a, node);
        free(num);
        free(node);
        a->built = true;
}

size_t
acm_states(const struct acm *a)
{
        return a->nnodes;
}

/* Report the outputs of state st, whose match ends before s[end]. */
static void
acm_emit(const struct acm *a, size_t st, size_t end, acm_cb cb, void *arg)
{
        for (uint32_t k = a->efirst[st]; k < a->efirst[st + 1]; k++)
                cb(arg, end - a->ehits[k].len, end, a->ehits[k].value);
}

/* The most walks acm_scan_split runs side by side. */
#define ACM_WALKS 4

/* Texts from this length on are scanned by that many walks at once, shorter
 * ones by fewer (see acm_scan). */
#define ACM_SPLIT_MIN 24

/* The bytes a walk of acm_scan_split steps over between checks of its
 * room to hold places (see acm_buf). */
#define ACM_BLOCK 64

/* The places where a walk of acm_scan_split reached a state that emits, held
 * until it reports them: each the end of the state's matches in the walk's
 * piece above 16 bits, the state below (a 16-bit table's state). A step writes one always and
 * keeps it when the state emits (no branch on it), so there is room for a
 * block of steps before each; in local until it is full (a short text
 * needs no more), then on the heap. */
struct acm_buf {
        uint64_t *h; /* local or malloc'ed */
        size_t n, cap;
        uint64_t local[2 * ACM_BLOCK];
};

/* Make room in b for need places (the growth out of line). */
static __attribute__((noinline)) void
acm_buf_grow(struct acm_buf *b, size_t need)
{
        while (b->cap < need)
                b->cap *= 2;
        if (b->h == b->local) {
                b->h = ex_xmalloc(b->cap * sizeof *b->h);
                memcpy(b->h, b->local, b->n * sizeof *b->h);
        } else {
                b->h = ex_xrealloc(b->h, b->cap * sizeof *b->h);
        }
}

/* Make room in b for k more places. */
static inline void
acm_buf_room(struct acm_buf *b, size_t k)
{
        if (b->n + k > b->cap)
                acm_buf_grow(b, b->n + k);
}

/* acm_scan of the 16-bit table by nw walks side by side, over nw pieces of
 * the text, so that the table reads of one overlap those of the others (a
 * scan waits on memory, one read after another, not on arithmetic). Each
 * walk holds the places where it emits (see acm_buf); each but the first
 * starts at the root at the start of its piece. The first walk's places
 * are reported. Then piece by piece, in order: from the true state at the
 * start of the piece (where the walk before ended), the piece is walked
 * again, reporting, until that walk and the held walk are in the same state
 * (after a few bytes: as many as the true state is deep, about), from there
 * on they are the same, and the held places after it are reported; exactly
 * the reports, in the order, of a single walk. Always inlined with a
 * constant nw, so the walks' states stay in registers. */
static inline __attribute__((always_inline)) void
acm_scan_split(const struct acm *a, const char *s, size_t len, acm_cb cb, void *arg,
               const size_t nw)
{
        const uint8_t *cls = a->cls;
        const uint16_t *delta = a->delta16;
        const unsigned char *u = (const unsigned char *)s;
        size_t efrom = a->efrom;
        unsigned shift = a->shift;
        size_t n = len / nw; /* the last piece also takes len % nw bytes */
        size_t st[ACM_WALKS] = {0};
        struct acm_buf held[ACM_WALKS];
        for (size_t w = 0; w < nw; w++) {
                held[w].h = held[w].local;
                held[w].n = 0;
                held[w].cap = sizeof held[w].local / sizeof held[w].local[0];
        }
        for (size_t j0 = 0; j0 < n; j0 += ACM_BLOCK) {
                size_t je = n - j0 > ACM_BLOCK ? j0 + ACM_BLOCK : n;
                uint64_t *h[ACM_WALKS];
#pragma GCC unroll 4
                for (size_t w = 0; w < nw; w++) {
                        acm_buf_room(&held[w], je - j0);
                        h[w] = held[w].h + held[w].n;
                }
                for (size_t j = j0; j < je; j++) {
                        uint64_t end = (uint64_t)(j + 1) << 16;
#pragma GCC unroll 4
                        for (size_t w = 0; w < nw; w++) {
                                st[w] = delta[(st[w] << shift) + cls[u[w * n + j]]];
                                *h[w] = end | st[w];
                                h[w] += st[w] >= efrom;
                        }
                }
#pragma GCC unroll 4
                for (size_t w = 0; w < nw; w++)
                        held[w].n = (size_t)(h[w] - held[w].h);
        }
        struct acm_buf *last = &held[nw - 1];
        acm_buf_room(last, len - nw * n);
        for (size_t i = nw * n; i < len; i++) {
                st[nw - 1] = delta[(st[nw - 1] << shift) + cls[u[i]]];
                last->h[last->n] = (uint64_t)(i + 1 - (nw - 1) * n) << 16 | st[nw - 1];
                last->n += st[nw - 1] >= efrom;
        }
        for (size_t k = 0; k < held[0].n; k++)
                acm_emit(a, held[0].h[k] & 0xffff, held[0].h[k] >> 16, cb, arg);
        size_t ts = st[0]; /* the true state at the end of the pieces reported */
#pragma GCC unroll 4
        for (size_t w = 1; w < nw; w++) {
                size_t i = w * n, e = w + 1 < nw ? i + n : len, hs = 0;
                while (ts != hs && i < e) {
                        size_t c = cls[u[i++]];
                        ts = delta[(ts << shift) + c];
                        hs = delta[(hs << shift) + c];
                        if (ts >= efrom)
                                acm_emit(a, ts, i, cb, arg);
                }
                const struct acm_buf *b = &held[w];
                for (size_t k = 0; k < b->n; k++)
                        if (w * n + (b->h[k] >> 16) > i)
                                acm_emit(a, b->h[k] & 0xffff, w * n + (b->h[k] >> 16), cb, arg);
                if (ts == hs) /* the walks met: the held one's end is true */
                        ts = st[w];
        }
        for (size_t w = 0; w < nw; w++)
                if (held[w].h != held[w].local)
                        free(held[w].h);
}

void
acm_scan(const struct acm *a, const char *s, size_t len, acm_cb cb, void *arg)
{
        const uint8_t *cls = a->cls;
        size_t efrom = a->efrom;
        unsigned shift = a->shift;

        if (!a->built)
                return;
        if (a->delta16 != NULL) {
                /* as many walks as the length gives pieces of ACM_SPLIT_MIN / 2
                 * bytes, up to ACM_WALKS */
                if (len >= ACM_SPLIT_MIN * 2)
                        acm_scan_split(a, s, len, cb, arg, 4);
                else if (len >= ACM_SPLIT_MIN * 3 / 2)
                        acm_scan_split(a, s, len, cb, arg, 3);
                else if (len >= ACM_SPLIT_MIN)
                        acm_scan_split(a, s, len, cb, arg, 2);
                else
                        acm_scan_split(a, s, len, cb, arg, 1);
                return;
        }
        const int32_t *delta = a->delta;
        size_t st = 0;
        for (size_t i = 0; i < len; i++) {
                st = (size_t)delta[(st << shift) + cls[(unsigned char)s[i]]];
                if (st >= efrom)
                        acm_emit(a, st, i + 1, cb, arg);
        }
}
