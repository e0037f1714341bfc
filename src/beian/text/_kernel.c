/* The normalisation fold's 16-bit path in one pass per text (see beian/text/batch.py).
 *
 * fold16(texts, tables) reads every str's own buffer (PyUnicode_KIND/PyUnicode_DATA: no join,
 * no encode), writes its UTF-16 code units (lone surrogates become '?', as the numpy path's
 * "replace" encode does) and folds them with the same 64K tables, dropping invisible characters
 * and separator runs between CJK characters exactly as beian.text.normalise.dropped_positions
 * does. It returns the arrays of a batch.Folded as bytearrays (numpy wraps them without a
 * copy), or, when a text needs the code-point path (a ligature, a character beyond the BMP
 * with a fold of its own), one byte per text saying which (the caller then does what the numpy
 * path does). The numpy path stays the reference: tests compare both on every kind of text.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* Class bits, as in beian/text/_tables.py (checked by batch.py before the kernel is used). */
#define CHANGE 1
#define DELETE 2
#define SEP 8
#define SPECIAL 16
#define WIDE 32
#define SOFT (DELETE | SEP)
#define MAX_SEPARATORS 3
#define JOIN_UNIT 0

typedef struct {
    Py_ssize_t *data;
    Py_ssize_t len, cap;
} Vec;

static int vec_push(Vec *v, Py_ssize_t x) {
    if (v->len == v->cap) {
        Py_ssize_t cap = v->cap ? 2 * v->cap : 256;
        Py_ssize_t *grown = PyMem_Realloc(v->data, (size_t)cap * sizeof(Py_ssize_t));
        if (!grown) {
            PyErr_NoMemory();
            return -1;
        }
        v->data = grown;
        v->cap = cap;
    }
    v->data[v->len++] = x;
    return 0;
}

/* A bytearray holding v's values, or None when v is empty. */
static PyObject *vec_array(const Vec *v) {
    if (!v->len)
        Py_RETURN_NONE;
    return PyByteArray_FromStringAndSize((const char *)v->data,
                                         v->len * (Py_ssize_t)sizeof(Py_ssize_t));
}

typedef struct {
    Py_buffer map16, cls16, han16, map, cls, han;
    int held;
} Tables;

static void tables_release(Tables *t) {
    Py_buffer *all[6] = {&t->map16, &t->cls16, &t->han16, &t->map, &t->cls, &t->han};
    for (int i = 0; i < t->held; i++)
        PyBuffer_Release(all[i]);
    t->held = 0;
}

static int tables_get(PyObject *seq, Tables *t) {
    static const Py_ssize_t sizes[6] = {0x10000, 0x10000, 0x10000, 0x110000, 0x110000, 0x110000};
    static const Py_ssize_t items[6] = {2, 1, 1, 4, 1, 1};
    Py_buffer *all[6] = {&t->map16, &t->cls16, &t->han16, &t->map, &t->cls, &t->han};
    t->held = 0;
    if (!PyTuple_Check(seq) || PyTuple_GET_SIZE(seq) != 6) {
        PyErr_SetString(PyExc_TypeError, "tables: a tuple of six arrays");
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(seq, i), all[i], PyBUF_C_CONTIGUOUS) < 0) {
            tables_release(t);
            return -1;
        }
        t->held = i + 1;
        if (all[i]->len != sizes[i] * items[i]) {
            PyErr_Format(PyExc_ValueError, "tables[%d]: %zd bytes, want %zd", i, all[i]->len,
                         sizes[i] * items[i]);
            tables_release(t);
            return -1;
        }
    }
    return 0;
}

/* Whether the code unit at raw[pos] belongs to a CJK character (both halves of a pair do). */
static inline int is_han(const uint16_t *raw, Py_ssize_t pos, const uint8_t *han16,
                         const uint8_t *han) {
    uint16_t u = raw[pos];
    if ((u & 0xF800) != 0xD800)
        return han16[u] != 0;
    uint32_t hi = u, lo;
    if (u < 0xDC00) {
        lo = raw[pos + 1];
    } else {
        lo = u;
        hi = raw[pos - 1];
    }
    return han[0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)] != 0;
}

/* 0 when ``s`` is a str ready to be read; -1 with a TypeError naming ``who`` otherwise. */
static int ready_str(PyObject *s, const char *who) {
    if (!PyUnicode_Check(s)) {
        PyErr_Format(PyExc_TypeError, "%s: texts must be str", who);
        return -1;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(s) < 0)
        return -1;
#endif
    return 0;
}

