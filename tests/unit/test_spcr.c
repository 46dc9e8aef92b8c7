// SPDX-License-Identifier: GPL-2.0-or-later
/* The SPCR parser: a good table, each rule broken once, and facts reading it. */
#include "harness.h"
#include "core/bytes.h"
#include "system/facts.h"
#include "system/spcr.h"

static void good_table(uint8_t t[80])
{
	memset(t, 0, 80);
	memcpy(t, "SPCR", 4);
	kx_put_le32(t + 4, 80);
	t[8] = 2;
	t[36] = KX_SPCR_ARM_PL011;
	t[41] = 32;
	t[43] = 3;
	kx_put_le64(t + 44, 0x9000000);
}

static void fix_checksum(uint8_t *t, size_t n)
{
	uint8_t sum = 0;
	t[9] = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
}

KX_TEST(good_table_parses)
{
	uint8_t t[80];
	struct kx_spcr s;
	struct kx_error err = { 0 };
	good_table(t);
	fix_checksum(t, sizeof(t));
	CHECK(kx_spcr_parse((struct kx_bytes){ t, sizeof(t) }, "SPCR", &s, &err) == 0);
	CHECK(s.present);
	CHECK_EQ_U64(s.interface_type, KX_SPCR_ARM_PL011);
	CHECK_EQ_U64(s.address, 0x9000000);
	CHECK(kx_spcr_is_pl011(&s));
	s.interface_type = KX_SPCR_16550;
	CHECK(!kx_spcr_is_pl011(&s));
	s.interface_type = KX_SPCR_ARM_SBSA;
	CHECK(kx_spcr_is_pl011(&s));
	s.present = false;
	CHECK(!kx_spcr_is_pl011(&s));
}

struct broken {
	const char *name;
	size_t offset;   /* byte to change, SIZE_MAX: none */
	uint8_t value;
	size_t size;     /* bytes passed */
	bool keep_checksum_wrong;
	const char *error;
};

static const struct broken broken[] = {
	{ "short", SIZE_MAX, 0, 79, false, "SPCR: 79 bytes; an SPCR table has at least 80" },
	{ "signature", 3, 'X', 80, false, "SPCR: signature (at 0) is not \"SPCR\"" },
	{ "length past the bytes", 4, 81, 80, false, "SPCR: length 81 (at 4) is outside 80..80, the bytes there are" },
	{ "length too small", 4, 79, 80, false, "SPCR: length 79 (at 4) is outside 80..80" },
	{ "checksum", 9, 0x55, 80, true, "SPCR: checksum (at 9) is wrong: the 80 bytes sum to" },
	{ "I/O space", 40, 1, 80, false, "SPCR: base address space 1 (at 40) is not system memory (0)" },
	{ "address 0", 47, 0, 80, false, "SPCR: base address (at 44) is 0: the console is disabled" },
};

KX_TEST(broken_tables_name_the_rule)
{
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		const struct broken *b = &broken[i];
		uint8_t t[96];
		struct kx_spcr s;
		struct kx_error err = { 0 };
		printf("#   case: %s\n", b->name);
		good_table(t);
		if (b->offset != SIZE_MAX)
			t[b->offset] = b->value;
		if (!b->keep_checksum_wrong)
			fix_checksum(t, 80);
		else
			t[9] = (uint8_t)(t[9] + 1); /* a table that summed to 0 would not */
		s.present = true;
		CHECK(kx_spcr_parse((struct kx_bytes){ t, b->size }, "SPCR", &s, &err) < 0);
		CHECK(!s.present);
		CHECK_EQ_U64(err.status, KX_E_INPUT);
		CHECK_CONTAINS(err.message, b->error);
	}
}

KX_TEST(facts_read_it)
{
	static struct kx_facts f;
	struct kx_error err = { 0 };
	char root[1024];
	snprintf(root, sizeof(root), "%s/tests/fixtures/spcr-box", kx_test_env("KX_SRCDIR", "."));
	CHECK(kx_facts_read_fixture(&f, root, &err) == 0);
	CHECK(f.spcr.present);
	CHECK_EQ_U64(f.spcr.interface_type, KX_SPCR_ARM_PL011);
	CHECK_EQ_U64(f.spcr.address, 0x9000000);
	/* a root without the table (an x86 fixture, a DT boot): nothing */
	snprintf(root, sizeof(root), "%s/tests/fixtures/bios-box", kx_test_env("KX_SRCDIR", "."));
	CHECK(kx_facts_read_fixture(&f, root, &err) == 0);
	CHECK(!f.spcr.present);
}

KX_TEST_MAIN(KX_CASE(good_table_parses), KX_CASE(broken_tables_name_the_rule),
	     KX_CASE(facts_read_it))
