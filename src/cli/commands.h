/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_COMMANDS_H
#define KX_COMMANDS_H

#include <stdio.h>

#include "../core/error.h"
#include "options.h"

/* Each command returns 0 or -1 with `err` filled; messages for the user
 * that are not errors (notes, fallbacks) go to `log`. */
int kx_cmd_load(const struct kx_options *o, FILE *log, struct kx_error *err);
/* From its first system call kx_cmd_load holds SIGHUP, SIGINT, SIGQUIT,
 * SIGTERM and SIGPIPE, so that a load is never cut between two calls to
 * the kernel; the caller releases them once it has reported the outcome
 * (one that came meanwhile then ends the process), and before it executes
 * or hands over to shutdown(8). Does nothing when nothing is held. */
void kx_cmd_release_signals(void);
int kx_cmd_unload(const struct kx_options *o, FILE *log, struct kx_error *err);
/* -e. After a kexec jump (--load-preserve-context) the kernel comes back:
 * 0, with a line on `log`. */
int kx_cmd_exec(const struct kx_options *o, FILE *log, struct kx_error *err);
/* --load-jump-back-helper: the image (no segments, KEXEC_PRESERVE_CONTEXT)
 * whose entry is the return address into the kernel that jumped here. */
int kx_cmd_jump_back_helper(const struct kx_options *o, FILE *log, struct kx_error *err);
int kx_cmd_print_ckr_size(const struct kx_options *o, FILE *out, struct kx_error *err);
/* Returns 1 when loaded, 0 when not (the exit status of -S). */
int kx_cmd_status(const struct kx_options *o);
int kx_cmd_shutdown_reboot(struct kx_error *err);

#endif
