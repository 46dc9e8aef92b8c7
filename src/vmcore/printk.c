// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lockless printk ring buffer of Linux 5.10+ (kernel/printk/
 * printk_ringbuffer.h), read from a core file through the sizes and offsets
 * that log_buf_vmcoreinfo_setup() (kernel/printk/printk.c) exports:
 *
 *   SYMBOL(prb)            a pointer: &printk_rb_static, or &printk_rb_dynamic
 *                          once setup_log_buf() made a larger buffer
 *   printk_ringbuffer      desc_ring (prb_desc_ring), text_data_ring (prb_data_ring)
 *   prb_desc_ring          count_bits, descs, infos, head_id, tail_id
 *   prb_desc               state_var, text_blk_lpos (prb_data_blk_lpos: begin, next)
 *   printk_info            seq, ts_nsec, text_len, caller_id
 *   prb_data_ring          size_bits, data
 *   atomic_long_t          counter
 *
 * Rules this reader relies on (printk_ringbuffer.c):
 *   - state_var = state << 62 | id; states reserved 0, committed 1,
 *     finalized 2, reusable 3. Descriptor ids run from tail_id to head_id;
 *     id's index in both arrays is id & (count - 1), and so is seq's.
 *   - Data blocks: an unsigned long id, then the text. lpos values are
 *     8-aligned; index = lpos & (size - 1), wrap = lpos >> size_bits. A
 *     block either lies in one wrap (begin < next), or wraps: then its data
 *     sits at index 0 and ends at index(next). begin and next both odd: no
 *     data (EMPTY_LINE_LPOS 3,3 is an empty line; anything else, e.g.
 *     FAILED_LPOS 1,1, means the text was lost).
 *   - text_len may be less than the block (alignment), never more.
 * The flags and level sit in the byte after printk_info.facility, which
 * follows text_len: not exported, so used only when the exported offsets
 * show that layout (caller_id right after text_len's 4 bytes).
 */
#include "vmcore.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/bytes.h"
#include "../core/units.h"

#define DESC_STATE_SHIFT 62
#define DESC_ID_MASK ((1ull << DESC_STATE_SHIFT) - 1)
enum { DESC_RESERVED = 0, DESC_COMMITTED = 1, DESC_FINALIZED = 2, DESC_REUSABLE = 3 };
#define EMPTY_LINE_LPOS 3ull
#define DATA_BLOCK_ID_SIZE 8u   /* sizeof(unsigned long) */

/* What a ring may say about itself, each the kernel's own bound or a
 * guard well above it; more is a broken core, refused before anything is
 * allocated for it. */
#define COUNT_BITS_MAX 26u      /* 2^31-byte buffer / 32-byte average record (PRB_AVGBITS 5) */
#define SIZE_BITS_MAX 31u       /* LOG_BUF_LEN_MAX, the largest log_buf_len= */
#define STRUCT_SIZE_MAX 4096u   /* the structures are tens of bytes (printk_info: 88) */
#define ARRAY_BYTES_MAX (2 * GiB)  /* one copied array: the descriptors, or the infos */

struct prb_layout {
	uint64_t rb_size, rb_desc_ring, rb_text_ring;
	uint64_t dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
	uint64_t desc_size, desc_state_var, desc_text_lpos;
	uint64_t lpos_begin, lpos_next;
	uint64_t info_size, info_seq, info_ts_nsec, info_text_len, info_caller_id;
	uint64_t data_size_bits, data_data;
	uint64_t counter;
};

static const struct {
	const char *kind, *name;
	size_t field;
} layout_keys[] = {
#define L(kind, name, field) { kind, name, offsetof(struct prb_layout, field) }
	L("SIZE", "printk_ringbuffer", rb_size),
	L("OFFSET", "printk_ringbuffer.desc_ring", rb_desc_ring),
	L("OFFSET", "printk_ringbuffer.text_data_ring", rb_text_ring),
	L("OFFSET", "prb_desc_ring.count_bits", dr_count_bits),
	L("OFFSET", "prb_desc_ring.descs", dr_descs),
	L("OFFSET", "prb_desc_ring.infos", dr_infos),
	L("OFFSET", "prb_desc_ring.head_id", dr_head_id),
	L("OFFSET", "prb_desc_ring.tail_id", dr_tail_id),
	L("SIZE", "prb_desc", desc_size),
	L("OFFSET", "prb_desc.state_var", desc_state_var),
	L("OFFSET", "prb_desc.text_blk_lpos", desc_text_lpos),
	L("OFFSET", "prb_data_blk_lpos.begin", lpos_begin),
	L("OFFSET", "prb_data_blk_lpos.next", lpos_next),
	L("SIZE", "printk_info", info_size),
	L("OFFSET", "printk_info.seq", info_seq),
	L("OFFSET", "printk_info.ts_nsec", info_ts_nsec),
	L("OFFSET", "printk_info.text_len", info_text_len),
	L("OFFSET", "printk_info.caller_id", info_caller_id),
	L("OFFSET", "prb_data_ring.size_bits", data_size_bits),
	L("OFFSET", "prb_data_ring.data", data_data),
#undef L
};

static int read_layout(const struct kx_vmcore *vc, struct prb_layout *l, struct kx_error *err)
{
	for (size_t i = 0; i < sizeof(layout_keys) / sizeof(layout_keys[0]); i++) {
		uint64_t *field = (uint64_t *)((char *)l + layout_keys[i].field);
		if (kx_vmcoreinfo_get(vc, layout_keys[i].kind, layout_keys[i].name, field, err) < 0)
			return -1;
	}
	/* atomic_long_t is a struct { long counter; }: offset 0 everywhere. */
	if (!kx_vmcoreinfo_has(vc, "OFFSET", "atomic_long_t.counter"))
		l->counter = 0;
	else if (kx_vmcoreinfo_get(vc, "OFFSET", "atomic_long_t.counter", &l->counter, err) < 0)
		return -1;

	if (l->rb_size == 0 || l->rb_size > STRUCT_SIZE_MAX || l->desc_size == 0 ||
	    l->desc_size > STRUCT_SIZE_MAX || l->info_size == 0 || l->info_size > STRUCT_SIZE_MAX)
		return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO SIZE(printk_ringbuffer)=%" PRIu64
			       ", SIZE(prb_desc)=%" PRIu64 ", SIZE(printk_info)=%" PRIu64
			       ": each must be 1 to %u", vc->name, l->rb_size, l->desc_size,
			       l->info_size, STRUCT_SIZE_MAX);
	/* Every field of an array element inside its element, checked once
	 * here rather than for every record. */
	const struct {
		uint64_t off, width, size;
		const char *field, *type;
	} fields[] = {
		{ l->desc_state_var + l->counter, 8, l->desc_size, "prb_desc.state_var", "prb_desc" },
		{ l->desc_text_lpos + l->lpos_begin, 8, l->desc_size, "prb_desc.text_blk_lpos.begin", "prb_desc" },
		{ l->desc_text_lpos + l->lpos_next, 8, l->desc_size, "prb_desc.text_blk_lpos.next", "prb_desc" },
		{ l->info_seq, 8, l->info_size, "printk_info.seq", "printk_info" },
		{ l->info_ts_nsec, 8, l->info_size, "printk_info.ts_nsec", "printk_info" },
		{ l->info_text_len, 2, l->info_size, "printk_info.text_len", "printk_info" },
		{ l->info_caller_id, 4, l->info_size, "printk_info.caller_id", "printk_info" },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!kx_span_ok((size_t)fields[i].size, fields[i].off, fields[i].width))
			return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO puts %s at offset %" PRIu64
				       ", beyond SIZE(%s)=%" PRIu64, vc->name, fields[i].field,
				       fields[i].off, fields[i].type, fields[i].size);
	return 0;
}

