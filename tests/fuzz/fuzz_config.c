/* fuzz_config — libFuzzer target for the config parser (config.json and
 * .shipdeck.json are shared, so untrusted on a team box) and for the JSON
 * option values it hands on: team checklist items and key bindings. The
 * oracle: warnings are whole lines ("source: ...\n") that text_clean would
 * not change (main.c prints them as they are). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checklists.h"
#include "config.h"
#include "datafiles.h"
#include "import.h"
#include "options.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count_pair(void *arg, const char *key, const char *value)
{
	(void)key;
	(void)value;
	(*(size_t *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct options o;
	options_init(&o);
	struct strbuf w = STRBUF_INIT;
	config_apply_text(&o, text, "fuzz.json", 0, &w);
	/* Each warning is a line that is safe to print: main.c prints them as
	 * they are, so no control, bidi control or invalid UTF-8 may be left. */
	if (w.len && (w.buf[w.len - 1] != '\n'))
		abort();
	for (char *line = w.buf, *nl; line && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		if (!text_is_clean(line))
			abort();
		*nl = '\n';
	}
	const char *team = opt_str(&o, OPT_CHECKLISTS);
	if (team) {
		struct checklists cl;
		char why[256];
		memset(&cl, 0, sizeof cl);
		if (checklists_load(&cl, data_file("checklists.json", NULL), why, sizeof why))
			checklists_add_team(&cl, team, why, sizeof why);
		checklists_free(&cl);
	}
	const char *keys = opt_str(&o, OPT_KEYS);
	size_t npairs = 0;
	if (keys)
		config_string_pairs(keys, count_pair, &npairs);
	const char *kwtext = opt_str(&o, OPT_KEYWORDS);
	if (kwtext) {
		char err[256];
		struct keywords *kw = keywords_load(kwtext, err, sizeof err);
		if (kw)
			keywords_classify(kw, "Run unit tests", "CI");
		keywords_free(kw);
	}
	/* The raw text itself as a key-binding object and a keyword table too. */
	config_string_pairs(text, count_pair, &npairs);
	char err[256];
	keywords_free(keywords_load(text, err, sizeof err));
	sb_free(&w);
	options_free(&o);
	free(text);
	return 0;
}
