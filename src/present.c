/* present — the one formatting layer (see present.h). Two files that format
 * the same figure drift apart; here each rule exists once, and the
 * snapshot, the commands and the panes call it. */
#include "present.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "text.h"
#include "timeutil.h"

/* ---- numbers, units, dates ------------------------------------------------ */

void present_num1(struct strbuf *out, double v)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.1f", v);
	size_t n = strlen(buf);
	if (n > 2 && streq(buf + n - 2, ".0"))
		buf[n - 2] = '\0';
	sb_add(out, streq(buf, "-0") ? "0" : buf);
}

void present_minutes(struct strbuf *out, double m)
{
	if (isnan(m)) {
		sb_add(out, "n/a");
	} else if (m < 10 && m != floor(m)) {
		present_num1(out, m);       /* a 2.5 min build is not a 3 min one */
		sb_add(out, " min");
	} else if (m < 59.5) {
		sb_addf(out, "%.0f min", m);
	} else if (m < 48 * 60) {
		present_num1(out, m / 60);
		sb_add(out, " h");
	} else {
		present_num1(out, m / (24 * 60));
		sb_add(out, " d");
	}
}

void present_hours(struct strbuf *out, double hours)
{
	present_minutes(out, isnan(hours) ? NAN : hours * 60);
}

void present_percent(struct strbuf *out, double pct)
{
	if (isnan(pct)) {
		sb_add(out, "n/a");
		return;
	}
	present_num1(out, pct);
	sb_add(out, " %");
}

void present_money(struct strbuf *out, double v)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%.0f", v < 0 || isnan(v) ? 0 : v);
	size_t n = strlen(digits);
	sb_addc(out, '$');
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			sb_addc(out, ',');
		sb_addc(out, digits[i]);
	}
}