static PyObject *fold16(PyObject *self, PyObject *args) {
    PyObject *texts, *table_seq;
    if (!PyArg_ParseTuple(args, "O!O:fold16", &PyList_Type, &texts, &table_seq))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "fold16: no texts");
        return NULL;
    }
    Tables t;
    if (tables_get(table_seq, &t) < 0)
        return NULL;
    const uint16_t *map16 = t.map16.buf;
    const uint8_t *cls16 = t.cls16.buf, *han16 = t.han16.buf;
    const uint32_t *map = t.map.buf;
    const uint8_t *cls = t.cls.buf, *han = t.han.buf;

    PyObject *raw_b = NULL, *out_b = NULL, *starts_b = NULL, *offsets_b = NULL, *odd_b = NULL;
    PyObject *result = NULL;
    Vec surrogates = {0}, deleted = {0}, inserted = {0};
    Py_ssize_t *ends = NULL; /* raw code unit where each text ends */
    unsigned char *flags = NULL;

    /* Upper bound of the code units: two per character of a 4-byte-kind text. */
    Py_ssize_t bound = n - 1;
    int ascii = 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *s = PyList_GET_ITEM(texts, k);
        if (ready_str(s, "fold16") < 0)
            goto done;
        Py_ssize_t len = PyUnicode_GET_LENGTH(s);
        bound += PyUnicode_KIND(s) == PyUnicode_4BYTE_KIND ? 2 * len : len;
        ascii &= PyUnicode_IS_ASCII(s) != 0;
    }
    raw_b = PyByteArray_FromStringAndSize(NULL, 2 * bound);
    offsets_b = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(Py_ssize_t));
    ends = PyMem_Malloc((size_t)n * sizeof(Py_ssize_t));
    flags = PyMem_Malloc((size_t)n);
    if (!raw_b || !offsets_b || !ends || !flags) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    uint16_t *raw = (uint16_t *)PyByteArray_AS_STRING(raw_b);
    Py_ssize_t *offsets = (Py_ssize_t *)PyByteArray_AS_STRING(offsets_b);

    /* Pass 1: code units, class bits of every text, characters beyond the BMP. */
    Py_ssize_t r = 0, cp_at = 0, n_wide = 0;
    int any_odd = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *s = PyList_GET_ITEM(texts, k);
        Py_ssize_t len = PyUnicode_GET_LENGTH(s);
        int kind = PyUnicode_KIND(s);
        const void *data = PyUnicode_DATA(s);
        Py_ssize_t first = r;
        unsigned bits = 0;
        int odd = 0;
        offsets[k] = cp_at;
        cp_at += len + 1;
        if (kind == PyUnicode_1BYTE_KIND) {
            const Py_UCS1 *d = data;
            for (Py_ssize_t i = 0; i < len; i++) {
                raw[r++] = d[i];
                bits |= cls16[d[i]];
            }
        } else if (kind == PyUnicode_2BYTE_KIND) {
            const Py_UCS2 *d = data;
            for (Py_ssize_t i = 0; i < len; i++) {
                uint16_t u = d[i];
                if ((u & 0xF800) == 0xD800)
                    u = '?'; /* a lone surrogate (json.loads lets them through) */
                raw[r++] = u;
                bits |= cls16[u];
            }
        } else {
            const Py_UCS4 *d = data;
            for (Py_ssize_t i = 0; i < len; i++) {
                Py_UCS4 c = d[i];
                if (c >= 0x10000) {
                    if (cls[c])
                        odd = 1; /* folds on its own: the code-point path */
                    if (vec_push(&surrogates, r) < 0)
                        goto done;
                    raw[r++] = (uint16_t)(0xD800 + ((c - 0x10000) >> 10));
                    raw[r++] = (uint16_t)(0xDC00 + ((c - 0x10000) & 0x3FF));
                    continue;
                }
                uint16_t u = (c & 0xF800) == 0xD800 ? '?' : (uint16_t)c;
                raw[r++] = u;
                bits |= cls16[u];
            }
        }
        if (bits & SPECIAL)
            odd = 1;
        if (bits & WIDE && !odd) {
            for (Py_ssize_t i = first; i < r; i++)
                n_wide += (cls16[raw[i]] & WIDE) != 0;
        }
        flags[k] = (unsigned char)(odd ? 1 : 0) | (unsigned char)((bits & SOFT) ? 2 : 0);
        any_odd |= odd;
        ends[k] = r;
        if (k + 1 < n)
            raw[r++] = JOIN_UNIT;
    }
    if (any_odd) {
        odd_b = PyBytes_FromStringAndSize(NULL, n);
        if (!odd_b)
            goto done;
        char *o = PyBytes_AS_STRING(odd_b);
        for (Py_ssize_t k = 0; k < n; k++)
            o[k] = (char)(flags[k] & 1);
        result = odd_b;
        odd_b = NULL;
        goto done;
    }
    if (PyByteArray_Resize(raw_b, 2 * r) < 0)
        goto done;
    raw = (uint16_t *)PyByteArray_AS_STRING(raw_b);

    /* Pass 2: fold text by text (each still in cache), U+0000 between them. */
    out_b = PyByteArray_FromStringAndSize(NULL, 2 * (r + n_wide));
    starts_b = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(Py_ssize_t));
    if (!out_b || !starts_b)
        goto done;
    uint16_t *out = (uint16_t *)PyByteArray_AS_STRING(out_b);
    Py_ssize_t *starts = (Py_ssize_t *)PyByteArray_AS_STRING(starts_b);
    Py_ssize_t o = 0, s = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t e = ends[k];
        starts[k] = o;
        if (!(flags[k] & 2) && !n_wide) { /* nothing to drop, nothing widens: map only */
            for (Py_ssize_t i = s; i < e; i++)
                out[o++] = map16[raw[i]];
        } else {
            Py_ssize_t i = s;
            while (i < e) {
                uint16_t u = raw[i];
                uint8_t c = cls16[u];
                if (!(c & SOFT)) {
                    if (c & WIDE) { /* one unit becomes a surrogate pair */
                        uint32_t off = map[u] - 0x10000;
                        out[o++] = (uint16_t)(0xD800 + (off >> 10));
                        if (vec_push(&inserted, o) < 0)
                            goto done;
                        out[o++] = (uint16_t)(0xDC00 + (off & 0x3FF));
                    } else {
                        out[o++] = map16[u];
                    }
                    i++;
                    continue;
                }
                /* a run of invisible characters and separators: [i, j) */
                Py_ssize_t j = i, seps = 0;
                while (j < e && (cls16[raw[j]] & SOFT)) {
                    seps += (cls16[raw[j]] & SEP) != 0;
                    j++;
                }
                int glue = i > s && j < e && seps <= MAX_SEPARATORS &&
                           is_han(raw, i - 1, han16, han) && is_han(raw, j, han16, han);
                for (Py_ssize_t q = i; q < j; q++) {
                    uint8_t cq = cls16[raw[q]];
                    if ((cq & DELETE) || (glue && (cq & SEP))) {
                        if (vec_push(&deleted, q - deleted.len) < 0)
                            goto done;
                    } else {
                        out[o++] = map16[raw[q]];
                    }
                }
                i = j;
            }
        }
        if (k + 1 < n)
            out[o++] = JOIN_UNIT;
        s = e + 1;
    }
    if (PyByteArray_Resize(out_b, 2 * o) < 0)
        goto done;
    PyObject *del_a = vec_array(&deleted), *ins_a = vec_array(&inserted),
             *sur_a = vec_array(&surrogates);
    if (!del_a || !ins_a || !sur_a) {
        Py_XDECREF(del_a);
        Py_XDECREF(ins_a);
        Py_XDECREF(sur_a);
        goto done;
    }
    result = Py_BuildValue("(NNNNNNNO)", out_b, raw_b, starts_b, offsets_b, del_a, ins_a, sur_a,
                           ascii ? Py_True : Py_False);
    out_b = raw_b = starts_b = offsets_b = NULL; /* stolen by "N", even on failure */

done:
    Py_XDECREF(raw_b);
    Py_XDECREF(out_b);
    Py_XDECREF(starts_b);
    Py_XDECREF(offsets_b);
    Py_XDECREF(odd_b);
    PyMem_Free(surrogates.data);
    PyMem_Free(deleted.data);
    PyMem_Free(inserted.data);
    PyMem_Free(ends);
    PyMem_Free(flags);
    tables_release(&t);
    return result;
}

/* Whether one of `phrases` (a tuple of str) lies wholly within [at - 6, at + 4) of the text:
 * the window reading._asks_backwards searches around each 读. */
static int backwards_window(int kind, const void *data, Py_ssize_t len, Py_ssize_t at,
                            PyObject *phrases) {
    Py_ssize_t lo = at >= 6 ? at - 6 : 0, hi = at + 4 < len ? at + 4 : len;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(phrases); k++) {
        PyObject *p = PyTuple_GET_ITEM(phrases, k);
        Py_ssize_t n = PyUnicode_GET_LENGTH(p);
        int pk = PyUnicode_KIND(p);
        const void *pd = PyUnicode_DATA(p);
        for (Py_ssize_t st = lo; st + n <= hi; st++) {
            Py_ssize_t j = 0;
            while (j < n && PyUnicode_READ(kind, data, st + j) == PyUnicode_READ(pk, pd, j))
                j++;
            if (n && j == n)
                return 1;
        }
    }
    return 0;
}

static int check_phrases(PyObject *phrases) {
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(phrases); k++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(phrases, k))) {
            PyErr_SetString(PyExc_TypeError, "phrases must be str");
            return -1;
        }
    return 0;
}

/* Reading class bits, as in beian/text/reading.py (checked there before the kernel is used). */
#define R_HAN 1
#define R_STRONG 2
#define R_PUNCT 4
#define R_TRADITIONAL 16
#define R_BASE64 128
#define MAX_STRONG_SPAN 2

typedef struct {
    Py_ssize_t start, end;
    unsigned char strong, useful;
} Run;

/* Chain candidates of one text of `len` characters from its non-CJK runs: exactly
 * reading._chain_starts on the text alone (a run touching an end of the text is never one). */
static int chain_starts(const Run *runs, Py_ssize_t m, Py_ssize_t len, Vec *out) {
#define OK(k) (runs[k].start > 0 && runs[k].end < len && runs[k].end - runs[k].start <= 4)
#define SPACE(k) (runs[(k) + 1].start - runs[k].end)
#define TIGHT(k) (OK(k) && OK((k) + 1) && SPACE(k) == 1)
#define ONE(k) (OK(k) && runs[k].useful && OK((k) + 1) && runs[(k) + 1].useful && SPACE(k) == 1)
    for (Py_ssize_t k = 0; k + 1 < m; k++) {
        int pair = OK(k) && runs[k].strong && OK(k + 1) && runs[k + 1].strong &&
                   SPACE(k) <= MAX_STRONG_SPAN;
        int one = k + 2 < m && ONE(k) && ONE(k + 1);
        int five = k + 4 < m && TIGHT(k) && TIGHT(k + 1) && TIGHT(k + 2) && TIGHT(k + 3);
        if ((pair || one || five) && vec_push(out, runs[k].start - 1) < 0)
            return -1;
    }
    return 0;
#undef OK
#undef SPACE
#undef TIGHT
#undef ONE
}