/* A field of a structure copied out of the core; names the rule it breaks. */
static int field64(const struct kx_vmcore *vc, struct kx_bytes s, uint64_t off, uint64_t *ret,
		   const char *field, const char *type, struct kx_error *err)
{
	if (!kx_le64(s, off, ret))
		return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO puts %s at offset %" PRIu64
			       ", beyond SIZE(%s)=%zu", vc->name, field, off, type, s.size);
	return 0;
}

static int field32(const struct kx_vmcore *vc, struct kx_bytes s, uint64_t off, uint32_t *ret,
		   const char *field, const char *type, struct kx_error *err)
{
	if (!kx_le32(s, off, ret))
		return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO puts %s at offset %" PRIu64
			       ", beyond SIZE(%s)=%zu", vc->name, field, off, type, s.size);
	return 0;
}

struct ring {
	uint32_t count_bits, size_bits;
	uint64_t descs, infos, data, head_id, tail_id;
};

static int read_ring(const struct kx_vmcore *vc, const struct prb_layout *l, uint64_t rb_addr,
		     struct ring *r, struct kx_error *err)
{
	uint8_t rb_buf[STRUCT_SIZE_MAX];
	struct kx_bytes rb = { rb_buf, (size_t)l->rb_size };
	uint64_t dr = l->rb_desc_ring, tr = l->rb_text_ring;