const char *present_plural(long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void present_count(struct strbuf *out, long long n, const char *one, const char *many)
{
	sb_addf(out, "%lld %s", n, present_plural(n, one, many));
}

char *present_date(int64_t t, int64_t now, char buf[24])
{
	int y, mo, d, h, mi, s, ny, x;
	time_utc_parts(t, &y, &mo, &d, &h, &mi, &s);
	time_utc_parts(now, &ny, &x, &x, &x, &x, &x);
	if (y == ny)
		snprintf(buf, 24, "%02d-%02d %02d:%02d", mo, d, h, mi);
	else
		snprintf(buf, 24, "%04d-%02d-%02d ", y, mo, d); /* older: the day says enough */
	return buf;
}

/* ---- sparklines ------------------------------------------------------------ */

static const char *const spark_utf8[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char spark_ascii[] = "_.-:=+*#";

int present_spark_level(double v, double max)
{
	if (isnan(v))
		return -1;
	if (v <= 0 || max <= 0)
		return 0;
	int level = (int)lround(v / max * 7);
	return level < 1 ? 1 : level > 7 ? 7 : level;
}

void present_sparkline(struct strbuf *out, const double *v, int n, bool ascii)
{
	double max = 0;
	for (int k = 0; k < n; k++)
		if (!isnan(v[k]) && v[k] > max)
			max = v[k];
	for (int k = 0; k < n; k++) {
		int level = present_spark_level(v[k], max);
		if (level < 0)
			sb_addc(out, ' ');
		else if (ascii)
			sb_addc(out, spark_ascii[level]);
		else
			sb_add(out, spark_utf8[level]);
	}
}

/* ---- the DORA scorecard ------------------------------------------------- */

static const char *const score_names[SCORE_COUNT] = {
	"Deployment frequency", "Lead time (median)", "Change failure rate",
	"Time to restore", "Rework rate",
};

static const char *ge(bool ascii) { return ascii ? ">= " : "\xe2\x89\xa5 "; }
static const char *le(bool ascii) { return ascii ? "<= " : "\xe2\x89\xa4 "; }

static void copy_cell(char *dst, size_t len, struct strbuf *sb)
{
	snprintf(dst, len, "%s", sb_str(sb));
	sb_reset(sb);
}

static void row_current(struct score_row *row, const struct dora_report *r, enum score_metric m,
			struct strbuf *sb)
{
	switch (m) {
	case SCORE_DF:
		if (isnan(r->frequency.per_week)) {
			sb_add(sb, "n/a");
		} else {
			present_num1(sb, r->frequency.per_week);
			sb_add(sb, "/week");
		}
		break;
	case SCORE_LT: present_hours(sb, r->lead_time.median_hours); break;
	case SCORE_CFR: present_percent(sb, r->cfr.rate); break;
	case SCORE_TTR: present_hours(sb, r->restore.median_hours); break;
	case SCORE_REWORK: present_percent(sb, r->rework.rate); break;
	case SCORE_COUNT: break;
	}
	copy_cell(row->current, sizeof row->current, sb);
}

/* Targets: per week at least; the others strictly under (docs/metrics.md §6b). */
static void row_target(struct score_row *row, const struct dora_report *r, enum score_metric m,
		       bool ascii, struct strbuf *sb)
{
	const struct dora_targets *t = &r->targets;
	switch (m) {
	case SCORE_DF: sb_add(sb, ge(ascii)); present_num1(sb, t->deploys_per_week); sb_add(sb, "/week"); break;
	case SCORE_LT: sb_add(sb, "< "); present_hours(sb, t->lead_time_hours); break;
	case SCORE_CFR: sb_add(sb, "< "); present_percent(sb, t->cfr_percent); break;
	case SCORE_TTR: sb_add(sb, "< "); present_hours(sb, t->restore_hours); break;
	default: sb_add(sb, "-"); break;
	}
	copy_cell(row->target, sizeof row->target, sb);
}

/* What elite means under the thresholds in use: read from the data, never
 * written into a view (docs/metrics.md §6). */
static void row_elite(struct score_row *row, const struct dora_thresholds *th, enum score_metric m,
		      bool ascii, struct strbuf *sb)
{
	if (!th || m == SCORE_REWORK) {
		sb_add(sb, "-");
	} else if (m == SCORE_DF) {
		sb_add(sb, ge(ascii));
		present_num1(sb, th->df_elite_days);
		sb_add(sb, " days/week");
	} else if (m == SCORE_LT) {
		sb_add(sb, "< ");
		present_hours(sb, th->lt_elite_h);
	} else if (m == SCORE_CFR) {
		sb_add(sb, le(ascii));
		present_percent(sb, th->cfr_elite);
	} else {
		sb_add(sb, "< ");
		present_hours(sb, th->ttr_elite_h);
	}
	copy_cell(row->elite, sizeof row->elite, sb);
}

void present_scorecard(const struct dora_report *r, const struct dora_thresholds *th, bool ascii,
		       struct score_row rows[SCORE_COUNT])
{
	const enum dora_tier tiers[SCORE_COUNT] = {r->frequency.tier, r->lead_time.tier, r->cfr.tier,
						   r->restore.tier, TIER_NA};
	const enum dora_target_state met[SCORE_COUNT] = {r->df_met, r->lt_met, r->cfr_met, r->ttr_met,
							 TARGET_NA};
	struct strbuf sb = STRBUF_INIT;
	for (int m = 0; m < SCORE_COUNT; m++) {
		struct score_row *row = &rows[m];
		memset(row, 0, sizeof *row);
		row->name = score_names[m];
		row->tier_id = tiers[m];
		row->met = met[m];
		row_current(row, r, (enum score_metric)m, &sb);
		if (m == SCORE_REWORK)
			snprintf(row->tier, sizeof row->tier, "no tiers"); /* DORA publishes none */
		else if (tiers[m] != TIER_NA && r->year)
			snprintf(row->tier, sizeof row->tier, "%s (%d)", dora_tier_name(tiers[m]), r->year);
		else
			snprintf(row->tier, sizeof row->tier, "%s", dora_tier_name(tiers[m]));
		row_target(row, r, (enum score_metric)m, ascii, &sb);
		row_elite(row, th, (enum score_metric)m, ascii, &sb);
	}
	sb_free(&sb);
}

const char *present_met_mark(enum dora_target_state s, bool ascii)
{
	if (s == TARGET_MET)
		return ascii ? "ok" : "\xe2\x9c\x93";
	if (s == TARGET_MISSED)
		return ascii ? "NO" : "\xe2\x9c\x97";
	return "";
}

void present_week_values(const struct dora_report *r, enum score_metric m, double v[DORA_WEEKS])
{
	for (int k = 0; k < DORA_WEEKS; k++) {
		const struct dora_week *w = &r->weekly[k];
		v[k] = m == SCORE_DF ? w->deploys : m == SCORE_LT ? w->lead_time_median_hours :
		       m == SCORE_CFR ? w->change_failure_rate :
		       m == SCORE_TTR ? w->time_to_restore_median_hours : NAN;
	}
}

const char *present_trend_name(enum score_metric m)
{
	static const char *const names[SCORE_COUNT] = {"Deployments", "Lead time", "Change failure rate",
						       "Time to restore", "Rework rate"};
	return m < SCORE_COUNT ? names[m] : "";
}

void present_trend_summary(struct strbuf *out, const struct dora_report *r, enum score_metric m)
{
	double v[DORA_WEEKS];
	present_week_values(r, m, v);
	sb_add(out, "this week ");
	if (m == SCORE_DF)
		sb_addf(out, "%d", r->weekly[DORA_WEEKS - 1].deploys);
	else if (m == SCORE_CFR)
		present_percent(out, v[DORA_WEEKS - 1]);
	else
		present_hours(out, v[DORA_WEEKS - 1]);
}

/* ---- states ------------------------------------------------------------- */

static const char *const deploy_words[DEPLOY_STATE_COUNT] = {
	"scheduled", "in-progress", "succeeded", "failed", "restored", "rolled-back",
};

const char *present_deploy_state_word(enum deploy_state s)
{
	return s < DEPLOY_STATE_COUNT ? deploy_words[s] : "";
}

const char *present_fail_word(enum dora_fail_source s)
{
	switch (s) {
	case FAIL_REVERT: return "revert";
	case FAIL_RECORD: return "record";
	case FAIL_INCIDENT: return "incident";
	case FAIL_ROLLBACK: return "rollback";
	case FAIL_NONE: break;
	}
	return NULL;
}

const char *present_deploy_source(const struct deploy_rec *rec)
{
	return rec ? deploylog_source(rec->source) : "tag";
}

const char *present_incident_source(const struct incident_rec *inc)
{
	return deploylog_source(inc->source);
}

/* A record's own state when no history judged it (staging, or no
 * repository): what was recorded, as of now. */
static void verdict_from_record(const struct deploy_rec *rec, int64_t now, struct deploy_verdict *v)
{
	if (rec->at > now)
		v->state = DEPLOY_SCHEDULED;
	else if (streq(rec->status, "failed"))
		v->state = DEPLOY_FAILED, v->why = FAIL_RECORD;
	else if (streq(rec->status, "rolled-back"))
		v->state = DEPLOY_ROLLED_BACK, v->why = FAIL_RECORD;
	else if (streq(rec->status, "in-progress"))
		v->state = DEPLOY_IN_PROGRESS;
	else
		v->state = DEPLOY_SUCCEEDED;
	v->rework = streq(rec->kind, "hotfix");
}

/* docs/metrics.md §3: a failure wins over any recorded progress; a failure
 * with a known restore time is restored; a recorded rollback stays one. */
void present_deploy_verdict(const struct dash *d, int i, struct deploy_verdict *out)
{
	memset(out, 0, sizeof *out);
	out->restore_hours = NAN;
	if (!d->has_history || i < 0 || (size_t)i >= d->dora.nall)
		return;
	const struct dora_deploy *dep = &d->git.deploys[i];
	const struct dora_deploy_result *res = &d->dora.all[i];
	const struct deploy_rec *rec = model_record_of_deploy(d, i);
	if (dep->time > d->now) {
		out->state = DEPLOY_SCHEDULED;
		return;
	}
	out->rework = res->rework;
	if (res->failed) {
		out->why = res->fail_source;
		out->linked_by_time = res->incident_linked_by_time;
		out->restore_hours = res->restore_hours;
		out->restored_by = res->restored_by >= 0 ? d->git.deploys[res->restored_by].ref : NULL;
		if (res->fail_source == FAIL_REVERT) {
			out->reverted_by_pr = res->restored_by_pr;
			out->reverts_pr = res->restored_reverts_pr;
		}
		if (!isnan(res->restore_hours))
			out->state = DEPLOY_RESTORED;
		else if (rec && streq(rec->status, "rolled-back"))
			out->state = DEPLOY_ROLLED_BACK;
		else
			out->state = DEPLOY_FAILED;
	} else {
		out->state = rec && streq(rec->status, "in-progress") ? DEPLOY_IN_PROGRESS : DEPLOY_SUCCEEDED;
	}
}

void present_record_verdict(const struct dash *d, const struct deploy_rec *rec, struct deploy_verdict *out)
{
	memset(out, 0, sizeof *out);
	out->restore_hours = NAN;
	if (d->has_history && streq(rec->env, "production"))
		for (size_t i = 0; i < d->git.ndeploys; i++)
			if (d->git.record_ids[i] == rec->id) {
				present_deploy_verdict(d, (int)i, out);
				return;
			}
	verdict_from_record(rec, d->now, out);
}

void present_deploy_status(struct strbuf *out, const struct deploy_verdict *v)
{
	struct strbuf detail = STRBUF_INIT;
	sb_add(out, present_deploy_state_word(v->state));
	present_deploy_detail(&detail, v);
	if (detail.len)
		sb_addf(out, "%s%s", detail.buf[0] == '(' ? " " : ", ", sb_str(&detail));
	sb_free(&detail);
}

/* Why it failed and what restored it: "(rolled back by v1.4.2", "(reverted
 * by #131, in v1.7.1", "(revert of #120, by v1.7.1", "(revert, by v1.7.1"
 * (docs/metrics.md §3b); the caller closes it. */
static void add_fail_reason(struct strbuf *out, const struct deploy_verdict *v, const char *why)
{
	if (v->why == FAIL_ROLLBACK && v->restored_by) {
		sb_add(out, "(rolled back by ");
		sb_add_clean(out, v->restored_by);
		return;
	}
	const char *by = ", by ";
	if (v->why == FAIL_REVERT && v->reverted_by_pr > 0) {
		sb_addf(out, "(reverted by #%d", v->reverted_by_pr);
		by = ", in ";
	} else if (v->why == FAIL_REVERT && v->reverts_pr > 0) {
		sb_addf(out, "(revert of #%d", v->reverts_pr);
	} else {
		sb_addf(out, "(%s", why);
	}
	if (v->linked_by_time)
		sb_add(out, ", linked by time");
	if (v->restored_by) {
		sb_add(out, by);
		sb_add_clean(out, v->restored_by);
	}
}

void present_deploy_detail(struct strbuf *out, const struct deploy_verdict *v)
{
	size_t start = out->len;
	const char *why = present_fail_word(v->why);
	if (why && v->state != DEPLOY_ROLLED_BACK) {
		add_fail_reason(out, v, why);
		if (!isnan(v->restore_hours)) {
			sb_add(out, ", after ");
			present_hours(out, v->restore_hours);
		}
		sb_addc(out, ')');
	}
	if (v->rework)
		sb_add(out, out->len > start ? ", rework" : "rework");
}

enum incident_state present_incident_state(const struct incident_rec *i, int64_t now)
{
	if (i->started == SD_NO_TIME || i->started > now)
		return INCIDENT_NOT_STARTED;
	return deploylog_incident_open(i, now) ? INCIDENT_OPEN : INCIDENT_RESTORED;
}

const char *present_incident_word(enum incident_state s)
{
	return s == INCIDENT_OPEN ? "open" : s == INCIDENT_RESTORED ? "restored" : "not started";
}

/* ---- features ----------------------------------------------------------- */

static const char *const flag_words[FLAG_COUNT] = {
	"overdue", "not-ready", "stale-phase", "no-go", "manual", "key-shared", "rolling-out",
};

/* A no-go matters once the feature is near production: in Testing &
 * Staging or Deployment (docs/metrics.md §11). */
unsigned present_feature_flags(const struct dash_feature *f)
{
	unsigned m = 0;
	m |= (unsigned)f->overdue << FLAG_OVERDUE;
	m |= (unsigned)f->not_ready << FLAG_NOT_READY;
	m |= (unsigned)f->manual_stale << FLAG_STALE_PHASE;
	m |= (unsigned)(!f->gate_go && (streq(f->phase, "testing") || streq(f->phase, "deployment")))
	     << FLAG_NO_GO;
	m |= (unsigned)f->phase_manual << FLAG_MANUAL;
	m |= (unsigned)f->key_shared << FLAG_KEY_SHARED;
	m |= (unsigned)f->rolling_out << FLAG_ROLLING_OUT;
	return m;
}

bool present_feature_needs_attention(const struct dash_feature *f)
{
	return (present_feature_flags(f) & FLAGS_ATTENTION) != 0;
}

const char *present_flag_word(enum feature_flag fl)
{
	return fl < FLAG_COUNT ? flag_words[fl] : "";
}

void present_flag_words(struct strbuf *out, unsigned mask)
{
	const char *sep = "";
	for (int k = 0; k < FLAG_COUNT; k++)
		if (mask & (1u << k)) {
			sb_addf(out, "%s%s", sep, flag_words[k]);
			sep = ", ";
		}
}

void present_json_flags(struct strbuf *out, unsigned mask)
{
	json_field_bool(out, "attention", (mask & FLAGS_ATTENTION) != 0);
	sb_add(out, ", \"flags\": [");
	for (int k = 0, n = 0; k < FLAG_COUNT; k++)
		if (mask & (1u << k)) {
			sb_add(out, n++ ? ", " : "");
			json_add_string(out, present_flag_word((enum feature_flag)k));
		}
	sb_add(out, "]");
}

void present_days_label(struct strbuf *out, const struct dash_feature *f, bool ascii)
{
	if (isnan(f->days_in_phase))
		return;
	const char *label = strstr(f->expected_label, ": ");
	if (!label) {
		sb_addf(out, "day %d", (int)floor(f->days_in_phase) + 1);
		return;
	}
	for (const char *p = label + 2; *p; p++) {
		if (ascii && str_starts(p, "\xe2\x80\x93")) { /* en dash */
			sb_addc(out, '-');
			p += 2;
		} else {
			sb_addc(out, *p);
		}
	}
}

void present_attention(const struct dash *d, struct attention *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < d->nfeatures; i++)
		out->features += present_feature_needs_attention(&d->features[i]);
	for (size_t i = 0; i < d->nincidents; i++)
		out->open_incidents += present_incident_state(&d->incidents[i], d->now) == INCIDENT_OPEN;
	for (size_t i = 0; i < d->nreviews; i++)
		out->overdue_reviews += d->reviews[i].state == REVIEW_OVERDUE;
	out->window_risky = d->has_window && d->window.verdict != WINDOW_GOOD;
}

/* ---- where lead time goes (docs/metrics.md §2b) ---------------------------- */

static const char *const stage_names[STAGE_COUNT] = {
	[STAGE_CODING_REVIEW] = "coding and review", [STAGE_CODING] = "coding",
	[STAGE_PICKUP] = "pickup", [STAGE_REVIEW] = "review", [STAGE_WAITING] = "waiting to deploy",
};
static const char *const stage_fields[STAGE_COUNT] = {
	[STAGE_CODING_REVIEW] = "coding_and_review_hours", [STAGE_CODING] = "coding_hours",
	[STAGE_PICKUP] = "pickup_hours", [STAGE_REVIEW] = "review_hours", [STAGE_WAITING] = "waiting_hours",
};
static const char *const stage_fill[STAGE_MAX] = {"\xe2\x96\x88", "\xe2\x96\x93", "\xe2\x96\x92", "\xe2\x96\x91"};
static const char stage_fill_ascii[STAGE_MAX] = {'#', '=', '-', '.'};

const char *present_stage_name(enum stage_id id)
{
	return id < STAGE_COUNT ? stage_names[id] : "";
}

const char *present_stage_field(enum stage_id id)
{
	return id < STAGE_COUNT ? stage_fields[id] : "";
}

static void add_stage(struct stage_split *out, enum stage_id id, double hours)
{
	out->id[out->n] = id;
	out->hours[out->n] = hours;
	if (!isnan(hours) && (out->largest < 0 || hours > out->hours[out->largest]))
		out->largest = out->n;
	out->n++;
}

void present_stages(const struct dora_stages *s, struct stage_split *out)
{
	memset(out, 0, sizeof *out);
	out->largest = -1;
	if (!s || s->changes <= 0)
		return;
	if (s->from_prs) {
		out->source = "pull requests";
		add_stage(out, STAGE_CODING, s->coding_hours);
		add_stage(out, STAGE_PICKUP, s->pickup_hours);
		add_stage(out, STAGE_REVIEW, s->review_hours);
	} else {
		out->source = "git";
		add_stage(out, STAGE_CODING_REVIEW, s->coding_and_review_hours);
	}
	add_stage(out, STAGE_WAITING, s->waiting_hours);
}

/* Cells per stage by largest remainder, so that they add up to width. */
static void stage_cells(const struct stage_split *s, int width, int cells[STAGE_MAX])
{
	double sum = 0, rem[STAGE_MAX] = {0};
	for (int i = 0; i < s->n; i++)
		sum += isnan(s->hours[i]) ? 0 : s->hours[i];
	int used = 0;
	for (int i = 0; i < s->n; i++) {
		double exact = sum > 0 && !isnan(s->hours[i]) ? width * s->hours[i] / sum : 0;
		cells[i] = (int)exact;
		rem[i] = exact - cells[i];
		used += cells[i];
	}
	while (sum > 0 && used < width) {
		int best = 0;
		for (int i = 1; i < s->n; i++)
			if (rem[i] > rem[best])
				best = i;
		cells[best]++;
		rem[best] = -1;
		used++;
	}
}

void present_stage_bar(struct strbuf *out, const struct stage_split *s, int width, bool ascii)
{
	int cells[STAGE_MAX] = {0};
	stage_cells(s, width, cells);
	for (int i = 0; i < s->n; i++)
		for (int k = 0; k < cells[i]; k++) {
			if (ascii)
				sb_addc(out, stage_fill_ascii[i]);
			else
				sb_add(out, stage_fill[i]);
		}
}

void present_stage_largest(struct strbuf *out, const struct stage_split *s)
{
	if (s->largest >= 0)
		sb_addf(out, "largest: %s", stage_names[s->id[s->largest]]);
}

void present_stage_words(struct strbuf *out, const struct stage_split *s, bool ascii, bool with_largest)
{
	if (!s->n) {
		sb_add(out, "n/a");
		return;
	}
	for (int i = 0; i < s->n; i++) {
		if (i)
			sb_add(out, ", ");
		if (ascii)
			sb_addc(out, stage_fill_ascii[i]);
		else
			sb_add(out, stage_fill[i]);
		sb_addf(out, " %s ", stage_names[s->id[i]]);
		present_hours(out, s->hours[i]);
	}
	if (with_largest && s->largest >= 0) {
		sb_add(out, "; ");
		present_stage_largest(out, s);
	}
}

void present_stage_title(struct strbuf *out, const struct stage_split *s)
{
	if (s->n)
		sb_addf(out, "Where lead time goes (medians, from %s): ", s->source);
	else
		sb_add(out, "Where lead time goes: ");
}

void present_attention_ops(struct strbuf *out, const struct attention *at)
{
	if (at->open_incidents)
		present_count(out, (long long)at->open_incidents, "open incident", "open incidents");
	if (at->open_incidents && at->overdue_reviews)
		sb_add(out, ", ");
	if (at->overdue_reviews)
		present_count(out, (long long)at->overdue_reviews, "overdue review", "overdue reviews");
}

void present_service_title(struct strbuf *out, const struct dash_service *s)
{
	sb_add(out, "Service ");
	sb_add_clean(out, s->name);
	if (s->paths) {
		sb_add(out, " (paths ");
		sb_add_clean(out, s->paths);
	} else {
		sb_add(out, " (whole repository");
	}
	sb_add(out, "; tags ");
	sb_add_clean(out, s->deploy_tags);
	sb_addc(out, ')');
}

void present_service_tag(struct strbuf *out, const char *service)
{
	if (service)
		sb_add_clean(out, service);
	else
		sb_addc(out, '-');
}

const char *present_deploy_service(const struct dash *d, int index)
{
	if (!d->team)
		return d->nservices ? d->services[0].name : NULL;
	if (!d->deploy_service || index < 0 || (size_t)index >= d->git.ndeploys)
		return NULL;
	int svc = d->deploy_service[index];
	return svc >= 0 && (size_t)svc < d->nservices ? d->services[svc].name : NULL;
}

void present_deploy_service_cell(struct strbuf *out, const struct dash *d, int index, int width, bool ascii)
{
	const char *name = d->team ? present_deploy_service(d, index) : NULL;
	if (!name)
		return;
	char *clean = text_clean(name, TEXT_ONE_LINE);
	text_fit(out, clean, width, false, ascii);
	free(clean);
}