/* What the reading scan keeps while it walks one text. */
typedef struct {
    unsigned bits, flags, read;
    Py_ssize_t trad, han, b64_len;
    int b64_lower, b64_upper, b64_digits, in_run;
    Py_ssize_t m, cap; /* runs used, allocated */
    Run *runs;
    Py_ssize_t min_base64;
    PyObject *phrases; /* reading._BACKWARDS_ZH */
    int kind;
    const void *data;
    Py_ssize_t len;
} Walk;

static inline void b64_close(Walk *w) {
    /* long enough, and neither one case nor all digits (reading._mixed) */
    if (w->b64_len >= w->min_base64 && w->b64_lower == w->b64_upper && !w->b64_digits)
        w->flags |= 1;
    w->b64_len = 0;
    w->b64_lower = w->b64_upper = 0;
    w->b64_digits = 1;
}

/* One character at position i; 0 on success, -1 on memory error. */
static inline int walk_step(Walk *w, const uint8_t *rcls, Py_UCS4 c, Py_ssize_t i) {
    if ((c & 0xFFFFF800) == 0xD800)
        c = '?'; /* a lone surrogate, as the "replace" encode */
    uint8_t x = rcls[c];
    w->bits |= x;
    if (x & R_HAN) { /* most characters of Chinese text: end whatever run is open */
        w->han++;
        w->trad += (x & R_TRADITIONAL) != 0;
        if (c == 0x8BFB && backwards_window(w->kind, w->data, w->len, i, w->phrases))
            w->flags |= 2; /* 读 with a read-it-backwards request around it */
        w->read = 0;
        if (w->b64_len)
            b64_close(w);
        if (w->in_run) {
            w->runs[w->m++].end = i;
            w->in_run = 0;
        }
        return 0;
    }
    w->trad += (x & R_TRADITIONAL) != 0;
    /* "read" or "Read" */
    if (c == 'r' || c == 'R')
        w->read = 1;
    else if ((c == 'e' && w->read == 1) || (c == 'a' && w->read == 2))
        w->read++;
    else {
        if (c == 'd' && w->read == 3)
            w->flags |= 4; /* "read" or "Read": the caller tries the expression */
        w->read = 0;
    }
    if (x & R_BASE64) {
        w->b64_len++;
        w->b64_lower |= c >= 'a' && c <= 'z';
        w->b64_upper |= c >= 'A' && c <= 'Z';
        w->b64_digits &= c >= '0' && c <= '9';
    } else if (w->b64_len) {
        b64_close(w);
    }
    if (!w->in_run) {
        if (w->m == w->cap) {
            Py_ssize_t cap = w->cap ? 2 * w->cap : 256;
            Run *grown = PyMem_Realloc(w->runs, (size_t)cap * sizeof(Run));
            if (!grown) {
                PyErr_NoMemory();
                return -1;
            }
            w->runs = grown;
            w->cap = cap;
        }
        w->runs[w->m].start = i;
        w->runs[w->m].strong = w->runs[w->m].useful = 0;
        w->in_run = 1;
    }
    w->runs[w->m].strong |= (x & R_STRONG) != 0;
    w->runs[w->m].useful |= (x & R_PUNCT) == 0;
    return 0;
}

/* A CJK character ends whatever is open (a run, base64, "read") and is counted in local
 * variables (the loop's own registers); every other character takes walk_step. A surrogate's
 * class is 0: never this fast path. */
#define WALK(TYPE)                                                                          \
    do {                                                                                    \
        const TYPE *d = data;                                                               \
        Py_ssize_t han_l = 0, trad_l = 0;                                                   \
        unsigned bits_l = 0, flags_l = 0;                                                   \
        int open = 0;                                                                       \
        for (Py_ssize_t i = 0; i < len; i++) {                                              \
            Py_UCS4 c = d[i];                                                               \
            uint8_t x = rcls[c];                                                            \
            if (x & R_HAN) {                                                                \
                if (open) { /* the first CJK character after others ends what is open */    \
                    if (w.in_run) {                                                         \
                        w.runs[w.m++].end = i;                                              \
                        w.in_run = 0;                                                       \
                    }                                                                       \
                    if (w.b64_len)                                                          \
                        b64_close(&w);                                                      \
                    w.read = 0;                                                             \
                    open = 0;                                                               \
                }                                                                           \
                bits_l |= x;                                                                \
                han_l++;                                                                    \
                trad_l += (x & R_TRADITIONAL) != 0;                                         \
                if (c == 0x8BFB && backwards_window(kind, data, len, i, w.phrases))         \
                    flags_l |= 2; /* 读 with a read-it-backwards request around it */         \
                continue;                                                                   \
            }                                                                               \
            if (walk_step(&w, rcls, c, i) < 0)                                              \
                goto done;                                                                  \
            open = w.in_run || w.b64_len || w.read;                                         \
        }                                                                                   \
        w.bits |= bits_l;                                                                   \
        w.flags |= flags_l;                                                                 \
        w.han += han_l;                                                                     \
        w.trad += trad_l;                                                                   \
    } while (0)

static PyObject *scan_readings(PyObject *self, PyObject *args) {
    PyObject *texts;
    Py_buffer cb;
    Py_ssize_t min_base64;
    PyObject *phrases;
    if (!PyArg_ParseTuple(args, "O!y*nO!:scan_readings", &PyList_Type, &texts, &cb, &min_base64,
                          &PyTuple_Type, &phrases))
        return NULL;
    PyObject *result = NULL, *bits_b = NULL, *trad_b = NULL, *han_b = NULL, *flags_b = NULL,
             *index_b = NULL, *chains_b = NULL;
    Vec chains = {0};
    Walk w = {0};
    w.min_base64 = min_base64;
    w.phrases = phrases;
    if (check_phrases(phrases) < 0)
        goto done;
    if (cb.len != 0x110000) {
        PyErr_SetString(PyExc_ValueError, "scan_readings: a class table of 0x110000 bytes");
        goto done;
    }
    const uint8_t *rcls = cb.buf;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    Py_ssize_t word = (Py_ssize_t)sizeof(Py_ssize_t);
    bits_b = PyByteArray_FromStringAndSize(NULL, n);
    flags_b = PyByteArray_FromStringAndSize(NULL, n);
    trad_b = PyByteArray_FromStringAndSize(NULL, n * word);
    han_b = PyByteArray_FromStringAndSize(NULL, n * word);
    index_b = PyByteArray_FromStringAndSize(NULL, (n + 1) * word);
    if (!bits_b || !flags_b || !trad_b || !han_b || !index_b)
        goto done;
    uint8_t *bits = (uint8_t *)PyByteArray_AS_STRING(bits_b);
    uint8_t *flags = (uint8_t *)PyByteArray_AS_STRING(flags_b);
    Py_ssize_t *n_trad = (Py_ssize_t *)PyByteArray_AS_STRING(trad_b);
    Py_ssize_t *n_han = (Py_ssize_t *)PyByteArray_AS_STRING(han_b);
    Py_ssize_t *index = (Py_ssize_t *)PyByteArray_AS_STRING(index_b);
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *s = PyList_GET_ITEM(texts, k);
        if (ready_str(s, "scan_readings") < 0)
            goto done;
        Py_ssize_t len = PyUnicode_GET_LENGTH(s);
        int kind = PyUnicode_KIND(s);
        const void *data = PyUnicode_DATA(s);
        w.bits = w.flags = w.read = 0;
        w.trad = w.han = w.m = 0;
        w.b64_len = w.b64_lower = w.b64_upper = w.in_run = 0;
        w.b64_digits = 1;
        w.kind = kind;
        w.data = data;
        w.len = len;
        index[k] = chains.len;
        if (kind == PyUnicode_1BYTE_KIND)
            WALK(Py_UCS1);
        else if (kind == PyUnicode_2BYTE_KIND)
            WALK(Py_UCS2);
        else
            WALK(Py_UCS4);
        /* the end of the text closes the open runs (as the U+0000 after it) */
        if (w.b64_len)
            b64_close(&w);
        if (w.in_run)
            w.runs[w.m++].end = len;
        bits[k] = (uint8_t)w.bits;
        flags[k] = (uint8_t)w.flags;
        n_trad[k] = w.trad;
        n_han[k] = w.han;
        if (w.m >= 2 && chain_starts(w.runs, w.m, len, &chains) < 0)
            goto done;
    }
    index[n] = chains.len;
    chains_b = PyByteArray_FromStringAndSize((const char *)chains.data, chains.len * word);
    if (!chains_b)
        goto done;
    result = Py_BuildValue("(NNNNNN)", bits_b, flags_b, trad_b, han_b, index_b, chains_b);
    bits_b = flags_b = trad_b = han_b = index_b = chains_b = NULL;

