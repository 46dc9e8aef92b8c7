/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wrappers: what a kernel file may be packed in before a loader sees it —
 * a compression codec, an EFI zboot image, a Unified Kernel Image. Each is
 * one file exposing a `struct kx_wrapper_ops` listed in kx_wrappers[]
 * (table.c); kx_unwrap() peels layer after layer, asking the table at each,
 * until no wrapper recognises what is left, which the image formats then
 * probe. Like formats, "not this wrapper" (KX_PROBE_NO) and "this wrapper,
 * but broken" (KX_PROBE_BROKEN, the field and rule named) differ.
 *
 * A layer yields the file inside (a view into the outer file, or a sealed
 * memfd when it had to be decompressed: never a temporary file) and, where
 * the wrapper carries them, the parts a boot needs besides the kernel: an
 * initrd, a command line, a device tree. Which of them are used is the load
 * pipeline's decision (src/load), not the wrapper's.
 */
#ifndef KX_WRAPPER_H
#define KX_WRAPPER_H

#include <stdbool.h>
#include <stdint.h>

#include "../compress/compress.h"
#include "../core/file.h"
#include "../core/units.h"
#include "../formats/format.h"

struct kx_arch_ops;

/* Parts a wrapper may carry besides the kernel itself. */
enum kx_part {
	KX_PART_KERNEL,    /* the kernel, when it is a section of the wrapper (UKI .linux) */
	KX_PART_INITRD,
	KX_PART_CMDLINE,
	KX_PART_DTB,
	KX_PART_UCODE,     /* CPU microcode, put before the initrd it goes with */
	KX_PART_COUNT,
};

struct kx_wrapped_part {
	const char *name;            /* as the wrapper calls it (".initrd"); NULL: not carried */
	uint64_t offset;             /* where it starts in the outer file */
	struct kx_bytes bytes;       /* a view into the outer file */
};

struct kx_layer {
	const struct kx_wrapper_ops *wrapper;
	char label[48];              /* this layer in the chain: "gzip", "EFI zboot zstd", "UKI" */
	char detail[80];             /* what the outer file is, when it carries parts:
				      * "PE/COFF, Machine 0x8664" */
	struct kx_file inner;        /* the file inside: a view (fd -1) or a sealed memfd */
	struct kx_wrapped_part parts[KX_PART_COUNT];
};

/* What the caller asks of the peeling. */
struct kx_unwrap_options {
	const struct kx_wrapper_ops *forced; /* -t: the outermost layer must be this one (NULL: any) */
	uint64_t cap;                        /* largest decompressed inner file */
	unsigned int uki_profile;            /* --uki-profile: which profile of a UKI boots (0) */
};

struct kx_wrapper_ops {
	const char *name;            /* in the chain and messages: "UKI", "EFI zboot", "gzip" */
	const char *type;            /* its -t name: "uki", "zboot", "gzip" */
	bool outermost_only;         /* only as the file itself, never inside another wrapper */
	bool decompresses;           /* its inner file is decompressed: counts towards
				      * KX_DECOMPRESS_LAYERS_MAX, the cap against nested bombs */
	int variant;                 /* the entry's own parameter: a codec's kx_compression */
	/* Is `file` (named `name`) this wrapper, for a kernel of `arch`, as
	 * `opts` asks for it (a UKI: the profile that is to boot)? */
	enum kx_probe (*probe)(const struct kx_wrapper_ops *self, struct kx_bytes file, const char *name,
			       const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts,
			       struct kx_error *err);
	/* Called only after probe said YES: fill *ret (label, inner file, parts).
	 * A decompressed inner file is at most opts->cap bytes. */
	int (*peel)(const struct kx_wrapper_ops *self, const struct kx_file *outer,
		    const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts, struct kx_layer *ret,
		    struct kx_error *err);
	/* What kexec_file_load does not check when it gets only the inside (a
	 * format taking the user's file name), or NULL. */
	const char *file_syscall_note;
};

/* NULL-terminated, in probe order (table.c). */
extern const struct kx_wrapper_ops *const kx_wrappers[];

/* Largest kernel we accept after decompression: a cap against bombs. */
#define KX_KERNEL_DECOMPRESSED_MAX (512 * MiB)
/* Decompressing layers one inside another (gzip inside zboot inside ...). */
#define KX_DECOMPRESS_LAYERS_MAX 3
/* Layers of any kind: a UKI around the decompressing ones. */
#define KX_WRAP_LAYERS_MAX (KX_DECOMPRESS_LAYERS_MAX + 1)

struct kx_unwrapped {
	struct kx_layer layers[KX_WRAP_LAYERS_MAX];  /* outermost first */
	unsigned int nr_layers;
	const struct kx_file *kernel;  /* what is left: the given file or the last layer's inner */
	char chain[128];               /* "UKI > EFI zboot zstd", "" when not wrapped */
};

/*
 * Peel every layer off `file` (which stays mapped while *ret is used: views
 * point into it), as `opts` asks (opts->forced must be the outermost layer).
 * Errors: a broken wrapper (KX_E_INPUT, from its probe or peel), too many
 * layers (KX_E_INPUT), `forced` not recognised (KX_E_FORMAT), and the
 * decompressors' (see compress.h). kx_unwrapped_free() is harmless after a
 * failure.
 */
int kx_unwrap(const struct kx_file *file, const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts,
	      struct kx_unwrapped *ret, struct kx_error *err);
void kx_unwrapped_free(struct kx_unwrapped *u);

/* The layer that carries `part`, innermost first; NULL when none does. */
const struct kx_layer *kx_unwrapped_part(const struct kx_unwrapped *u, enum kx_part part);

/*
 * A command line a wrapper carries, as the kernel gets it: trailing NULs
 * and white space dropped, tabs and line breaks turned into spaces. `what`
 * names it in the error ("uki.efi: UKI .cmdline"): KX_E_INPUT when it does
 * not fit `size`. kx_part_cmdline_len: its length without the trailer.
 */
int kx_part_cmdline(struct kx_bytes text, const char *what, char *out, size_t size, struct kx_error *err);
size_t kx_part_cmdline_len(struct kx_bytes text);

/* The wrappers whose -t name is `type` (case-insensitive): the first, or NULL. */
const struct kx_wrapper_ops *kx_wrapper_by_type(const char *type);

/*
 * Peel only what needs no architecture (compression, EFI zboot) and hand
 * over the innermost file: *ret is a new sealed memfd, or left closed
 * (fd -1, no bytes) when `in` was not wrapped. `chain` gets the layers.
 * For tools and tests that take a kernel apart without loading it.
 */
int kx_unwrap_kernel(const struct kx_file *in, uint64_t cap, struct kx_file *ret,
		     char *chain, size_t chain_size, struct kx_error *err);

/*
 * EFI zboot: 1 and the compressed payload when `file` is a zboot image, 0
 * when it is not, -1 when it is one but broken (the field is named).
 */
int kx_zboot_payload(struct kx_bytes file, const char *name, struct kx_bytes *ret_payload,
		     enum kx_compression *ret_comp, struct kx_error *err);

#endif
