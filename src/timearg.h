/* timearg — every time typed on the command line is read here: with an
 * offset as written, without one in the team's zone (config `timezone`). */
#ifndef SD_TIMEARG_H
#define SD_TIMEARG_H

#include <stdbool.h>
#include <stdint.h>

struct ctx;
struct tz_zone;

/* Reads the value of --flag (ISO 8601 or "@<seconds>"). A time without an
 * offset is the team's wall-clock time; one that does not exist there (the
 * clocks jumped over it) or exists twice (they turned back over it) is
 * refused with the offsets that would say which. False after one error line. */
bool timearg_parse(struct ctx *c, const char *flag, const char *value, int64_t *out);
/* The team's zone, loaded once per run; NULL after one error line when
 * config `timezone` names no zone. */
const struct tz_zone *timearg_zone(struct ctx *c);
/* "Saturday 2026-12-05 10:00 CET (Europe/Berlin)": an instant as the team
 * reads it (caller frees). Falls back to UTC when the zone cannot load. */
char *timearg_local(struct ctx *c, int64_t t);

/* Prints "  <label> Saturday 2026-12-05 10:00 CET (Europe/Berlin)": how a
 * command echoes a time it was given, so the reader sees the zone used. */
void timearg_print(struct ctx *c, const char *label, int64_t t);

#endif