done:
    Py_XDECREF(bits_b);
    Py_XDECREF(flags_b);
    Py_XDECREF(trad_b);
    Py_XDECREF(han_b);
    Py_XDECREF(index_b);
    Py_XDECREF(chains_b);
    PyMem_Free(chains.data);
    PyMem_Free(w.runs);
    PyBuffer_Release(&cb);
    return result;
}

/* The reading of a text holding traditional characters and no invisible ones: each
 * TRADITIONAL character folded through the full mapping, one to one (reading._folded). Lone
 * surrogates become '?', as the numpy path's "replace" encode makes them. */
static PyObject *fold_traditional(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer cb, mb;
    if (!PyArg_ParseTuple(args, "Uy*y*:fold_traditional", &text, &cb, &mb))
        return NULL;
    PyObject *result = NULL, *out = NULL, *changed = NULL;
    Py_UCS4 *buf = NULL;
    if (cb.len != 0x110000 || mb.len != 4 * 0x110000) {
        PyErr_SetString(PyExc_ValueError, "fold_traditional: tables of 0x110000 entries");
        goto done;
    }
    const uint8_t *rcls = cb.buf;
    const uint32_t *map = mb.buf;
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    buf = PyMem_Malloc((size_t)(len ? len : 1) * sizeof(Py_UCS4));
    changed = PyByteArray_FromStringAndSize(NULL, len);
    if (!buf || !changed) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    char *ch = PyByteArray_AS_STRING(changed);
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((c & 0xFFFFF800) == 0xD800)
            c = '?';
        int fold = (rcls[c] & R_TRADITIONAL) != 0;
        buf[i] = fold ? map[c] : c;
        ch[i] = (char)fold;
    }
    out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, len);
    if (!out)
        goto done;
    result = PyTuple_Pack(2, out, changed);

done:
    Py_XDECREF(out);
    Py_XDECREF(changed);
    PyMem_Free(buf);
    PyBuffer_Release(&cb);
    PyBuffer_Release(&mb);
    return result;
}

/* Interleaving chains (reading.interleaved / _chains_from / _shape / _closed), exactly. */

static inline int chain_cjk(Py_UCS4 c) { /* reading._CJK */
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2E80 && c <= 0x2FDF);
}

static inline int chain_strong(Py_UCS4 c) { /* reading._STRONG */
    return (c >= 0x2190 && c <= 0x2BFF) || (c >= 0x1F000 && c <= 0x1FAFF);
}

enum { SHAPE_NONE, SHAPE_STRONG, SHAPE_LETTER, SHAPE_TEXT };

typedef struct {
    int tag, n;
    Py_UCS4 ch[4];
} Shape;

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
    PyObject *punct; /* reading._P */
    PyObject *pairs; /* opener, closer, opener, closer ... (reading._PAIRS) */
} Chars;

static inline Py_UCS4 char_at(const Chars *t, Py_ssize_t i) {
    return PyUnicode_READ(t->kind, t->data, i);
}

static int in_str(PyObject *s, Py_UCS4 c) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *d = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++)
        if (PyUnicode_READ(kind, d, i) == c)
            return 1;
    return 0;
}

static Shape shape_of(const Chars *t, Py_ssize_t a, Py_ssize_t b) {
    Shape sh = {SHAPE_NONE, 0, {0}};
    int letters = 0, strong = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = char_at(t, i);
        letters += (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        strong |= chain_strong(c);
    }
    if (letters > 1)
        return sh; /* an English word between Chinese ones is content */
    if (strong) {
        sh.tag = SHAPE_STRONG;
        return sh;
    }
    if (letters) {
        sh.tag = SHAPE_LETTER;
        return sh;
    }
    sh.tag = SHAPE_TEXT; /* without punctuation and spaces, unless that leaves nothing */
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = char_at(t, i);
        if (!Py_UNICODE_ISSPACE(c) && !in_str(t->punct, c))
            sh.ch[sh.n++] = c;
    }
    if (!sh.n)
        for (Py_ssize_t i = a; i < b; i++)
            sh.ch[sh.n++] = char_at(t, i);
    for (int i = 0; i < sh.n; i++)
        if (sh.ch[i] >= '0' && sh.ch[i] <= '9')
            sh.ch[i] = '0';
    return sh;
}

static int same_shape(const Shape *x, const Shape *y) {
    if (x->tag != y->tag)
        return 0;
    if (x->tag != SHAPE_TEXT)
        return 1;
    return x->n == y->n && memcmp(x->ch, y->ch, (size_t)x->n * sizeof(Py_UCS4)) == 0;
}

/* The next gap at or after `from`: a run of 1-4 characters that are not CJK, with CJK on both
 * sides (reading._GAP). Returns 0 when there is none. */
static int next_gap(const Chars *t, Py_ssize_t from, Py_ssize_t *a, Py_ssize_t *b) {
    Py_ssize_t p = from < 1 ? 1 : from;
    while (p < t->len) {
        if (chain_cjk(char_at(t, p)) || !chain_cjk(char_at(t, p - 1))) {
            p++;
            continue;
        }
        Py_ssize_t q = p;
        while (q < t->len && !chain_cjk(char_at(t, q)))
            q++;
        if (q < t->len && q - p <= 4) {
            *a = p;
            *b = q;
            return 1;
        }
        p = q;
    }
    return 0;
}

static int push_pair(PyObject *out, Py_ssize_t a, Py_ssize_t b) {
    PyObject *pair = Py_BuildValue("(nn)", a, b);
    if (!pair)
        return -1;
    int rc = PyList_Append(out, pair);
    Py_DECREF(pair);
    return rc;
}

/* reading._closed: append the chain's fillers to `out` when the chain is long enough. */
static int close_chain(const Chars *t, const Vec *chain, const Shape *sh, PyObject *out) {
    if (sh->tag == SHAPE_NONE)
        return 0;
    Py_ssize_t need = sh->tag == SHAPE_STRONG ? 2 : 3;
    if (sh->tag == SHAPE_TEXT) {
        int only = 1;
        for (int i = 0; i < sh->n; i++)
            only &= in_str(t->punct, sh->ch[i]);
        if (only)
            need = 5;
    }
    Py_ssize_t n = chain->len / 2;
    if (n < need)
        return 0;
    int head = 0, tail = 0;
    if (sh->tag == SHAPE_TEXT && sh->n == 2) { /* (法)(轮): fillers ")(" */
        Py_ssize_t np = PyUnicode_GET_LENGTH(t->pairs);
        int kind = PyUnicode_KIND(t->pairs);
        const void *d = PyUnicode_DATA(t->pairs);
        for (Py_ssize_t i = 0; i + 1 < np; i += 2)
            if (PyUnicode_READ(kind, d, i) == sh->ch[1] &&
                PyUnicode_READ(kind, d, i + 1) == sh->ch[0]) {
                Py_ssize_t first = chain->data[0] - 2, last = chain->data[2 * n - 1] + 1;
                head = first >= 0 && char_at(t, first) == sh->ch[1];
                tail = last < t->len && char_at(t, last) == sh->ch[0];
                break;
            }
    }
    if (head && push_pair(out, chain->data[0] - 2, chain->data[0] - 1) < 0)
        return -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (push_pair(out, chain->data[2 * i], chain->data[2 * i + 1]) < 0)
            return -1;
    if (tail && push_pair(out, chain->data[2 * n - 1] + 1, chain->data[2 * n - 1] + 2) < 0)
        return -1;
    return 0;
}

