# SPDX-License-Identifier: GPL-2.0-or-later
#
# One entry of a GRUB configuration (grub.cfg), for kexec-ng's
# kexec-load-kernel:
#   awk -v want=ENTRY -f grub-entry.awk /boot/grub/grub.cfg
# ENTRY is what GRUB's `default` holds: a path of menu items separated by
# `>` (submenu, then entry), each a number (counting the items of its menu
# from 0), a title or an id ($menuentry_id_option). Prints the entry's
#   kernel<TAB>PATH
#   append<TAB>COMMAND LINE
#   initrd<TAB>PATH          (one line per initrd, in order)
# and exits 1 when there is no such entry. Words with a GRUB variable
# ($vt_handoff) are left out of the command line: only GRUB can expand them.

function quoted(s)
{
	if (match(s, /'[^']*'/) || match(s, /"[^"]*"/))
		return substr(s, RSTART + 1, RLENGTH - 2)
	return ""
}

function item_id(s)
{
	if (match(s, /\$menuentry_id_option[ \t]+('[^']*'|"[^"]*")/))
		return quoted(substr(s, RSTART, RLENGTH))
	return ""
}

# Whether the item numbered `number` at `level`, titled `title` with id
# `id`, is the one the path asks for at that level.
function wanted(level, number, title, id)
{
	if (level > depth)
		return 0
	if (path[level] ~ /^[0-9]+$/)
		return path[level] + 0 == number
	return path[level] == title || path[level] == id
}

BEGIN {
	depth = split(want, path, ">")
	blocks = 0       # open { } blocks, their kind[]: submenu, entry or other
	menus = 0        # open submenus
	on_path[0] = 1   # whether the open submenus are the ones the path names
	items[1] = 0     # items seen so far in the open menu of each level
	inside = 0       # in the body of the entry asked for
	found = 0
}

/^[ \t]*(menuentry|submenu)[ \t]/ {
	level = menus + 1
	number = items[level]++
	rest = $0
	sub(/^[ \t]*(menuentry|submenu)[ \t]+/, "", rest)
	this = on_path[menus] && wanted(level, number, quoted(rest), item_id(rest))
	blocks++
	if ($1 == "submenu") {
		kind[blocks] = "submenu"
		menus++
		on_path[menus] = this && level < depth
		items[menus + 1] = 0
	} else {
		kind[blocks] = "entry"
		if (this && level == depth && !found) {
			inside = 1
			found = 1
		}
	}
	next
}

/^[ \t]*}[ \t]*$/ {
	if (blocks > 0) {
		if (kind[blocks] == "submenu")
			menus--
		else if (kind[blocks] == "entry")
			inside = 0
		blocks--
	}
	next
}

/\{[ \t]*$/ {
	blocks++
	kind[blocks] = "other"
	next
}

inside && /^[ \t]*linux(16|efi)?[ \t]/ {
	line = $0
	sub(/^[ \t]*linux(16|efi)?[ \t]+/, "", line)
	kernel = line
	sub(/[ \t].*/, "", kernel)
	args = ""
	n = split(substr(line, length(kernel) + 1), word, /[ \t]+/)
	for (i = 1; i <= n; i++)
		if (word[i] != "" && word[i] !~ /\$/)
			args = args (args == "" ? "" : " ") word[i]
	printf "kernel\t%s\nappend\t%s\n", kernel, args
	next
}

inside && /^[ \t]*initrd(16|efi)?[ \t]/ {
	for (i = 2; i <= NF; i++)
		printf "initrd\t%s\n", $i
	next
}

END {
	exit !found
}