	if (kx_vmcore_read_vaddr(vc, rb_addr, rb_buf, rb.size, "struct printk_ringbuffer", err) < 0)
		return -1;
	if (field32(vc, rb, dr + l->dr_count_bits, &r->count_bits, "desc_ring.count_bits",
		    "printk_ringbuffer", err) < 0 ||
	    field64(vc, rb, dr + l->dr_descs, &r->descs, "desc_ring.descs", "printk_ringbuffer", err) < 0 ||
	    field64(vc, rb, dr + l->dr_infos, &r->infos, "desc_ring.infos", "printk_ringbuffer", err) < 0 ||
	    field64(vc, rb, dr + l->dr_head_id + l->counter, &r->head_id, "desc_ring.head_id",
		    "printk_ringbuffer", err) < 0 ||
	    field64(vc, rb, dr + l->dr_tail_id + l->counter, &r->tail_id, "desc_ring.tail_id",
		    "printk_ringbuffer", err) < 0 ||
	    field32(vc, rb, tr + l->data_size_bits, &r->size_bits, "text_data_ring.size_bits",
		    "printk_ringbuffer", err) < 0 ||
	    field64(vc, rb, tr + l->data_data, &r->data, "text_data_ring.data", "printk_ringbuffer",
		    err) < 0)
		return -1;
	r->head_id &= DESC_ID_MASK;
	r->tail_id &= DESC_ID_MASK;
	if (r->count_bits > COUNT_BITS_MAX)
		return kx_fail(err, KX_E_INPUT, "%s: printk ring buffer at 0x%" PRIx64 ": desc_ring."
			       "count_bits %u: more than 2^%u descriptors (a 2 GiB log_buf_len, the "
			       "kernel's largest, has 2^%u)", vc->name, rb_addr, r->count_bits, COUNT_BITS_MAX,
			       COUNT_BITS_MAX);
	if (r->size_bits < 4 || r->size_bits > SIZE_BITS_MAX)
		return kx_fail(err, KX_E_INPUT, "%s: printk ring buffer at 0x%" PRIx64 ": text_data_ring."
			       "size_bits %u: the text ring must be 2^4 to 2^%u bytes", vc->name, rb_addr,
			       r->size_bits, SIZE_BITS_MAX);
	uint64_t count = 1ull << r->count_bits;
	uint64_t span = ((r->head_id - r->tail_id) & DESC_ID_MASK) + 1;
	if (span > count)
		return kx_fail(err, KX_E_INPUT, "%s: printk ring buffer at 0x%" PRIx64 ": desc_ring "
			       "tail_id 0x%" PRIx64 " to head_id 0x%" PRIx64 " is %" PRIu64
			       " descriptors, but the ring has %" PRIu64, vc->name, rb_addr,
			       r->tail_id, r->head_id, span, count);
	return 0;
}

/* Where a record's text is in the data ring copy; false when the block is
 * data-less (lost) or inconsistent (*ret_bad). */