static PyObject *interleaved(PyObject *self, PyObject *args) {
    PyObject *text, *starts, *punct, *pairs;
    if (!PyArg_ParseTuple(args, "UO!UU:interleaved", &text, &PyList_Type, &starts, &punct,
                          &pairs))
        return NULL;
    Chars t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), punct,
               pairs};
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    Vec chain = {0};
    Py_ssize_t pos = 0;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(starts); k++) {
        Py_ssize_t start = PyLong_AsSsize_t(PyList_GET_ITEM(starts, k));
        if (start == -1 && PyErr_Occurred())
            goto fail;
        start = start > pos ? start : pos; /* a walk stops before the gap that broke its chain */
        Py_ssize_t past = start + 2, a, b, from = start;
        Shape shape = {SHAPE_NONE, 0, {0}};
        chain.len = 0;
        pos = t.len;
        while (next_gap(&t, from, &a, &b)) {
            from = b;
            Shape this = shape_of(&t, a, b);
            Py_ssize_t room = this.tag == SHAPE_STRONG ? MAX_STRONG_SPAN : 1;
            if (chain.len && (!same_shape(&this, &shape) || a - chain.data[chain.len - 1] > room)) {
                if (close_chain(&t, &chain, &shape, out) < 0)
                    goto fail;
                chain.len = 0;
                if (a >= past) {
                    pos = a - 1;
                    break;
                }
            } else if (!chain.len && a >= past) {
                pos = a - 1;
                break;
            }
            if (this.tag != SHAPE_NONE && (vec_push(&chain, a) < 0 || vec_push(&chain, b) < 0))
                goto fail;
            shape = this;
        }
        if (pos == t.len && close_chain(&t, &chain, &shape, out) < 0)
            goto fail;
    }
    PyMem_Free(chain.data);
    return out;
fail:
    PyMem_Free(chain.data);
    Py_DECREF(out);
    return NULL;
}

/* Whether one of `phrases` lies wholly within [at - 6, at + 4) around some 读 of `text`
 * (the window reading._asks_backwards searches around each 读). */
static PyObject *asks_backwards(PyObject *self, PyObject *args) {
    PyObject *text, *phrases;
    if (!PyArg_ParseTuple(args, "UO!:asks_backwards", &text, &PyTuple_Type, &phrases))
        return NULL;
    if (check_phrases(phrases) < 0)
        return NULL;
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t at = 0; at < len; at++)
        if (PyUnicode_READ(kind, data, at) == 0x8BFB && backwards_window(kind, data, len, at,
                                                                         phrases))
            Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}

/* The keyword detector's fillers (beian.detect.keyword.gaps.filler_positions): positions of
 * filler code units in runs between two CJK units, a run being at most `max_units` units with
 * no letter, or one letter alone. */
static PyObject *filler_positions(PyObject *self, PyObject *args) {
    Py_buffer ub, tb, hb;
    int letter;
    Py_ssize_t max_units;
    if (!PyArg_ParseTuple(args, "y*y*y*in:filler_positions", &ub, &tb, &hb, &letter,
                          &max_units))
        return NULL;
    PyObject *result = NULL;
    Vec found = {0};
    if (tb.len != 0x10000 || hb.len != 0x10000 || ub.len % 2) {
        PyErr_SetString(PyExc_ValueError, "filler_positions: uint16 units, 64K tables");
        goto done;
    }
    const uint16_t *u = ub.buf;
    const uint8_t *table = tb.buf, *han = hb.buf;
    Py_ssize_t n = ub.len / 2;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!table[u[i]])
            continue;
        Py_ssize_t j = i, letters = 0;
        while (j < n && table[u[j]]) {
            letters += table[u[j]] == letter;
            j++;
        }
        Py_ssize_t size = j - i;
        int ok = i > 0 && j < n &&
                 ((letters == 0 && size <= max_units) || (letters == 1 && size == 1)) &&
                 han[u[i - 1]] && han[u[j]];
        for (Py_ssize_t q = i; ok && q < j; q++)
            if (vec_push(&found, q) < 0)
                goto done;
        i = j;
    }
    result = PyByteArray_FromStringAndSize((const char *)found.data,
                                           found.len * (Py_ssize_t)sizeof(Py_ssize_t));
done:
    PyMem_Free(found.data);
    PyBuffer_Release(&ub);
    PyBuffer_Release(&tb);
    PyBuffer_Release(&hb);
    return result;
}

/* The PII pre-check (beian.detect.pii.triggers.folded_triggers): positions of the code units
 * that are a digit or "@", ASCII or full-width. */
static PyObject *trigger_positions(PyObject *self, PyObject *args) {
    Py_buffer ub;
    if (!PyArg_ParseTuple(args, "y*:trigger_positions", &ub))
        return NULL;
    PyObject *result = NULL;
    Vec found = {0};
    if (ub.len % 2) {
        PyErr_SetString(PyExc_ValueError, "trigger_positions: uint16 units");
        goto done;
    }
    const uint16_t *u = ub.buf;
    Py_ssize_t n = ub.len / 2;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint16_t c = u[i];
        if (((c >= '0' && c <= '9') || c == '@' || (c >= 0xFF10 && c <= 0xFF19) ||
             c == 0xFF20) &&
            vec_push(&found, i) < 0)
            goto done;
    }
    result = PyByteArray_FromStringAndSize((const char *)found.data,
                                           found.len * (Py_ssize_t)sizeof(Py_ssize_t));
done:
    PyMem_Free(found.data);
    PyBuffer_Release(&ub);
    return result;
}

/* ---- The harm column of the classifier (beian.detect.classifier.features.column_sums) ----
 *
 * harm_sums(texts, tables, digits, bits, min_norm, column, unigrams) scores one column of the
 * hashed 1-3-gram model for every text, each text on its own: its code points (folded through
 * fastnorm's table, digit runs folded to one "0" first when ``digits``; or, when ``tables`` is
 * None, taken as they are because the caller normalised them), the weight of every n-gram
 * (unigrams of the BMP from ``unigrams``, every other n-gram hashed exactly as features.py
 * does and read from ``column``), each multiplied by the text's feature value, laid out
 * unigrams, bigrams, trigrams, each in text order, and summed in float32 exactly as numpy's
 * ``np.add.reduceat`` sums a segment: a[0] + pairwise(a[1:]) (numpy's pairwise_sum, as
 * beian.detect.classifier.pairwise describes it). A text the table cannot prove simple (a
 * character beyond the BMP, one that is not simple, a lone surrogate) is handed back to the
 * numpy code by index. The float arithmetic must be IEEE single precision without contraction
 * or reassociation: the function is compiled only where float expressions are evaluated in
 * their own type, and setup.py turns contraction off. */

#include <float.h>
#include <math.h>

#if defined(__FAST_MATH__)
#error "the harm kernel needs exact IEEE arithmetic: do not build with -ffast-math"
#endif

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define HAVE_HARM_SUMS 1

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#define H_MIX 0x9E3779B97F4A7C15ULL
#define H_P0 0x100000001B3ULL
#define H_P1 0xC2B2AE3D27D4EB4FULL
#define H_P2 0x165667B19E3779F9ULL
#define N_BAD 0x80000000u   /* fastnorm._BAD: not simple, take the exact path */
#define N_MULTI 0x40000000u /* fastnorm._MULTI: expands to several code points */
#define N_BMP 0x10000

