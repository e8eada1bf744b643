/* fuzz_text — libFuzzer target for the terminal-safety functions. Oracles:
 * text_clean's output holds no C0/C1 control (only '\n' with
 * TEXT_KEEP_NEWLINES), no bidi control and only valid UTF-8, and cleaning it
 * again changes nothing; json_add_string always gives one valid JSON string
 * literal with no raw control byte; text_fit gives exactly the width asked. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const char *c, int flags)
{
	const unsigned char *p = (const unsigned char *)c;
	while (*p) {
		uint32_t cp;
		int n = utf8_decode(p, &cp);
		if (cp == 0xFFFD && n == 1)
			abort(); /* invalid UTF-8 survived */
		if ((cp < 0x20 && !(cp == '\n' && flags == TEXT_KEEP_NEWLINES)) || cp == 0x7F ||
		    (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			abort();
		p += n;
	}
	char *again = text_clean(c, flags);
	if (strcmp(again, c) != 0)
		abort();
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	char *one = text_clean(s, TEXT_ONE_LINE), *multi = text_clean(s, TEXT_KEEP_NEWLINES);
	check_clean(one, TEXT_ONE_LINE);
	check_clean(multi, TEXT_KEEP_NEWLINES);
	if (!text_is_clean(one))
		abort();

	int width = size ? 1 + data[0] % 40 : 10;
	struct strbuf fit = STRBUF_INIT;
	text_fit(&fit, one, width, size && (data[0] & 0x80), size && (data[0] & 0x40));
	if (text_width(sb_str(&fit)) != width)
		abort();
	sb_free(&fit);

	struct strbuf js = STRBUF_INIT;
	json_add_string(&js, s);
	for (size_t i = 0; i < js.len; i++)
		if ((unsigned char)js.buf[i] < 0x20 || (unsigned char)js.buf[i] == 0x7F)
			abort();
	cJSON *back = cJSON_Parse(sb_str(&js));
	if (!cJSON_IsString(back))
		abort();
	cJSON_Delete(back);
	sb_free(&js);

	free(one);
	free(multi);
	free(s);
	return 0;
}