static bool block_text(uint64_t begin, uint64_t next, uint32_t size_bits, uint64_t *ret_off,
		       uint64_t *ret_size, bool *ret_bad)
{
	uint64_t size = 1ull << size_bits, off, blk;

	*ret_bad = false;
	if ((begin & 1) && (next & 1)) {
		if (begin == EMPTY_LINE_LPOS && next == EMPTY_LINE_LPOS) {
			*ret_off = 0;
			*ret_size = 0;
			return true;
		}
		return false;   /* the kernel could not store the text */
	}
	if ((begin >> size_bits) == (next >> size_bits) && begin < next) {
		off = begin & (size - 1);
		blk = next - begin;
	} else if (((begin + size) >> size_bits) == (next >> size_bits)) {
		off = 0;
		blk = next & (size - 1);
	} else {
		*ret_bad = true;
		return false;
	}
	if ((begin | next) % DATA_BLOCK_ID_SIZE || blk < DATA_BLOCK_ID_SIZE || !kx_span_ok(size, off, blk)) {
		*ret_bad = true;
		return false;
	}
	*ret_off = off + DATA_BLOCK_ID_SIZE;
	*ret_size = blk - DATA_BLOCK_ID_SIZE;
	return true;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct kx_printk_record *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static uint8_t *alloc_read(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t size,
			   const char *what, struct kx_error *err)
{
	uint8_t *p = malloc(size ? (size_t)size : 1);
	if (!p) {
		kx_fail(err, KX_E_NOMEM, "out of memory (%s: 0x%" PRIx64 " bytes)", what, size);
		return NULL;
	}
	if (kx_vmcore_read_vaddr(vc, vaddr, p, (size_t)size, what, err) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

/*
 * Where the ring buffer is: SYMBOL(prb) holds a pointer to it, and whether
 * it is printk_rb_static or the dynamic one setup_log_buf() made; also the
 * layout VMCOREINFO gives. A core of Linux before 5.10 (SYMBOL(log_buf),
 * no SYMBOL(prb)) is told apart from one that does not say where its log is.
 */
static int find_ring(const struct kx_vmcore *vc, struct prb_layout *l, struct kx_printk_log *log,
		     struct kx_error *err)
{
	uint64_t prb_sym, static_sym;
	uint8_t ptr[8];

	if (!kx_vmcoreinfo_has(vc, "SYMBOL", "prb")) {
		if (kx_vmcoreinfo_has(vc, "SYMBOL", "log_buf"))
			return kx_fail(err, KX_E_FORMAT, "%s: the kernel keeps its log in the structured "
				       "printk buffer of Linux 3.5 to 5.9 (VMCOREINFO has SYMBOL(log_buf), "
				       "no SYMBOL(prb)); only the lockless ring buffer of Linux 5.10 and "
				       "later is read", vc->name);
		return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO has no SYMBOL(prb) (nor SYMBOL(log_buf)): "
			       "it does not say where the kernel log is", vc->name);
	}
	if (kx_vmcoreinfo_get(vc, "SYMBOL", "prb", &prb_sym, err) < 0 || read_layout(vc, l, err) < 0)
		return -1;
	if (kx_vmcore_read_vaddr(vc, prb_sym, ptr, sizeof(ptr), "prb (the ring buffer pointer)", err) < 0)
		return -1;
	kx_le64((struct kx_bytes){ ptr, 8 }, 0, &log->rb_addr);
	if (log->rb_addr == 0)
		return kx_fail(err, KX_E_INPUT, "%s: prb at 0x%" PRIx64 " is NULL", vc->name, prb_sym);
	struct kx_error scratch;
	log->dynamic = !(kx_vmcoreinfo_has(vc, "SYMBOL", "printk_rb_static") &&
			 kx_vmcoreinfo_get(vc, "SYMBOL", "printk_rb_static", &static_sym, &scratch) == 0 &&
			 static_sym == log->rb_addr);
	return 0;
}

/* The ring's arrays copied out of the core; freed by the caller. */
struct ring_copy {
	uint8_t *descs, *infos;
	uint8_t *descs2;        /* the descriptors again, read after the text */
};

/*
 * Copy the descriptors, the infos and the text (into log->storage, where
 * the records' text will point), then the descriptors again: the order of
 * the kernel's own reader, so that a record whose descriptor changed while
 * its text was read (a live /proc/kcore) can be dropped.
 */
static int read_copies(const struct kx_vmcore *vc, const struct prb_layout *l, const struct ring *r,
		       struct kx_printk_log *log, struct ring_copy *c, struct kx_error *err)
{
	uint64_t count = 1ull << r->count_bits, data_size = 1ull << r->size_bits;
	uint64_t descs_size = count * l->desc_size, infos_size = count * l->info_size;

	if (descs_size > ARRAY_BYTES_MAX || infos_size > ARRAY_BYTES_MAX)
		return kx_fail(err, KX_E_INPUT, "%s: printk ring buffer at 0x%" PRIx64 ": 2^%u "
			       "descriptors of %" PRIu64 " + %" PRIu64 " bytes: more than %llu bytes in one "
			       "array, the most vmcore-dmesg copies", vc->name, log->rb_addr, r->count_bits,
			       l->desc_size, l->info_size, ARRAY_BYTES_MAX);
	/* The sizes come from the core: it must hold those bytes before any
	 * are allocated (a 2^31-byte text ring in a 1 MiB file is refused
	 * here, not after a 2 GiB malloc). */
	if (kx_vmcore_check_vaddr(vc, r->descs, descs_size, "desc_ring.descs (prb_desc array)", err) < 0 ||
	    kx_vmcore_check_vaddr(vc, r->infos, infos_size, "desc_ring.infos (printk_info array)", err) < 0 ||
	    kx_vmcore_check_vaddr(vc, r->data, data_size, "text_data_ring.data", err) < 0)
		return -1;
	c->descs = alloc_read(vc, r->descs, descs_size, "desc_ring.descs (prb_desc array)", err);
	if (!c->descs)
		return -1;
	c->infos = alloc_read(vc, r->infos, infos_size, "desc_ring.infos (printk_info array)", err);
	if (!c->infos)
		return -1;
	log->storage = alloc_read(vc, r->data, data_size, "text_data_ring.data", err);
	if (!log->storage)
		return -1;
	log->storage_size = (size_t)data_size;
	c->descs2 = alloc_read(vc, r->descs, descs_size, "desc_ring.descs (prb_desc array)", err);
	if (!c->descs2)
		return -1;
	return 0;
}

/* One descriptor's fields and its printk_info's, as copied. */
struct raw_record {
	uint64_t state_var, begin, next;
	uint16_t text_len;
};

/* Read the fields of the descriptor and info at index `idx` of the copies
 * (`rec` gets seq, ts_nsec and caller_id). A field beyond the structure
 * VMCOREINFO sizes is an error for the whole log, not one record. */
static int read_fields(const struct kx_vmcore *vc, const struct prb_layout *l, struct kx_bytes d1,
		       struct kx_bytes in, uint64_t idx, struct raw_record *raw,
		       struct kx_printk_record *rec, struct kx_error *err)
{
	uint64_t d = idx * l->desc_size, i = idx * l->info_size;

	if (field64(vc, d1, d + l->desc_state_var + l->counter, &raw->state_var,
		    "prb_desc.state_var", "prb_desc", err) < 0 ||
	    field64(vc, d1, d + l->desc_text_lpos + l->lpos_begin, &raw->begin,
		    "prb_desc.text_blk_lpos.begin", "prb_desc", err) < 0 ||
	    field64(vc, d1, d + l->desc_text_lpos + l->lpos_next, &raw->next,
		    "prb_desc.text_blk_lpos.next", "prb_desc", err) < 0 ||
	    field64(vc, in, i + l->info_seq, &rec->seq, "printk_info.seq", "printk_info", err) < 0 ||
	    field64(vc, in, i + l->info_ts_nsec, &rec->ts_nsec, "printk_info.ts_nsec",
		    "printk_info", err) < 0 ||
	    field32(vc, in, i + l->info_caller_id, &rec->caller_id, "printk_info.caller_id",
		    "printk_info", err) < 0)
		return -1;
	if (!kx_le16(in, i + l->info_text_len, &raw->text_len))
		return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO puts printk_info.text_len at offset %"
			       PRIu64 ", beyond SIZE(printk_info)=%" PRIu64, vc->name,
			       l->info_text_len, l->info_size);
	return 0;
}

/*
 * Descriptor `id` (at index `idx`), its fields read: appended to the log
 * when the ring's rules make it a record to print, else counted as lost,
 * incomplete or invalid (or skipped, when the kernel dropped it). A live
 * ring changes under the reader, so one bad record is not an error.
 */
static void take_record(const struct prb_layout *l, const struct ring *r, uint64_t id, uint64_t idx,
			const struct raw_record *raw, struct kx_bytes d2, struct kx_bytes in,
			struct kx_printk_record *rec, struct kx_printk_log *log)
{
	uint64_t count = 1ull << r->count_bits, d = idx * l->desc_size, i = idx * l->info_size;
	uint64_t sv2, text_off, text_room;
	uint8_t fl = 0;
	bool bad;

	if ((raw->state_var & DESC_ID_MASK) != id) {
		log->invalid++;   /* a descriptor of another id: being recycled */
		return;
	}
	switch (raw->state_var >> DESC_STATE_SHIFT) {
	case DESC_RESERVED:
		log->incomplete++;
		return;
	case DESC_REUSABLE:
		return;           /* dropped by the kernel: not a record any more */
	default:
		break;
	}
	/* seq and id share the array index (to_desc(seq) in the kernel) */
	if ((rec->seq & (count - 1)) != idx) {
		log->invalid++;
		return;
	}
	if (!block_text(raw->begin, raw->next, r->size_bits, &text_off, &text_room, &bad)) {
		if (bad)
			log->invalid++;
		else
			log->lost++;
		return;
	}
	if (raw->text_len > text_room) {
		log->invalid++;
		return;
	}
	/* Still the same descriptor after the data was copied? */
	if (!kx_le64(d2, d + l->desc_state_var + l->counter, &sv2) || sv2 != raw->state_var) {
		log->invalid++;
		return;
	}
	if (log->have_flags && kx_u8(in, i + l->info_text_len + 3, &fl)) {
		kx_u8(in, i + l->info_text_len + 2, &rec->facility);
		rec->flags = fl & 0x1f;
		rec->level = fl >> 5;
	}
	rec->text = (const char *)log->storage + text_off;
	rec->text_len = raw->text_len;
	log->records[log->nr_records++] = *rec;
}

/* In sequence order; of two records with one seq the first is kept (both
 * cannot be right). */
static void sort_records(struct kx_printk_log *log)
{
	qsort(log->records, log->nr_records, sizeof(*log->records), cmp_seq);
	size_t kept = 0;
	for (size_t k = 0; k < log->nr_records; k++) {
		if (kept && log->records[kept - 1].seq == log->records[k].seq) {
			log->invalid++;
			continue;
		}
		log->records[kept++] = log->records[k];
	}
	log->nr_records = kept;
}

/* Every descriptor from tail_id to head_id, out of the copies. */
static int read_records(const struct kx_vmcore *vc, const struct prb_layout *l,
			const struct ring *r, const struct ring_copy *c, struct kx_printk_log *log,
			struct kx_error *err)
{
	uint64_t count = 1ull << r->count_bits;
	uint64_t span = ((r->head_id - r->tail_id) & DESC_ID_MASK) + 1;

	log->records = calloc((size_t)span, sizeof(*log->records));
	if (!log->records)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	log->have_flags = l->info_caller_id == l->info_text_len + 4;

	struct kx_bytes d1 = { c->descs, (size_t)(count * l->desc_size) };
	struct kx_bytes d2 = { c->descs2, d1.size };
	struct kx_bytes in = { c->infos, (size_t)(count * l->info_size) };
	for (uint64_t n = 0; n < span; n++) {
		uint64_t id = (r->tail_id + n) & DESC_ID_MASK, idx = id & (count - 1);
		struct kx_printk_record rec = { 0 };
		struct raw_record raw;

		if (read_fields(vc, l, d1, in, idx, &raw, &rec, err) < 0)
			return -1;
		take_record(l, r, id, idx, &raw, d2, in, &rec, log);
	}
	sort_records(log);
	return 0;
}

int kx_printk_read(const struct kx_vmcore *vc, struct kx_printk_log *ret, struct kx_error *err)
{
	struct kx_printk_log log = { 0 };
	struct prb_layout l = { 0 };
	struct ring r;
	struct ring_copy c = { 0 };
	int rc = -1;

	memset(ret, 0, sizeof(*ret));
	if (find_ring(vc, &l, &log, err) < 0 || read_ring(vc, &l, log.rb_addr, &r, err) < 0)
		return -1;
	log.count_bits = r.count_bits;
	log.size_bits = r.size_bits;
	if (read_copies(vc, &l, &r, &log, &c, err) == 0 &&
	    read_records(vc, &l, &r, &c, &log, err) == 0) {
		*ret = log;
		memset(&log, 0, sizeof(log));
		rc = 0;
	}
	free(c.descs);
	free(c.descs2);
	free(c.infos);
	kx_printk_log_free(&log);
	return rc;
}

void kx_printk_log_free(struct kx_printk_log *log)
{
	free(log->records);
	free(log->storage);
	memset(log, 0, sizeof(*log));
}