static inline uint64_t h_finish(uint64_t h, int shift) {
    h ^= h >> 31;
    h *= H_MIX;
    return h >> shift;
}

/* numpy's float32 pairwise_sum (numpy/_core/src/umath/loops_utils.h.src) on a contiguous run. */
static float pairwise_f32(const float *a, Py_ssize_t n) {
    if (n < 8) {
        float res = 0.f;
        for (Py_ssize_t i = 0; i < n; i++)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        float r[8];
        Py_ssize_t i;
        for (int j = 0; j < 8; j++)
            r[j] = a[j];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += a[i + j];
        float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_f32(a, n2) + pairwise_f32(a + n2, n - n2);
}

typedef struct {
    uint32_t *data;
    Py_ssize_t len, cap;
} Codes;

static int codes_reserve(Codes *c, Py_ssize_t need) {
    if (need <= c->cap)
        return 0;
    Py_ssize_t cap = c->cap ? c->cap : 1024;
    while (cap < need)
        cap *= 2;
    uint32_t *grown = PyMem_Realloc(c->data, (size_t)cap * sizeof(uint32_t));
    if (!grown) {
        PyErr_NoMemory();
        return -1;
    }
    c->data = grown;
    c->cap = cap;
    return 0;
}

typedef struct {
    const uint32_t *map;  /* fastnorm._table(): BMP + 1 entries */
    const uint8_t *digit; /* fastnorm._decimal_table(): BMP + 1 flags, or NULL */
    const uint32_t *exp;  /* the expansions' code points, one after another */
    const int64_t *exp_at; /* expansion e is exp[exp_at[e]:exp_at[e + 1]] */
    Py_ssize_t n_exp, exp_len;
} NormTables;

static void norm_tables_release(Py_buffer *tb, int held) {
    for (int i = 0; i < held; i++)
        if (tb[i].obj)
            PyBuffer_Release(&tb[i]);
}

/* fastnorm's (table, decimal flags or None, expansions, their starts) as NormTables. */
static int norm_tables_get(PyObject *tables, int digits, Py_buffer *tb, int *held,
                           NormTables *nt) {
    static const Py_ssize_t item[4] = {4, 1, 4, 8};
    *held = 0;
    if (!PyTuple_Check(tables) || PyTuple_GET_SIZE(tables) != 4) {
        PyErr_SetString(PyExc_TypeError, "tables: a tuple of four arrays, or None");
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        PyObject *o = PyTuple_GET_ITEM(tables, i);
        if (i == 1 && o == Py_None) { /* no digit flags: digits must be off */
            tb[i].buf = NULL;
            tb[i].len = 0;
            tb[i].obj = NULL;
        } else if (PyObject_GetBuffer(o, &tb[i], PyBUF_C_CONTIGUOUS) < 0) {
            return -1;
        }
        (*held)++;
        if (tb[i].len % item[i]) {
            PyErr_SetString(PyExc_ValueError, "tables: an array of the wrong item size");
            return -1;
        }
    }
    if (tb[0].len / 4 < N_BMP + 1 || (digits && tb[1].len < N_BMP + 1) || tb[3].len / 8 < 1) {
        PyErr_SetString(PyExc_ValueError, "tables: too short");
        return -1;
    }
    nt->map = tb[0].buf;
    nt->digit = tb[1].buf;
    nt->exp = tb[2].buf;
    nt->exp_len = tb[2].len / 4;
    nt->exp_at = tb[3].buf;
    nt->n_exp = tb[3].len / 8 - 1;
    return 0;
}

/* The normalised code points of ``s`` in ``out``: 0, or 1 when the text needs the numpy code,
 * -1 on error. */
static int harm_codes(PyObject *s, const NormTables *t, int digits, Codes *out) {
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t len = PyUnicode_GET_LENGTH(s);
    out->len = 0;
    if (codes_reserve(out, len) < 0)
        return -1;
    if (!t) { /* already normalised: the code points themselves (a surrogate: numpy decides) */
        for (Py_ssize_t i = 0; i < len; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c >= 0xD800 && c < 0xE000)
                return 1;
            out->data[i] = (uint32_t)c;
        }
        out->len = len;
        return 0;
    }
    int prev_digit = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= N_BMP)
            return 1; /* fastnorm asks unicodedata about these one by one */
        if (digits && t->digit[c]) {
            if (prev_digit)
                continue; /* a digit right after a digit continues its run */
            prev_digit = 1;
            c = '0';
        } else {
            prev_digit = 0;
        }
        uint32_t e = t->map[c];
        if (e & N_BAD)
            return 1;
        if (e & N_MULTI) {
            Py_ssize_t id = (Py_ssize_t)(e & ~N_MULTI);
            if (id >= t->n_exp) {
                PyErr_SetString(PyExc_ValueError, "harm_sums: expansion beyond the table");
                return -1;
            }
            int64_t a = t->exp_at[id], b = t->exp_at[id + 1];
            if (a < 0 || b < a || b > t->exp_len) {
                PyErr_SetString(PyExc_ValueError, "harm_sums: bad expansion index");
                return -1;
            }
            if (codes_reserve(out, out->len + (b - a) + (len - i)) < 0)
                return -1;
            for (int64_t k = a; k < b; k++)
                out->data[out->len++] = t->exp[k];
        } else {
            out->data[out->len++] = e;
        }
    }
    return 0;
}

