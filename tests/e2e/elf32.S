/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A 32-bit x86 ELF for the e2e elf-x86 cases (tests/e2e/cases.sh): entered
 * by the purgatory in 32-bit protected mode, it says on COM1 what it was
 * handed, one line, then halts:
 *   "E2E-ELF32: notes cmdline=..."        ELF boot notes at [ESP+4] (--args-elf)
 *   "E2E-ELF32: boot_params cmdline=..."  boot_params in ESI (--args-linux)
 *   "E2E-ELF32: no arguments"             neither (--args-none)
 *   "E2E-ELF32: bad notes"                [ESP+4] set but no valid notes there
 * Built on the host with gcc -m32 -nostdlib (no libc, no multilib needed).
 */
#define COM1 0x3f8

	.code32
	.text
	.globl	_start
_start:
	cli
	movl	4(%esp), %ebx		/* ELF boot notes, or 0 */
	movl	%esi, %ebp		/* boot_params, or 0 */
	movl	$msg_head, %esi
	call	puts
	testl	%ebx, %ebx
	jz	with_boot_params
	cmpl	$0x0E1FB007, (%ebx)	/* b_signature */
	jne	bad
	movl	$msg_notes, %esi
	call	puts
	movzwl	10(%ebx), %ecx		/* b_records */
	leal	12(%ebx), %edi		/* the first note */
next:
	jecxz	bad
	cmpl	$4, 8(%edi)		/* n_type EBN_COMMAND_LINE */
	je	found
	movl	(%edi), %edx		/* n_namesz, rounded to 4 */
	addl	$3, %edx
	andl	$~3, %edx
	movl	4(%edi), %eax		/* n_descsz, rounded to 4 */
	addl	$3, %eax
	andl	$~3, %eax
	leal	12(%edi,%edx), %edi
	addl	%eax, %edi
	decl	%ecx
	jmp	next
found:
	movl	(%edi), %edx
	addl	$3, %edx
	andl	$~3, %edx
	leal	12(%edi,%edx), %esi	/* the descriptor: the command line */
	call	puts
	jmp	done
/* (not "linux:": the preprocessor defines linux as 1) */
with_boot_params:
	testl	%ebp, %ebp
	jz	none
	movl	$msg_bp, %esi
	call	puts
	movl	0x228(%ebp), %esi	/* boot_params.hdr.cmd_line_ptr */
	call	puts
	jmp	done
none:
	movl	$msg_none, %esi
	call	puts
	jmp	done
bad:
	movl	$msg_bad, %esi
	call	puts
done:
	movl	$msg_end, %esi
	call	puts
1:	hlt
	jmp	1b

/* putc: AL to COM1 once its transmitter is empty (bounded wait). */
putc:
	pushl	%ecx
	movb	%al, %ah
	movl	$1000000, %ecx
	movw	$COM1 + 5, %dx
2:	inb	%dx, %al
	testb	$0x20, %al
	jnz	3f
	loop	2b
3:	movw	$COM1, %dx
	movb	%ah, %al
	outb	%al, %dx
	popl	%ecx
	ret

/* puts: the NUL-terminated string at ESI. */
puts:
	lodsb
	testb	%al, %al
	jz	4f
	call	putc
	jmp	puts
4:	ret

msg_head:	.asciz	"\r\nE2E-ELF32: "
msg_notes:	.asciz	"notes cmdline="
msg_bp:		.asciz	"boot_params cmdline="
msg_none:	.asciz	"no arguments"
msg_bad:	.asciz	"bad notes"
msg_end:	.asciz	"\r\n"

	.section .note.GNU-stack, "", @progbits
