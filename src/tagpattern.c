/* tagpattern — guessing the release-tag pattern from tag names. Projects
 * tag releases in a few habits: a name prefix (jq-1.8.1, curl-8_1_0), a v
 * (v1.9.0) or a bare version (2.4.1), often with release candidates beside
 * them (jq-1.7rc1, v1.0.0-rc1). The family with the most tags is the
 * release habit; its release candidates are excluded, as the default
 * pattern "v*,!*rc*" excludes them (docs/deployments.md). */
#include "tagpattern.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gitscan.h"
#include "util.h"

/* Release candidates are what teams tag beside releases today; the default
 * pattern excludes them the same way. (Older words, such as curl's
 * 2001-era "-pre1" tags, are left in: they fall outside any window.) */
static const char *const prerelease_words[] = {"rc"};

struct family {
	char *prefix;
	size_t count;
	bool words[ARRAY_SIZE(prerelease_words)];
};

/* The text before the first digit, when a version follows it. */
static bool version_prefix(const char *name, size_t *len)
{
	size_t i = strcspn(name, "0123456789");
	if (!name[i] || i > 40)
		return false;
	/* a prefix is a word and a separator (jq-, curl_, v), not a sentence */
	for (size_t k = 0; k < i; k++)
		if (isspace((unsigned char)name[k]) || name[k] == '/')
			return false;
	*len = i;
	return true;
}

static struct family *family_of(struct family **fs, size_t *n, size_t *cap, const char *prefix, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*fs)[i].prefix) == len && strncmp((*fs)[i].prefix, prefix, len) == 0)
			return &(*fs)[i];
	struct family f = {.prefix = xstrndup(prefix, len)};
	VEC_PUSH(*fs, *n, *cap, f);
	return &(*fs)[*n - 1];
}

/* More tags wins; on a tie the conventional "v", then the shorter prefix. */
static bool better(const struct family *a, const struct family *b)
{
	if (a->count != b->count)
		return a->count > b->count;
	if (streq(a->prefix, "v") != streq(b->prefix, "v"))
		return streq(a->prefix, "v");
	return strlen(a->prefix) < strlen(b->prefix);
}

static char *pattern_of(const struct family *f)
{
	struct strbuf sb = STRBUF_INIT;
	/* A prefix is matched literally: glob characters in it are escaped. */
	for (const char *p = f->prefix; *p; p++) {
		if (strchr("*?[]\\", *p))
			sb_addc(&sb, '\\');
		sb_addc(&sb, *p);
	}
	sb_add(&sb, f->prefix[0] ? "*" : "[0-9]*");
	for (size_t w = 0; w < ARRAY_SIZE(prerelease_words); w++)
		if (f->words[w])
			sb_addf(&sb, ",!*%s*", prerelease_words[w]);
	return sb_detach(&sb);
}

char *tagpattern_guess(const char *const *names, size_t n, size_t *matched)
{
	struct family *fs = NULL;
	size_t nf = 0, cap = 0;
	*matched = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		if (!version_prefix(names[i], &len))
			continue;
		struct family *f = family_of(&fs, &nf, &cap, names[i], len);
		f->count++;
		const char *rest = names[i] + len;
		for (size_t w = 0; w < ARRAY_SIZE(prerelease_words); w++)
			if (strstr(rest, prerelease_words[w]))
				f->words[w] = true;
	}
	const struct family *best = NULL;
	for (size_t i = 0; i < nf; i++)
		if (!best || better(&fs[i], best))
			best = &fs[i];
	char *pattern = best ? pattern_of(best) : NULL;
	for (size_t i = 0; pattern && i < n; i++)
		*matched += gitscan_tag_matches(pattern, names[i]);
	for (size_t i = 0; i < nf; i++)
		free(fs[i].prefix);
	free(fs);
	return pattern;
}