static int get_f32(PyObject *o, Py_buffer *b, Py_ssize_t min_items, const char *what) {
    if (PyObject_GetBuffer(o, b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return -1;
    if (b->itemsize != 4 || !b->format ||
        (strcmp(b->format, "f") != 0 && strcmp(b->format, "<f") != 0 &&
         strcmp(b->format, "=f") != 0) ||
        b->len / 4 < min_items) {
        PyErr_Format(PyExc_ValueError, "%s must be float32 with %zd items or more",
                     what, min_items);
        PyBuffer_Release(b);
        return -1;
    }
    return 0;
}

/* Make ``*buf`` (``*cap`` elements of ``elem`` bytes) hold at least ``need`` elements: doubled
 * from 4096 as needed, contents kept. -1 with MemoryError set when it cannot. */
static int grow_buffer(void **buf, Py_ssize_t *cap, Py_ssize_t need, size_t elem) {
    if (need <= *cap)
        return 0;
    Py_ssize_t c = *cap ? *cap : 4096;
    while (c < need)
        c *= 2;
    void *grown = PyMem_Realloc(*buf, (size_t)c * elem);
    if (!grown) {
        PyErr_NoMemory();
        return -1;
    }
    *buf = grown;
    *cap = c;
    return 0;
}

/* features.doc_values: float64 1/sqrt(max(n, floor)), then rounded to float32 */
static float doc_value(Py_ssize_t total, double floor_n) {
    double nd = (double)total;
    return (float)(1.0 / sqrt(nd > floor_n ? nd : floor_n));
}

/* (sums, counts, redo) as the harm functions return them; NULL with an error set. */
static PyObject *harm_result(PyObject *sums_obj, PyObject *counts_obj, const Vec *redo) {
    PyObject *redo_obj = PyByteArray_FromStringAndSize(
        (const char *)redo->data, redo->len * (Py_ssize_t)sizeof(Py_ssize_t));
    if (!redo_obj)
        return NULL;
    PyObject *result = PyTuple_Pack(3, sums_obj, counts_obj, redo_obj);
    Py_DECREF(redo_obj);
    return result;
}

/* The normalised code points of texts[k] into ``codes``: 0 when the text has n-grams to score,
 * 1 when it has none or is left to numpy (its number pushed on ``redo``), -1 on an error. */
static int harm_text(PyObject *texts, Py_ssize_t k, const char *fn, const NormTables *ntp,
                     int digits, Codes *codes, Vec *redo) {
    PyObject *s = PyList_GET_ITEM(texts, k);
    if (ready_str(s, fn) < 0)
        return -1;
    int r = harm_codes(s, ntp, digits, codes);
    if (r < 0)
        return -1;
    if (r > 0)
        return vec_push(redo, k) < 0 ? -1 : 1;
    return codes->len ? 0 : 1;
}

/* How many 1-, 2- and 3-grams a text of L code points has. */
static Py_ssize_t ngram_count(Py_ssize_t L) {
    return L + (L > 1 ? L - 1 : 0) + (L > 2 ? L - 2 : 0);
}

static PyObject *harm_sums(PyObject *self, PyObject *args) {
    PyObject *texts, *tables, *col_obj, *uni_obj;
    int digits, bits;
    Py_ssize_t min_norm;
    if (!PyArg_ParseTuple(args, "O!OpinOO:harm_sums", &PyList_Type, &texts, &tables, &digits,
                          &bits, &min_norm, &col_obj, &uni_obj))
        return NULL;
    if (bits < 1 || bits > 30) {
        PyErr_SetString(PyExc_ValueError, "harm_sums: bits must be in 1..30");
        return NULL;
    }
    Py_buffer tb[4];
    int held = 0;
    Py_buffer cb, ub;
    int have_c = 0, have_u = 0;
    PyObject *result = NULL, *sums_obj = NULL, *counts_obj = NULL;
    Codes codes = {0};
    float *laid = NULL;
    Py_ssize_t laid_cap = 0;
    Vec redo = {0};
    NormTables nt, *ntp = NULL;
    if (tables != Py_None) {
        if (norm_tables_get(tables, digits, tb, &held, &nt) < 0)
            goto done;
        ntp = &nt;
    }
    if (get_f32(col_obj, &cb, (Py_ssize_t)1 << bits, "column") < 0)
        goto done;
    have_c = 1;
    if (get_f32(uni_obj, &ub, N_BMP, "unigrams") < 0)
        goto done;
    have_u = 1;
    const float *column = cb.buf, *unigrams = ub.buf;
    const int shift = 64 - bits;
    const double floor_n = (double)(min_norm > 1 ? min_norm : 1);
    Py_ssize_t n = PyList_GET_SIZE(texts);
    sums_obj = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(float));
    counts_obj = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int64_t));
    if (!sums_obj || !counts_obj)
        goto done;
    float *sums = (float *)PyByteArray_AS_STRING(sums_obj);
    int64_t *counts = (int64_t *)PyByteArray_AS_STRING(counts_obj);
    for (Py_ssize_t k = 0; k < n; k++) {
        sums[k] = 0.f;
        counts[k] = 0;
        int r = harm_text(texts, k, "harm_sums", ntp, digits, &codes, &redo);
        if (r < 0)
            goto done;
        if (r > 0)
            continue;
        const uint32_t *c = codes.data;
        Py_ssize_t L = codes.len;
        Py_ssize_t total = ngram_count(L);
        if (grow_buffer((void **)&laid, &laid_cap, total, sizeof(float)) < 0)
            goto done;
        const float value = doc_value(total, floor_n);
        float *w = laid;
        for (Py_ssize_t i = 0; i < L; i++) {
            uint32_t x = c[i];
            float g = x < N_BMP ? unigrams[x]
                                : column[h_finish((uint64_t)x * H_P0 + 1u, shift)];
            *w++ = g * value;
        }
        for (Py_ssize_t i = 0; i + 1 < L; i++) {
            uint64_t h = ((uint64_t)c[i] * H_P0 + 2u) ^ (uint64_t)c[i + 1];
            *w++ = column[h_finish(h * H_P1, shift)] * value;
        }
        for (Py_ssize_t i = 0; i + 2 < L; i++) {
            uint64_t h = (((uint64_t)c[i] * H_P0 + 3u) ^ (uint64_t)c[i + 1]) * H_P1;
            h ^= (uint64_t)c[i + 2];
            *w++ = column[h_finish(h * H_P2, shift)] * value;
        }
        /* np.add.reduceat: the first term, then (with more than one) += pairwise(rest) */
        sums[k] = total > 1 ? laid[0] + pairwise_f32(laid + 1, total - 1) : laid[0];
        counts[k] = (int64_t)total;
    }
    result = harm_result(sums_obj, counts_obj, &redo);
done:
    Py_XDECREF(sums_obj);
    Py_XDECREF(counts_obj);
    PyMem_Free(codes.data);
    PyMem_Free(laid);
    PyMem_Free(redo.data);
    norm_tables_release(tb, held);
    if (have_c)
        PyBuffer_Release(&cb);
    if (have_u)
        PyBuffer_Release(&ub);
    return result;
}

/* numpy's pairwise sum of the rows tab[idx[i]] * v (i < n), every column j < w on its own in
 * float32, as np.add.reduceat sums the columns of the gathered [n, w] block: each column in
 * pairwise_f32's order (the loops over j only run the columns side by side). ``res``: w floats;
 * ``scratch``: (8 + depth) * w floats, depth = the recursion's (at most 64). */
