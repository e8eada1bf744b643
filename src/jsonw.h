/* jsonw — the one JSON writer: every document shipdeck prints (the
 * snapshot and each command's --json) writes its values through here, so
 * strings are escaped and numbers formatted by one rule. */
#ifndef SD_JSONW_H
#define SD_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* Appends one JSON string literal (quotes, escapes; control and bidi
 * characters as \u00XX), or null for NULL. */
void json_add_string(struct strbuf *out, const char *s);
/* Appends an instant as an ISO 8601 UTC string, or null for SD_NO_TIME. */
void json_add_time(struct strbuf *out, int64_t t);
/* Appends a number by the one rule: at most two decimals, no trailing
 * zeros, never an exponent; null for NaN or infinity ("no data"). */
void json_add_num(struct strbuf *out, double v);
/* Appends an integer. */
void json_add_int(struct strbuf *out, long long v);
/* Appends true or false. */
void json_add_bool(struct strbuf *out, bool b);

/* `, "key": value` — members after the first of an object. */
void json_field_str(struct strbuf *out, const char *key, const char *v);
void json_field_time(struct strbuf *out, const char *key, int64_t t);
void json_field_num(struct strbuf *out, const char *key, double v);
void json_field_int(struct strbuf *out, const char *key, long long v);
void json_field_bool(struct strbuf *out, const char *key, bool b);
/* `, "key": seconds`, or null for SD_NO_TIME. */
void json_field_secs(struct strbuf *out, const char *key, int64_t secs);
/* An object written member by member: "{" before the first (*first is
 * then cleared), ", " before the others, then "key": and the value (a
 * number as %.15g). The caller closes it with "}". */
void json_member(struct strbuf *out, bool *first, const char *key);
void json_member_str(struct strbuf *out, bool *first, const char *key, const char *v);
void json_member_num(struct strbuf *out, bool *first, const char *key, double v);

#endif