static void pairwise_rows(const uint32_t *idx, Py_ssize_t n, const float *tab, Py_ssize_t w,
                          float v, float *res, float *scratch) {
    if (n < 8) {
        for (Py_ssize_t j = 0; j < w; j++)
            res[j] = 0.f;
        for (Py_ssize_t i = 0; i < n; i++) {
            const float *row = tab + (size_t)idx[i] * (size_t)w;
            for (Py_ssize_t j = 0; j < w; j++)
                res[j] += row[j] * v;
        }
        return;
    }
    if (n <= 128) {
        float *r = scratch; /* r[k * w + j]: accumulator k of column j */
        Py_ssize_t i;
        for (int k = 0; k < 8; k++) {
            const float *row = tab + (size_t)idx[k] * (size_t)w;
            for (Py_ssize_t j = 0; j < w; j++)
                r[k * w + j] = row[j] * v;
        }
        for (i = 8; i < n - (n % 8); i += 8)
            for (int k = 0; k < 8; k++) {
                const float *row = tab + (size_t)idx[i + k] * (size_t)w;
                for (Py_ssize_t j = 0; j < w; j++)
                    r[k * w + j] += row[j] * v;
            }
        for (Py_ssize_t j = 0; j < w; j++)
            res[j] = ((r[j] + r[w + j]) + (r[2 * w + j] + r[3 * w + j])) +
                     ((r[4 * w + j] + r[5 * w + j]) + (r[6 * w + j] + r[7 * w + j]));
        for (; i < n; i++) {
            const float *row = tab + (size_t)idx[i] * (size_t)w;
            for (Py_ssize_t j = 0; j < w; j++)
                res[j] += row[j] * v;
        }
        return;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    pairwise_rows(idx, n2, tab, w, v, res, scratch + w);
    pairwise_rows(idx + n2, n - n2, tab, w, v, scratch, scratch + w);
    for (Py_ssize_t j = 0; j < w; j++)
        res[j] = res[j] + scratch[j];
}

/* harm_rows(texts, tables, digits, bits, min_norm, table): like harm_sums, for every column of
 * ``table`` (float32, C order, [rows, width] with rows >= 2**bits): per text a row of ``width``
 * float32 sums (every n-gram hashed, unigrams too), as np.add.reduceat sums the rows
 * ``table[index] * value`` of featurise's features along axis 0; the counts; the texts left to
 * the numpy code. */
static PyObject *harm_rows(PyObject *self, PyObject *args) {
    PyObject *texts, *tables, *tab_obj;
    int digits, bits;
    Py_ssize_t min_norm, width;
    if (!PyArg_ParseTuple(args, "O!OpinOn:harm_rows", &PyList_Type, &texts, &tables, &digits,
                          &bits, &min_norm, &tab_obj, &width))
        return NULL;
    if (bits < 1 || bits > 30 || width < 1 || width > 4096) {
        PyErr_SetString(PyExc_ValueError, "harm_rows: bits must be in 1..30, width in 1..4096");
        return NULL;
    }
    Py_buffer tb[4], wb;
    int held = 0, have_w = 0;
    PyObject *result = NULL, *sums_obj = NULL, *counts_obj = NULL;
    Codes codes = {0};
    uint32_t *idx = NULL;
    Py_ssize_t idx_cap = 0;
    float *scratch = NULL;
    Vec redo = {0};
    NormTables nt, *ntp = NULL;
    if (tables != Py_None) {
        if (norm_tables_get(tables, digits, tb, &held, &nt) < 0)
            goto done;
        ntp = &nt;
    }
    if (get_f32(tab_obj, &wb, ((Py_ssize_t)1 << bits) * width, "table") < 0)
        goto done;
    have_w = 1;
    if (wb.len / 4 % width) {
        PyErr_SetString(PyExc_ValueError, "harm_rows: table: rows of `width` float32");
        goto done;
    }
    scratch = PyMem_Malloc((size_t)(8 + 66) * (size_t)width * sizeof(float)); /* depth <= 64 */
    if (!scratch) {
        PyErr_NoMemory();
        goto done;
    }
    const float *tab = wb.buf;
    const int shift = 64 - bits;
    const double floor_n = (double)(min_norm > 1 ? min_norm : 1);
    Py_ssize_t n = PyList_GET_SIZE(texts);
    sums_obj = PyByteArray_FromStringAndSize(NULL, n * width * (Py_ssize_t)sizeof(float));
    counts_obj = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int64_t));
    if (!sums_obj || !counts_obj)
        goto done;
    float *sums = (float *)PyByteArray_AS_STRING(sums_obj);
    int64_t *counts = (int64_t *)PyByteArray_AS_STRING(counts_obj);
    for (Py_ssize_t k = 0; k < n; k++) {
        float *out = sums + k * width;
        for (Py_ssize_t j = 0; j < width; j++)
            out[j] = 0.f;
        counts[k] = 0;
        int r = harm_text(texts, k, "harm_rows", ntp, digits, &codes, &redo);
        if (r < 0)
            goto done;
        if (r > 0)
            continue;
        const uint32_t *c = codes.data;
        Py_ssize_t L = codes.len;
        Py_ssize_t total = ngram_count(L);
        if (grow_buffer((void **)&idx, &idx_cap, total, sizeof(uint32_t)) < 0)
            goto done;
        const float value = doc_value(total, floor_n);
        uint32_t *h = idx;
        for (Py_ssize_t i = 0; i < L; i++)
            *h++ = (uint32_t)h_finish((uint64_t)c[i] * H_P0 + 1u, shift);
        for (Py_ssize_t i = 0; i + 1 < L; i++)
            *h++ = (uint32_t)h_finish(
                (((uint64_t)c[i] * H_P0 + 2u) ^ (uint64_t)c[i + 1]) * H_P1, shift);
        for (Py_ssize_t i = 0; i + 2 < L; i++) {
            uint64_t x = (((uint64_t)c[i] * H_P0 + 3u) ^ (uint64_t)c[i + 1]) * H_P1;
            *h++ = (uint32_t)h_finish((x ^ (uint64_t)c[i + 2]) * H_P2, shift);
        }
        /* np.add.reduceat along axis 0: the first row, then (more than one) += pairwise(rest) */
        const float *first = tab + (size_t)idx[0] * (size_t)width;
        if (total > 1) {
            pairwise_rows(idx + 1, total - 1, tab, width, value, out, scratch);
            for (Py_ssize_t j = 0; j < width; j++)
                out[j] = first[j] * value + out[j];
        } else {
            for (Py_ssize_t j = 0; j < width; j++)
                out[j] = first[j] * value;
        }
        counts[k] = (int64_t)total;
    }
    result = harm_result(sums_obj, counts_obj, &redo);
done:
    Py_XDECREF(sums_obj);
    Py_XDECREF(counts_obj);
    PyMem_Free(codes.data);
    PyMem_Free(idx);
    PyMem_Free(scratch);
    PyMem_Free(redo.data);
    norm_tables_release(tb, held);
    if (have_w)
        PyBuffer_Release(&wb);
    return result;
}
#endif /* FLT_EVAL_METHOD == 0 */

static PyMethodDef methods[] = {
    {"trigger_positions", trigger_positions, METH_VARARGS,
     "trigger_positions(units) -> positions (intp) of the digits and @, ASCII or full-width "
     "(see beian.detect.pii.triggers.folded_triggers)."},
    {"filler_positions", filler_positions, METH_VARARGS,
     "filler_positions(units, fillers, han, letter, max_units) -> positions (intp) of the "
     "fillers between CJK units (see beian.detect.keyword.gaps.filler_positions)."},
    {"asks_backwards", asks_backwards, METH_VARARGS,
     "asks_backwards(text, phrases) -> whether a phrase lies within six characters before and "
     "four after some 读 (see beian.text.reading._asks_backwards)."},
    {"interleaved", interleaved, METH_VARARGS,
     "interleaved(text, starts, punct, pairs) -> [start, end) of the fillers of interleaving "
     "chains walked from the chain candidates `starts` (see beian.text.reading.interleaved)."},
    {"fold_traditional", fold_traditional, METH_VARARGS,
     "fold_traditional(text, classes, mapping) -> (reading text, one byte per character: 1 "
     "where a traditional character was folded) (see beian.text.reading._folded)."},
    {"scan_readings", scan_readings, METH_VARARGS,
     "scan_readings(texts, classes, min_base64, phrases) -> per-text class bits, flags (1: a "
     "mixed base64 run, 2: a phrase around some 读, 4: holds read/Read), traditional and Han "
     "counts, chain candidates (index, positions) (see beian.text.reading)."},
#ifdef HAVE_HARM_SUMS
    {"harm_sums", harm_sums, METH_VARARGS,
     "harm_sums(texts, tables, digits, bits, min_norm, column, unigrams) -> (sums float32, "
     "counts int64, indices intp of the texts left to the numpy code) as bytearrays (see "
     "beian.detect.classifier.features.column_sums)."},
    {"harm_rows", harm_rows, METH_VARARGS,
     "harm_rows(texts, tables, digits, bits, min_norm, table, width) -> (sums float32 [n, "
     "width], counts int64, indices intp of the texts left to the numpy code) as bytearrays "
     "(see beian.detect.classifier.model.ClassifierModel.scores)."},
#endif
    {"fold16", fold16, METH_VARARGS,
     "fold16(texts, tables) -> Folded arrays as bytearrays, or bytes flagging the texts that "
     "need the code-point path (see beian.text.batch)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "beian.text._kernel",
    "Compiled kernels for beian.text (the numpy code is the reference and the fallback).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__kernel(void) {
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    if (PyModule_AddIntConstant(m, "CHANGE", CHANGE) < 0 ||
        PyModule_AddIntConstant(m, "DELETE", DELETE) < 0 ||
        PyModule_AddIntConstant(m, "SEP", SEP) < 0 ||
        PyModule_AddIntConstant(m, "SPECIAL", SPECIAL) < 0 ||
        PyModule_AddIntConstant(m, "WIDE", WIDE) < 0 ||
        PyModule_AddIntConstant(m, "MAX_SEPARATORS", MAX_SEPARATORS) < 0 ||
        PyModule_AddIntConstant(m, "R_HAN", R_HAN) < 0 ||
        PyModule_AddIntConstant(m, "R_STRONG", R_STRONG) < 0 ||
        PyModule_AddIntConstant(m, "R_PUNCT", R_PUNCT) < 0 ||
        PyModule_AddIntConstant(m, "R_TRADITIONAL", R_TRADITIONAL) < 0 ||
        PyModule_AddIntConstant(m, "R_BASE64", R_BASE64) < 0 ||
        PyModule_AddIntConstant(m, "MAX_STRONG_SPAN", MAX_STRONG_SPAN) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
